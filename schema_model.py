"""The protocol as schema/ states it: the one reader of the schema files.

codegen.py, emitters.py, emitters_ts.py, compat.py and the tests take every fact about the protocol
from here, never from a copy of their own:

- ``load``: every schema under a directory (not its ``baselines/``), by its path relative to that
  directory, each checked against its metaschema (and, with ``metadata``, that it has ``$schema``
  2020-12, ``$id``, ``title`` and ``description``);
- ``registry`` / ``lookup``: ``$ref`` resolution with ``referencing`` (the library jsonschema
  resolves with), across the files by their ``$id`` and, for a set without ``$id``\\ s, by path;
- ``protocol_version``: ``x-protocol-version`` of protocol.schema.json;
- ``known_events`` / ``event_types``: the event types of message.schema.json's ``KnownMessage``
  with their directions, and the constants of event-type.schema.json;
- ``channels`` / ``ws_channels`` / ``peers``: protocol.schema.json's ``x-channels`` and
  identity-type.schema.json's ``x-peers``;
- ``const_branches`` / ``CONSTANT_GROUPS``: the named constants;
- ``check``: the facts that must agree across files (each event type has a constant, a branch and
  directions on known channels between known peers; an alias names a constant of its value).

Functions take the loaded set ({relative path: schema}) so that a test can hand them an edited copy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

from jsonschema import SchemaError as MetaschemaError
from jsonschema import validators
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parent
SCHEMA_DIR = ROOT / "schema"
BASELINES = "baselines"  # schema/baselines/<version>/: the released protocols compat.py gates against
DIALECT = "https://json-schema.org/draft/2020-12/schema"
PROTOCOL_FILE = "protocol.schema.json"
VERSION_KEY = "x-protocol-version"
MESSAGE_FILE = "message.schema.json"
EVENT_TYPE_FILE = "event-type.schema.json"
IDENTITY_FILE = "identity-type.schema.json"
# the enumeration schemas of named constants, with the heading each group gets
CONSTANT_GROUPS = [("keys.schema.json", "Wire keys"), (EVENT_TYPE_FILE, "Event types"), ("constants.schema.json", "Other constants")]
# the peer every direction goes to or comes from: the documents are written from its side
HUB = "server"
_PATH_BASE = "https://schema-set.invalid/"  # where a file without $id is registered (by its path)


class SchemaError(Exception):
    """A schema set that cannot be read as the protocol: unreadable or invalid files, a missing or
    malformed version, facts that disagree. ``problems`` lists each one."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message + "".join(f"\n  {p}" for p in problems or []))
        self.problems = problems or [message]


# ------------------------------------------------------------------------------------ the files


