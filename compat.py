#!/usr/bin/env python3
"""Breaking-change checker for the protocol's JSON Schema files.

Compares a released baseline (schema/baselines/<version>/) with the current
schema/ tree, classifies every difference as "breaking" or "non-breaking" (in
the spirit of buf's WIRE_JSON rules and OpenTelemetry weaver's policy), then
gates the protocol version bump with semver.

    python compat.py check  [--schema-dir schema] [--baseline VERSION]
    python compat.py record [--schema-dir schema] [--force]

Exit codes: 0 ok (warnings allowed), 1 the version gate failed, 2 bad input.

The version field itself (protocol.schema.json's x-protocol-version) is not a change: it is what
the changes are gated on.  Files are read, and $refs resolved, by schema_model.py.

Principle: an absent keyword constrains nothing, so adding a validation keyword
narrows the schema (a message valid before may be rejected now: breaking) and
removing one widens it.  Keywords without a specific rule are still reported
(KEYWORD_ADDED/CHANGED breaking, KEYWORD_REMOVED not): nothing is ignored.
Pointers read  <path relative to schema/>#<JSON pointer in that file>.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import schema_model
from schema_model import BASELINES, VERSION_KEY, parse_version, protocol_version

BREAKING, NON_BREAKING = "breaking", "non-breaking"
VERSION_FILE = schema_model.PROTOCOL_FILE
DEFAULT_SCHEMA_DIR = schema_model.SCHEMA_DIR

# Raising a lower bound or lowering an upper bound narrows; the opposite
# widens.  Adding a bound narrows, dropping one widens.  Value: rule prefix.
LOWER_BOUNDS = {"minimum": "MINIMUM", "exclusiveMinimum": "EXCLUSIVE_MINIMUM",
                "minLength": "MIN_LENGTH", "minItems": "MIN_ITEMS", "minProperties": "MIN_PROPERTIES"}
UPPER_BOUNDS = {"maximum": "MAXIMUM", "exclusiveMaximum": "EXCLUSIVE_MAXIMUM",
                "maxLength": "MAX_LENGTH", "maxItems": "MAX_ITEMS", "maxProperties": "MAX_PROPERTIES"}

# Every rule this checker reports, with its fixed severity.  The bound rules
# (MIN_LENGTH_NARROWED, MAXIMUM_WIDENED, ...) are added just below.
RULES = {
    "FILE_REMOVED": BREAKING, "FILE_ADDED": NON_BREAKING,
    "DEFINITION_REMOVED": BREAKING, "DEFINITION_ADDED": NON_BREAKING,
    "FIELD_REMOVED": BREAKING, "FIELD_ADDED_OPTIONAL": NON_BREAKING,
    "FIELD_ADDED_REQUIRED": BREAKING,
    "REQUIRED_ADDED": BREAKING, "REQUIRED_REMOVED": NON_BREAKING,
    "ADDITIONAL_PROPERTIES_CLOSED": BREAKING, "ADDITIONAL_PROPERTIES_OPENED": NON_BREAKING,
    "TYPE_CHANGED": BREAKING, "TYPE_WIDENED": NON_BREAKING,  # TYPE_CHANGED: also any $ref change
    "SCHEMA_CLOSED": BREAKING, "SCHEMA_OPENED": NON_BREAKING,  # a subschema became / was `false`
    "CONST_CHANGED": BREAKING, "CONST_REMOVED": NON_BREAKING,  # CONST_CHANGED: also const added
    "CONST_RENAMED": BREAKING,  # the title of a const, or an x-enum-varnames entry, is a public name
    "ENUM_ADDED": BREAKING, "ENUM_REMOVED": NON_BREAKING,
    "ENUM_MEMBER_REMOVED": BREAKING, "ENUM_MEMBER_ADDED": NON_BREAKING,
    "PATTERN_CHANGED": BREAKING, "PATTERN_REMOVED": NON_BREAKING,  # PATTERN_CHANGED: also added
    # `not: {pattern: <characters>}` added where `pattern` already rules those characters out
    # (_implied_exclusion); any other `not` added is KEYWORD_ADDED
    "NOT_PATTERN_IMPLIED": NON_BREAKING,
    "DEFAULT_REMOVED": BREAKING, "DEFAULT_CHANGED": BREAKING, "DEFAULT_ADDED": NON_BREAKING,
    "ANYOF_BRANCH_REMOVED": BREAKING, "ANYOF_BRANCH_ADDED": NON_BREAKING,
    "ONEOF_BRANCH_REMOVED": BREAKING, "ONEOF_BRANCH_ADDED": NON_BREAKING,
    "ALLOF_BRANCH_ADDED": BREAKING, "ALLOF_BRANCH_REMOVED": NON_BREAKING,  # allOf: more = narrower
    "ORDER_CHANGED": NON_BREAKING,  # enum members, branches or required names reordered
    "DESCRIPTION_CHANGED": NON_BREAKING, "TITLE_CHANGED": NON_BREAKING,
    "ANNOTATION_CHANGED": NON_BREAKING,  # examples, $comment, deprecated, x-*, ...
    "KEYWORD_ADDED": BREAKING, "KEYWORD_CHANGED": BREAKING, "KEYWORD_REMOVED": NON_BREAKING,
}
# What a PATCH bump covers: wording (a description is documentation; it flows into the code's
# docstrings and the docs, never into what is valid). Every other non-breaking change is an
# addition or a change of names or annotations, which a MINOR bump covers.
PATCH_RULES = {"DESCRIPTION_CHANGED"}
for _prefix in [*LOWER_BOUNDS.values(), *UPPER_BOUNDS.values()]:
    RULES[_prefix + "_NARROWED"] = BREAKING
    RULES[_prefix + "_WIDENED"] = NON_BREAKING

# Keywords compared as whole values: the rules for (added, removed, changed).
VALUE_RULES = {
    "$ref": ("TYPE_CHANGED",) * 3,  # another target is another type
    "const": ("CONST_CHANGED", "CONST_REMOVED", "CONST_CHANGED"),
    "pattern": ("PATTERN_CHANGED", "PATTERN_REMOVED", "PATTERN_CHANGED"),  # regexes can't be compared
    "default": ("DEFAULT_ADDED", "DEFAULT_REMOVED", "DEFAULT_CHANGED"),
    "title": ("TITLE_CHANGED",) * 3,
    "description": ("DESCRIPTION_CHANGED",) * 3,
}
ANNOTATIONS = {"examples", "$comment", "deprecated", "readOnly", "writeOnly",
               "contentEncoding", "contentMediaType", "contentSchema"}  # and every x-* keyword
CORE = {"$id", "$schema", "$anchor", "$dynamicAnchor", "$vocabulary"}  # references depend on these
# Keywords holding one subschema where "absent" means `true`: compared recursively.
SUBSCHEMAS = ("items", "additionalItems", "unevaluatedItems", "unevaluatedProperties",
              "propertyNames", "then", "else")
# Keywords with a comparison method of their own in _Differ.
STRUCTURAL = {"type", "enum", "x-enum-varnames", "required", "properties", "$defs", "definitions",
              "additionalProperties", "anyOf", "oneOf", "allOf", *SUBSCHEMAS, *LOWER_BOUNDS, *UPPER_BOUNDS}

_MISSING = object()  # stands for "keyword absent"


CompatError = schema_model.SchemaError  # bad input (missing/invalid version, unreadable schema, ...): exit code 2


@dataclass(frozen=True)
class Change:
    pointer: str   # "<file>#<json pointer>"
    rule: str      # a key of RULES
    severity: str  # BREAKING or NON_BREAKING
    detail: str    # human text, old -> new

    @property
    def breaking(self) -> bool:
        return self.severity == BREAKING

    def __str__(self) -> str:
        return f"{'BREAKING' if self.breaking else 'ok'} {self.pointer} {self.rule}: {self.detail}"


# ---------------------------------------------------------------- helpers

def _canon(value) -> str:
    """Canonical JSON text, to compare JSON values exactly (1, 1.0 and true differ)."""
    return json.dumps(value, sort_keys=True)


def _same(a, b) -> bool:
    return a is b if a is _MISSING or b is _MISSING else _canon(a) == _canon(b)


def _show(value, limit: int = 70) -> str:
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show_change(old, new) -> str:
    """"old -> new"; for two long strings, from a little before where they differ."""
    if isinstance(old, str) and isinstance(new, str):
        start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        if start > 30:
            old, new = "..." + old[start - 20:], "..." + new[start - 20:]
    return f"{_show(old)} -> {_show(new)}"


def _esc(token) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def _type_set(schema: dict):
    """The set of JSON types a schema's `type` allows; None means any type."""
    t = schema.get("type")
    return None if t is None else frozenset([t] if isinstance(t, str) else t)


def _covers(wide, narrow) -> bool:
    """True when every value of type set `narrow` is accepted by type set `wide`."""
    if wide is None or narrow is None:
        return wide is None
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _describe_branch(branch) -> str:
    if isinstance(branch, dict) and "const" in branch:
        return f"const {_show(branch['const'])}" + (f" ({branch['title']})" if "title" in branch else "")
    if isinstance(branch, dict) and "$ref" in branch:
        return f"$ref {branch['$ref']}"
    return _show(branch)


def _branch_key(branch, level: int):
    """The key pairing anyOf/oneOf/allOf branches in matching pass `level`:
    0 the same const and title, 1 the same const (its title changed: a rename),
    2 the same $ref, 3 the remaining plain branches in order (by index).
    None when the branch does not take part in that pass."""
    b = branch if isinstance(branch, dict) else {}
    if "const" in b:
        return [("const", _canon(b["const"]), b.get("title")), ("const", _canon(b["const"])), None, None][level]
    if "$ref" in b:
        return ("ref", b["$ref"]) if level == 2 else None
    return ("plain",) if level == 3 else None


def _match_branches(old: list, new: list) -> dict[int, int]:
    """Pair the branches of two anyOf/oneOf/allOf lists: {old index: new index}."""
    pairs: dict[int, int] = {}
    for level in range(4):
        free = [j for j in range(len(new)) if j not in pairs.values()]
        for i, branch in enumerate(old):
            key = _branch_key(branch, level)
            if i in pairs or key is None:
                continue
            for j in free:
                if _branch_key(new[j], level) == key:
                    pairs[i] = j
                    free.remove(j)
                    break
    return pairs