def load(directory: Path | str = SCHEMA_DIR, *, metadata: bool = True) -> dict[str, dict]:
    """Every *.json under directory except baselines/, by relative posix path, sorted; each is
    checked against the metaschema its ``$schema`` names (2020-12 without one). With metadata,
    each must also be 2020-12 and have ``$id``, ``title`` and ``description`` (what the
    generated code and docs are made of). Raises SchemaError listing every problem."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SchemaError(f"no schema directory {directory}")
    schemas, problems = {}, []
    for path in sorted(directory.rglob("*.json")):
        rel = path.relative_to(directory).as_posix()
        if rel.split("/", 1)[0] == BASELINES:
            continue
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
            validators.validator_for(schema, default=validators.Draft202012Validator).check_schema(schema)
        except MetaschemaError as exc:  # report every problem, then stop
            problems.append(f"{rel}: not a valid JSON Schema: {exc.message}")
            continue
        except (OSError, ValueError) as exc:
            problems.append(f"{rel}: cannot read it: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
            continue
        if metadata:
            problems += [f"{rel}: missing {key}" for key in ("$schema", "$id", "title", "description") if key not in schema]
            if schema.get("$schema", DIALECT) != DIALECT:
                problems.append(f"{rel}: $schema must be the 2020-12 dialect")
        schemas[rel] = schema
    if problems:
        raise SchemaError("invalid schema:", problems)
    return schemas


def base_uri(schemas: dict[str, dict], rel: str) -> str:
    """The URI $refs in file rel are resolved against: its $id, else its path under a fixed base."""
    schema = schemas.get(rel)
    return schema["$id"] if isinstance(schema, dict) and "$id" in schema else _PATH_BASE + rel


def registry(schemas: dict[str, dict]) -> Registry:
    """Every file of the set as a referencing resource (2020-12), under its base URI and its path."""
    resources = {rel: Resource.from_contents(schema, default_specification=DRAFT202012) for rel, schema in schemas.items()}
    return Registry().with_resources(
        [(base_uri(schemas, rel), resource) for rel, resource in resources.items()] + [(_PATH_BASE + rel, resource) for rel, resource in resources.items()]
    )


def lookup(reg: Registry, ref: str, base: str) -> tuple[str, object]:
    """(URI of the document the target is in, the target) of a $ref written where base is the
    base URI (a file's ``base_uri``, or the document URI a previous lookup returned); a
    SchemaError when it does not resolve."""
    try:
        target = reg.resolver(base_uri=base).lookup(ref).contents
    except Unresolvable as exc:
        raise SchemaError(f"$ref {ref!r} in {base} does not resolve ({exc.__class__.__name__})") from None
    return urljoin(base, ref).partition("#")[0], target


# ------------------------------------------------------------------------------------ the version

_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def parse_version(text: object) -> tuple[int, int, int]:
    match = _SEMVER.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise SchemaError(f'invalid protocol version {text!r}: expected MAJOR.MINOR.PATCH, e.g. "1.4.0"')
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def protocol_version(schemas: dict[str, dict]) -> str:
    """The protocol's version: the top-level x-protocol-version of protocol.schema.json (semver).
    No other file is read for it; a missing or malformed one is a SchemaError."""
    protocol = schemas.get(PROTOCOL_FILE)
    if not isinstance(protocol, dict) or VERSION_KEY not in protocol:
        raise SchemaError(f'no protocol version: add a top-level "{VERSION_KEY}": "MAJOR.MINOR.PATCH" to schema/{PROTOCOL_FILE}')
    parse_version(protocol[VERSION_KEY])
    return protocol[VERSION_KEY]


# ------------------------------------------------------------------------------------ the facts


def const_branches(schema: dict) -> list[dict]:
    """The constants of an enumeration schema: its anyOf branches {const, title, description}."""
    return [{"name": b["title"], "value": b["const"], "doc": b["description"], "same_as": b.get("x-same-as")}
            for b in schema["anyOf"]]  # fmt: skip


def constant_groups(schemas: dict[str, dict]) -> list[dict]:
    """Each group of named constants: its file, heading, description and constants."""
    return [{"rel": rel, "title": title, "description": schemas[rel]["description"], "constants": const_branches(schemas[rel])}
            for rel, title in CONSTANT_GROUPS]  # fmt: skip


def event_types(schemas: dict[str, dict]) -> list[str]:
    """The event types event-type.schema.json names, in its order."""
    return [c["value"] for c in const_branches(schemas[EVENT_TYPE_FILE])]


def known_events(schemas: dict[str, dict]) -> list[dict]:
    """The event types of message.schema.json's KnownMessage, in its order, with their
    directions (x-directions) and payload schema path."""
    message = schemas[MESSAGE_FILE]
    events = []
    for ref in message["$defs"]["KnownMessage"]["else"]["oneOf"]:
        key = ref["$ref"].rsplit("/", 1)[1]
        branch = message["$defs"][key]
        events.append({
            "key": key, "title": branch["title"], "description": branch["description"],
            "event_type": branch["properties"]["eventType"]["const"],
            "payload_rel": branch["properties"]["payload"]["$ref"],
            "payload_required": "payload" in branch.get("required", []),
            "directions": branch.get("x-directions", []),
        })  # fmt: skip
    return events


def channels(schemas: dict[str, dict]) -> dict[str, dict]:
    """protocol.schema.json's x-channels: {channel id: address, protocol ("ws" or "http"), ...}."""
    return schemas[PROTOCOL_FILE].get("x-channels", {})


def ws_channels(schemas: dict[str, dict]) -> list[str]:
    """The websocket channels, in x-channels order; the first is the default (the project's)."""
    return [c for c, ch in channels(schemas).items() if ch.get("protocol") == "ws"]


def peers(schemas: dict[str, dict]) -> dict[str, str]:
    """The identity types that are peers on a connection (the others are routing targets), with
    how the documents name each: identity-type.schema.json's x-peers."""
    return schemas[IDENTITY_FILE].get("x-peers", {})


def check(schemas: dict[str, dict]) -> None:
    """The facts that must agree across files; SchemaError listing every disagreement."""
    problems = []
    events = known_events(schemas)
    if set(event_types(schemas)) != {e["event_type"] for e in events}:
        problems.append(f"{MESSAGE_FILE} and {EVENT_TYPE_FILE} list different event types")
    by_name = {c["name"]: c["value"] for g in constant_groups(schemas) for c in g["constants"]}
    for group in constant_groups(schemas):  # an alias must name a constant of the same value
        for c in group["constants"]:
            if c["same_as"] and by_name.get(c["same_as"]) != c["value"]:
                problems.append(f"{c['name']}: x-same-as {c['same_as']} has another value")
    known_peers = peers(schemas)
    identity = schemas[IDENTITY_FILE]["enum"]
    if set(known_peers) - set(identity) or HUB not in known_peers:
        problems.append(f"{IDENTITY_FILE}: x-peers must name identity types, {HUB!r} among them")
    known_channels = channels(schemas)
    for event in events:
        if not event["directions"]:
            problems.append(f"{event['key']}: no x-directions")
        for d in event["directions"]:
            if d["channel"] not in known_channels:
                problems.append(f"{event['key']}: unknown channel {d['channel']!r}")
            if {d["from"], d["to"], d.get("replyTo", HUB)} - set(known_peers) or HUB not in (d["from"], d["to"]):
                problems.append(f"{event['key']}: bad direction {d['from']} -> {d['to']}")
    if problems:
        raise SchemaError("the schemas disagree:", problems)


def server_reply(schemas: dict[str, dict]) -> dict:
    """When a known-type message is a ``ServerReply`` rather than its typed event: the ``if`` of
    message.schema.json's KnownMessage, read as (the identityType it names, the payload keys any
    one of which makes it a reply, the event types that keep their own reply shapes)."""
    known = schemas["message.schema.json"]["$defs"]["KnownMessage"]
    cond = known["if"]["properties"]
    if known["then"] != {"$ref": "#/$defs/ServerReply"} or set(cond) != {"identityType", "eventType", "payload"}:
        raise SystemExit("message.schema.json: KnownMessage.if/then is not the ServerReply rule codegen reads")
    return {
        "identity": cond["identityType"]["const"],
        "keys": [k for branch in cond["payload"]["anyOf"] for k in branch["required"]],
        "own_replies": cond["eventType"]["not"]["enum"],
    }


# ---------------------------------------------------------------- implied exclusions
# JSON Schema patterns are ECMA-262 regexes, where `^...$` (no `m` flag) spans the whole string.
# Python's `re.search` (stock jsonschema) also lets `$` match before a final newline, and no
# end-of-string anchor reads alike in all three engines (ECMA-262 has no `\z`/`\Z`, Python's
# `re` no `\z` before 3.14, Rust's regex no look-around), so a schema says "no line break" to
# every validator with a `not: {"pattern": "\\n"}` beside its pattern. Such a `not` narrows
# nothing when the pattern is anchored at both ends and no part of it can match those
# characters: ``implied_exclusion`` reads the pattern with Python's own regex parser and proves
# that, conservatively (a construct it does not know, a flag, `\s`, a negated class, a
# look-around, ...: not implied). compat.py uses it for the gate (an added `not` that narrows
# nothing is not breaking); codegen for the runtime's string rules (a line-break check the
# pattern implies is left out of the Python models, whose Rust regex reads `^`, `$`, `.`, `\d`
# and `\w` as ECMA-262 does for a line feed).

try:  # Python 3.11+
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_DOT_EXCLUDES = {0x0A, 0x0D, 0x2028, 0x2029}  # ECMA-262's `.` without the `s` flag
_CATEGORIES = {_sre.CATEGORY_DIGIT: [(0x30, 0x39)],  # ECMA-262's \d and \w are ASCII
               _sre.CATEGORY_WORD: [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]}


def _class_ranges(op, av) -> list[tuple[int, int]] | None:
    """The code point ranges one regex atom matches: a literal or a class of literals, ranges,
    `\\d` or `\\w`; None for anything else (a negated class, `\\s`, `.`, ...)."""
    if op is _sre.LITERAL:
        return [(av, av)]
    if op is not _sre.IN:
        return None
    ranges = []
    for item_op, item_av in av:
        if item_op is _sre.LITERAL:
            ranges.append((item_av, item_av))
        elif item_op is _sre.RANGE:
            ranges.append(item_av)
        elif item_op is _sre.CATEGORY and item_av in _CATEGORIES:
            ranges += _CATEGORIES[item_av]
        else:
            return None
    return ranges


def _avoids(items, chars: set[int]) -> bool:
    """True when no string matched by the parsed regex items contains any of chars."""
    for op, av in items:
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            ok = _avoids(av[2], chars)
        elif op is _sre.SUBPATTERN:
            ok = not av[1] and not av[2] and _avoids(av[-1], chars)  # no inline flags
        elif op is _sre.BRANCH:
            ok = all(_avoids(branch, chars) for branch in av[1])
        elif op is _sre.ANY:
            ok = chars <= _DOT_EXCLUDES
        else:
            ranges = _class_ranges(op, av)
            ok = ranges is not None and not any(lo <= c <= hi for c in chars for lo, hi in ranges)
        if not ok:
            return False
    return True


def implied_exclusion(pattern: str, excluded: str) -> str:
    """The characters of ``excluded`` (a one-character or one-class pattern, as in
    ``not: {"pattern": excluded}``) as JSON text, space-separated, when ``pattern`` is anchored
    at both ends and can match none of them (see above); "" when that cannot be shown."""
    try:
        parsed_excluded, parsed = _sre_parse.parse(excluded), _sre_parse.parse(pattern)
    except re.error:
        return ""
    items = list(parsed)
    if parsed_excluded.state.flags & ~_sre.SRE_FLAG_UNICODE or parsed.state.flags & ~_sre.SRE_FLAG_UNICODE or len(parsed_excluded) != 1:
        return ""
    ranges = _class_ranges(*parsed_excluded[0])
    if ranges is None or sum(hi - lo + 1 for lo, hi in ranges) > 64:
        return ""
    chars = {c for lo, hi in ranges for c in range(lo, hi + 1)}
    anchored = len(items) >= 2 and items[0] == (_sre.AT, _sre.AT_BEGINNING) and items[-1] == (_sre.AT, _sre.AT_END)
    if not anchored or not _avoids(items[1:-1], chars):
        return ""
    return " ".join(json.dumps(chr(c)) for c in sorted(chars))


#: The line-break rule of the string types (``not: {"pattern": "\\n"}``)
LINE_BREAK = "\\n"


def line_break_implied(node: dict) -> bool:
    """Whether a string type's ``pattern`` already rules out a line feed, so that its
    ``not: {"pattern": "\\n"}`` narrows nothing (``implied_exclusion``)."""
    pattern = node.get("pattern")
    return isinstance(pattern, str) and bool(implied_exclusion(pattern, LINE_BREAK))