# ---------------------------------------------------------------- implied exclusions
# A `not: {"pattern": ...}` added beside an unchanged pattern narrows nothing when the pattern
# already rules its characters out: schema_model.implied_exclusion decides that (the same
# function codegen uses to leave the runtime's line-break check out where the pattern implies it).


def _implied_exclusion(old: dict, new: dict) -> str:
    """The characters of an added `not: {pattern: <one character or class>}` when `new`'s
    `pattern` -- the same as `old`'s, on a `type: string` in both -- already excludes them
    (schema_model.implied_exclusion); "" when that cannot be shown."""
    added, pattern = new.get("not"), new.get("pattern")
    if not (isinstance(added, dict) and set(added) == {"pattern"} and isinstance(pattern, str)
            and old.get("pattern") == pattern and old.get("type") == new.get("type") == "string"):
        return ""
    return schema_model.implied_exclusion(pattern, added["pattern"])


# ---------------------------------------------------------------- the walk

class _Differ:
    """Collects the changes between two versions of one schema file."""

    def __init__(self, file: str, old_set: dict[str, dict] | None = None, new_set: dict[str, dict] | None = None):
        self.file = file
        self.changes: list[Change] = []
        self.sets = (old_set or {}, new_set or {})
        self.registries = [None, None]  # built when a $ref is first followed

    def add(self, ptr: str, rule: str, detail: str) -> None:
        self.changes.append(Change(f"{self.file}#{ptr}", rule, RULES[rule], detail))

    def schema(self, ptr: str, old, new) -> None:
        """Compare two (sub)schemas found at JSON pointer `ptr`."""
        if old is False or new is False:      # `false` accepts nothing
            if old is not new:
                rule = "SCHEMA_CLOSED" if new is False else "SCHEMA_OPENED"
                self.add(ptr, rule, f"{_show(old)} -> {_show(new)}")
            return
        old = {} if old is True else old      # `true` accepts anything, like {}
        new = {} if new is True else new
        if isinstance(old, dict) and isinstance(new, dict) and ("$ref" in old) != ("$ref" in new):
            # inline keywords moved into a named definition (or back): compare what they say
            old, new = self._inlined(old, 0), self._inlined(new, 1)
        if not isinstance(old, dict) or not isinstance(new, dict):
            if not _same(old, new):           # not a schema: compare as a value
                self.add(ptr, "KEYWORD_CHANGED", f"{_show(old)} -> {_show(new)}")
            return
        self.types(ptr, old, new)
        self.enum(ptr, old, new)
        self.bounds(ptr, old, new)
        self.schema_map(ptr, "properties", old, new, "FIELD_REMOVED", "FIELD_ADDED_OPTIONAL")
        self.required(ptr, old, new)
        for kw in ("$defs", "definitions"):
            self.schema_map(ptr, kw, old, new, "DEFINITION_REMOVED", "DEFINITION_ADDED")
        self.additional_properties(ptr, old, new)
        for kw in SUBSCHEMAS:
            if kw in old or kw in new:
                self.schema(f"{ptr}/{kw}", old.get(kw, True), new.get(kw, True))
        for kw in ("anyOf", "oneOf", "allOf"):
            self.branches(ptr, kw, old, new)
        self.keywords(ptr, old, new)

    def _inlined(self, node: dict, side: int) -> dict:
        """``node`` with its ``$ref`` replaced by the target's validation keywords, when the target
        is in the same schema set and has no ``$ref`` of its own; else ``node`` as it is."""
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node
        schemas = self.sets[side]
        if self.registries[side] is None:
            self.registries[side] = schema_model.registry(schemas)
        try:
            _, target = schema_model.lookup(self.registries[side], ref, schema_model.base_uri(schemas, self.file))
        except schema_model.SchemaError:
            return node
        if not isinstance(target, dict) or "$ref" in target:
            return node
        body = {k: v for k, v in target.items() if k not in ANNOTATIONS and k not in ("title", "description") and not k.startswith("x-")}
        return {**body, **{k: v for k, v in node.items() if k != "$ref"}}

    def types(self, ptr, old, new):
        before, after = _type_set(old), _type_set(new)
        if before != after:  # integer -> number widens, number -> integer narrows
            rule = "TYPE_WIDENED" if _covers(after, before) else "TYPE_CHANGED"
            detail = f"type {_show(old.get('type', _MISSING))} -> {_show(new.get('type', _MISSING))}"
            self.add(f"{ptr}/type", rule, detail)

    def enum(self, ptr, old, new):
        o, n, p = old.get("enum", _MISSING), new.get("enum", _MISSING), f"{ptr}/enum"
        if o is _MISSING and n is not _MISSING:
            self.add(p, "ENUM_ADDED", f"values now restricted to {_show(n)}")
        elif o is not _MISSING and n is _MISSING:
            self.add(p, "ENUM_REMOVED", f"values no longer restricted to {_show(o)}")
        elif not _same(o, n):
            before, after = [_canon(v) for v in o], [_canon(v) for v in n]
            for value, key in zip(o, before):
                if key not in after:
                    self.add(p, "ENUM_MEMBER_REMOVED", f"member {_show(value)} removed")
            for value, key in zip(n, after):
                if key not in before:
                    self.add(p, "ENUM_MEMBER_ADDED", f"member {_show(value)} added")
            if [k for k in before if k in after] != [k for k in after if k in before]:
                self.add(p, "ORDER_CHANGED", "enum members reordered")
        # x-enum-varnames holds the generated Python names of the members, by
        # position: a member that stays but changes name is renamed.
        o_names, n_names = old.get("x-enum-varnames", _MISSING), new.get("x-enum-varnames", _MISSING)
        if _same(o_names, n_names):
            return
        before = dict(zip(map(_canon, old.get("enum", [])), old.get("x-enum-varnames", [])))
        after = dict(zip(map(_canon, new.get("enum", [])), new.get("x-enum-varnames", [])))
        renamed = [k for k in before if k in after and before[k] != after[k]]
        for k in renamed:
            self.add(f"{ptr}/x-enum-varnames", "CONST_RENAMED", f"member {k}: {before[k]} -> {after[k]}")
        if not renamed:
            self.add(f"{ptr}/x-enum-varnames", "ANNOTATION_CHANGED", f"{_show(o_names)} -> {_show(n_names)}")

    def bounds(self, ptr, old, new):
        for kw, prefix in [*LOWER_BOUNDS.items(), *UPPER_BOUNDS.items()]:
            o, n = old.get(kw, _MISSING), new.get(kw, _MISSING)
            if o is n or (o is not _MISSING and n is not _MISSING and o == n):
                continue
            if o is _MISSING or n is _MISSING:
                narrowed = o is _MISSING      # a bound added narrows, one dropped widens
            else:
                narrowed = n > o if kw in LOWER_BOUNDS else n < o
            rule = prefix + ("_NARROWED" if narrowed else "_WIDENED")
            self.add(f"{ptr}/{kw}", rule, f"{kw} {_show(o)} -> {_show(n)}")

    def schema_map(self, ptr, kw, old, new, removed_rule, added_rule):
        """`properties` / `$defs`: maps of name -> subschema."""
        before, after = old.get(kw, {}), new.get(kw, {})
        for name in [*before, *(k for k in after if k not in before)]:
            p = f"{ptr}/{kw}/{_esc(name)}"
            if name in before and name in after:
                self.schema(p, before[name], after[name])
            elif name in before:
                self.add(p, removed_rule, f"{kw} {name!r} removed")
            elif kw == "properties" and name in new.get("required", []):
                self.add(p, "FIELD_ADDED_REQUIRED", f"required property {name!r} added")
            else:
                self.add(p, added_rule, f"{kw} {name!r} added")

    def required(self, ptr, old, new):
        before, after, p = old.get("required", []), new.get("required", []), f"{ptr}/required"
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in after:  # (a new required property is FIELD_ADDED_REQUIRED already)
            if name not in before and not (name in new_props and name not in old_props):
                self.add(p, "REQUIRED_ADDED", f"{name!r} is now required")
        for name in before:  # (a removed property is FIELD_REMOVED already)
            if name not in after and not (name in old_props and name not in new_props):
                self.add(p, "REQUIRED_REMOVED", f"{name!r} is no longer required")
        if set(before) == set(after) and before != after:
            self.add(p, "ORDER_CHANGED", f"required {before} -> {after}")

    def additional_properties(self, ptr, old, new):
        o, n = old.get("additionalProperties", True), new.get("additionalProperties", True)
        p = f"{ptr}/additionalProperties"
        if (o is False) != (n is False):
            rule = "ADDITIONAL_PROPERTIES_CLOSED" if n is False else "ADDITIONAL_PROPERTIES_OPENED"
            self.add(p, rule, f"additionalProperties {_show(o)} -> {_show(n)}")
        elif o is not False and ("additionalProperties" in old or "additionalProperties" in new):
            self.schema(p, o, n)

    def branches(self, ptr, kw, old, new):
        o, n, p = old.get(kw, _MISSING), new.get(kw, _MISSING), f"{ptr}/{kw}"
        if _same(o, n):
            return
        if o is _MISSING or n is _MISSING:    # the whole keyword appeared / went away
            rule = "KEYWORD_ADDED" if o is _MISSING else "KEYWORD_REMOVED"
            self.add(p, rule, f"{kw} {_show(o)} -> {_show(n)}")
            return
        pairs = _match_branches(o, n)
        prefix = kw.upper()                   # ANYOF / ONEOF / ALLOF
        for i, branch in enumerate(o):
            if i in pairs:
                self.schema(f"{p}/{pairs[i]}", branch, n[pairs[i]])
            else:
                self.add(f"{p}/{i}", prefix + "_BRANCH_REMOVED", f"branch {_describe_branch(branch)} removed")
        for j, branch in enumerate(n):
            if j not in pairs.values():
                self.add(f"{p}/{j}", prefix + "_BRANCH_ADDED", f"branch {_describe_branch(branch)} added")
        if sorted(pairs.values()) != [pairs[i] for i in sorted(pairs)]:
            self.add(p, "ORDER_CHANGED", f"{kw} branches reordered")

    def keywords(self, ptr, old, new):
        """Every other keyword, compared as a whole value."""
        for kw in [*old, *(k for k in new if k not in old)]:
            o, n = old.get(kw, _MISSING), new.get(kw, _MISSING)
            if kw in STRUCTURAL or _same(o, n):
                continue
            if kw == "title" and "const" in old and "const" in new:
                rules = ("CONST_RENAMED",) * 3  # the title of a const is the constant's name
            elif kw == "not" and o is _MISSING and (chars := _implied_exclusion(old, new)):
                self.add(f"{ptr}/not", "NOT_PATTERN_IMPLIED", f"not {_show(n)}: the unchanged pattern "
                         f"{_show(new['pattern'])} matches no {chars} already (ECMA-262)")
                continue
            elif kw in VALUE_RULES:
                rules = VALUE_RULES[kw]
            elif kw in ANNOTATIONS or kw.startswith("x-"):
                rules = ("ANNOTATION_CHANGED",) * 3
            elif kw in CORE:
                rules = ("KEYWORD_CHANGED",) * 3
            else:                             # not understood: assume the worst
                rules = ("KEYWORD_ADDED", "KEYWORD_REMOVED", "KEYWORD_CHANGED")
            added, removed, changed = rules
            rule = added if o is _MISSING else removed if n is _MISSING else changed
            self.add(f"{ptr}/{_esc(kw)}", rule, f"{kw} {_show_change(o, n)}")


def compare(old: dict[str, dict], new: dict[str, dict]) -> list[Change]:
    """All changes from schema set `old` to `new` (each: relative path -> parsed JSON), except the
    protocol version itself: the gate compares it with the changes."""
    old, new = _without_version(old), _without_version(new)
    changes: list[Change] = []
    for path in sorted(set(old) | set(new)):
        differ = _Differ(path, old, new)
        if path not in new:
            differ.add("", "FILE_REMOVED", f"file {path} removed")
        elif path not in old:
            differ.add("", "FILE_ADDED", f"file {path} added")
        else:
            differ.schema("", old[path], new[path])
        changes += differ.changes
    return changes


# ---------------------------------------------------------------- versions

def _without_version(schemas: dict[str, dict]) -> dict[str, dict]:
    """The set with protocol.schema.json's top-level version field left out."""
    protocol = schemas.get(VERSION_FILE)
    if not isinstance(protocol, dict) or VERSION_KEY not in protocol:
        return schemas
    return {**schemas, VERSION_FILE: {k: v for k, v in protocol.items() if k != VERSION_KEY}}


def gate(old_version: str, new_version: str, changes: list[Change]) -> tuple[bool, list[str]]:
    """Does the version bump cover the changes?  Returns (ok, messages).  A breaking change needs
    a MAJOR bump (an error without it); any other change but wording a MINOR one, wording a PATCH
    one (warnings without them)."""
    old, new = parse_version(old_version), parse_version(new_version)
    if new < old:
        return False, [f"error: the protocol version went backwards: {old_version} -> {new_version}"]
    if old[0] == 0:  # 0.x: the minor number plays the major's role (semver, cargo)
        major_ok, minor_ok = new[0] > 0 or new[1] > old[1], new > old
        major_next, minor_next = f"0.{old[1] + 1}.0", f"0.{old[1]}.{old[2] + 1}"
    else:
        major_ok, minor_ok = new[0] > old[0], new[:2] > old[:2]
        major_next, minor_next = f"{old[0] + 1}.0.0", f"{old[0]}.{old[1] + 1}.0"
    patch_ok, patch_next = new > old, f"{old[0]}.{old[1]}.{old[2] + 1}"
    breaking = sum(c.breaking for c in changes)
    wording = sum(not c.breaking and c.rule in PATCH_RULES for c in changes)
    additions = len(changes) - breaking - wording
    if breaking and not major_ok:
        return False, [(f"error: {breaking} breaking change(s) since {old_version} need a major bump "
                        f"(to {major_next} or later), but the version is {new_version}")]
    if additions and not minor_ok:
        return True, [(f"warning: {additions} non-breaking change(s) since {old_version} "
                       f"call for a bump to {minor_next} or later, but the version is {new_version}")]
    if wording and not patch_ok:
        return True, [(f"warning: {wording} description change(s) since {old_version} "
                       f"call for a bump to {patch_next} or later, but the version is {new_version}")]
    return True, []


# ---------------------------------------------------------------- files

def load_schemas(directory) -> dict[str, dict]:
    """Every *.json under `directory` except baselines/, by relative posix path, each a valid
    JSON Schema (schema_model.load; a set need not carry the metadata codegen needs)."""
    return schema_model.load(directory, metadata=False)


def latest_baseline(schema_dir) -> Path | None:
    """The baselines/<version>/ folder with the highest semver, or None."""
    root = Path(schema_dir) / BASELINES
    found = [d for d in root.iterdir() if d.is_dir() and _is_version(d.name)] if root.is_dir() else []
    return max(found, key=lambda d: parse_version(d.name), default=None)


def _is_version(name: str) -> bool:
    try:
        parse_version(name)
    except CompatError:
        return False
    return True


def record(schema_dir, force: bool = False) -> Path:
    """Copy the current schemas to baselines/<their protocol version>/."""
    schema_dir = Path(schema_dir)
    schemas = load_schemas(schema_dir)
    if not schemas:
        raise CompatError(f"no *.json files under {schema_dir}")
    dest = schema_dir / BASELINES / protocol_version(schemas)
    if dest.exists():
        if not force:
            raise CompatError(f"{dest} already exists: bump {VERSION_KEY}, or pass --force to overwrite it")
        shutil.rmtree(dest)
    for rel in schemas:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_dir / rel, dest / rel)
    return dest


# ---------------------------------------------------------------- CLI

def check(schema_dir, baseline: str | None = None, quiet: bool = False) -> int:
    """Print the changes since the baseline and gate the version; the exit code. ``quiet`` (what
    `make check` passes): the list of changes only when the gate fails; warnings and the one-line
    verdict always."""
    schema_dir = Path(schema_dir)
    if not schema_dir.is_dir():
        raise CompatError(f"no schema directory {schema_dir}")
    base_dir = schema_dir / BASELINES / baseline if baseline else latest_baseline(schema_dir)
    if base_dir is None:  # nothing released yet: nothing to be compatible with
        print(f"compat: no baseline in {schema_dir / BASELINES}, nothing to compare "
              f"(record one with `python compat.py record`)")
        return 0
    if not base_dir.is_dir():
        raise CompatError(f"no baseline {baseline}: {base_dir} does not exist")
    current = load_schemas(schema_dir)
    new_version = protocol_version(current)
    old_schemas = load_schemas(base_dir)
    old_version = protocol_version(old_schemas)
    if old_version != base_dir.name:
        print(f"warning: baseline folder {base_dir.name} holds protocol version {old_version}")
    changes = compare(old_schemas, current)
    ok, messages = gate(old_version, new_version, changes)
    if not (ok and quiet):
        for change in changes:
            print(change)
    for message in messages:
        print(message)
    breaking = sum(c.breaking for c in changes)
    print(f"compat: {old_version} -> {new_version}: {breaking} breaking, "
          f"{len(changes) - breaking} non-breaking change(s): {'ok' if ok else 'FAILED'}"
          f"{' (`make compat` lists them)' if ok and quiet and changes else ''}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Breaking-change checker for the protocol's JSON Schemas.")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="compare schema/ with a baseline and gate the version")
    check_cmd.add_argument("--baseline", metavar="VERSION", help="default: the highest recorded one")
    check_cmd.add_argument("--quiet", action="store_true", help="list the changes only when the gate fails")
    record_cmd = commands.add_parser("record", help="copy schema/ to baselines/<protocol version>/")
    record_cmd.add_argument("--force", action="store_true", help="overwrite an existing baseline")
    for command in (check_cmd, record_cmd):
        command.add_argument("--schema-dir", default=DEFAULT_SCHEMA_DIR, help="default: %(default)s")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return check(args.schema_dir, args.baseline, args.quiet)
        print(f"compat: recorded baseline {record(args.schema_dir, args.force)}")
        return 0
    except CompatError as exc:
        print(f"compat: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
