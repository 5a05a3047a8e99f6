"""schema/ -> neetbox_protocol/schemas/generators.schema.json: the published form made for code generators.

The bundle (bundle.schema.json) is the schemas as they are: right for a validator, but a code generator
(quicktype, datamodel-code-generator, json-schema-to-typescript, Modelina, openapi-typescript) follows
neither ``KnownMessage``'s ``if``/``then``/``else`` nor a payload's ``anyOf`` of open objects, resolves
no ``$ref`` across embedded resources, and drops a ``$ref``'s sibling keywords. This module derives,
from the same schemas, one self-contained document that says the same thing in the terms
generators read:

- one definition per kind of message a receiver can tell apart (``KINDS`` below): each event
  type's, and where one event type carries several payload shapes, one per shape (handshake
  request/result/error, action request/result/error, status by series), plus the server's generic
  reply and the unknown event type; each has the envelope's keys, its ``eventType`` as a ``const``
  (an ``enum`` for the generic reply) and its payload shape as a plain ``$ref``;
- the kinds exclude one another (a ``not`` that generators ignore and validators check: a later
  shape of a payload union excludes the earlier ones, as the Python models' left-to-right unions
  keep the first fit; an event that can be a generic reply excludes the reply's condition), so
  exactly one kind takes a valid message and the unions are ``oneOf``s;
- the unions: ``TypedEvent`` over the event types (each one kind or a ``oneOf`` of its kinds) with
  an OpenAPI ``discriminator`` on ``eventType`` (unambiguous there: one definition per value),
  ``KnownMessage`` (a typed event or the generic reply) and the root, a ``Message`` (a known
  message or an event type this version does not know);
- only local ``#/$defs/...`` references; a ``$ref`` never has sibling keywords (the target of one
  that had, a value type such as ``Int64``, is written in place with them); no ``if``/``then``/``else``.

tests/test_published_schemas.py checks that stock validators give the same verdict on this
document as on the bundle for every conformance vector, and that exactly one kind takes each
valid one; tests/generators/ (``make generators``) feeds it to the generators themselves.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from schema_model import MESSAGE_FILE, channels, event_types, known_events

FILE = "generators.schema.json"
BASE = "https://neetbox-protocol.invalid/schema/"
ENVELOPE_FILE = "envelope.schema.json"
# keys dropped from the generator form: documentation of the whole protocol (the bundle has it),
# and keys only the Python generator reads
DROP = {
    "$schema",
    "$id",
    "$defs",
    "x-directions",
    "x-channels",
    "x-protocol-version",
    "x-peers",
    "x-same-as",
}
ANNOTATIONS = {"title", "description", "$comment", "default", "examples"}


# neetbox 0.6.0 writes a non-finite float as a bare NaN/Infinity/-Infinity token, which JSON.parse,
# Go's encoding/json and most JSON readers refuse; the schemas type it as the string token
# ("NaN", ...). The pre-parse of docs/other-languages.md (one per language; this is Python's):
# a string literal is matched whole and kept, so only a bare token outside strings is quoted.
BARE_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|-?Infinity|NaN')


def quote_bare_tokens(text: str) -> str:
    """JSON text with its bare NaN/Infinity/-Infinity tokens written as strings."""
    return BARE_TOKENS.sub(lambda m: m[0] if m[0][0] == '"' else f'"{m[0]}"', text)


ANY = ""  # _complement's alphabet of every character


def _complement(words: list[list[str]], first: str, rest: str) -> str:
    """A regex (no look-around: ECMA-262, Python's re and Rust's regex alike) of the non-empty
    strings whose first character is in the class ``first`` and the others in ``rest`` that are
    none of ``words`` (each a sequence of character classes, one class per character, such as
    ``[Cc]``): a pydantic model (Rust's regex) has no ``not``, so a generator that reads only
    ``pattern`` still rejects the excluded words. Built over the words' trie."""
    trie: dict = {}
    for word in words:
        node = trie
        for cls in word:
            node = node.setdefault(cls, {})
        node[""] = {}

    def inner(cls: str) -> str:  # [Cc] -> Cc, [0-9] -> 0-9, x -> x
        return cls[1:-1] if cls.startswith("[") else re.escape(cls)

    def build(node: dict, alphabet: str) -> str:
        edges = [c for c in node if c]
        alts = []
        if "" not in node and node is not trie:
            alts.append("")  # the string may end here: it is no word
        if alphabet == ANY:  # any character: a negated class
            alts.append(f"[^{''.join(inner(c) for c in edges)}][\\s\\S]*" if edges else "[\\s\\S]+")
        elif others := _minus(alphabet, [inner(c) for c in edges]):
            alts.append(f"[{others}][{rest}]*")
        for c in edges:
            alts.append(f"[{inner(c)}]{_group(build(node[c], rest))}")
        return "|".join(alts)

    return build(trie, first)


def _classes(body: str) -> list[str]:
    """``[Cc][Oo][Mm][0-9]`` -> ["[Cc]", "[Oo]", "[Mm]", "[0-9]"] (a word of character classes)."""
    parts = re.findall(r"\[[^\]]+\]|[A-Za-z0-9_]", body)
    if "".join(parts) != body:
        raise SystemExit(f"{FILE}: {body!r} is not a sequence of character classes")
    return parts


def _exclusion_patterns(defs: dict, event_type_names: list[str]) -> None:
    """The rules a `not` states, also as a plain `pattern` (see _complement): the unknown event
    type's name is none of the known ones; an Identifier is not a Windows device name. Each is
    read from the schema's own patterns; a shape this does not know fails the generation."""
    name = defs["UnknownEvent"]["properties"]["eventType"]
    m = re.fullmatch(r"\^\[([^\]]+)\]\[([^\]]+)\]\*\$", name["pattern"])
    if not m:
        raise SystemExit(f"{FILE}: EventTypeName's pattern {name['pattern']!r} is not ^[first][rest]*$")
    name["pattern"] = f"^(?:{_complement([list(t) for t in event_type_names], m[1], m[2])})$"
    for kind in defs.values():  # a series other than the ones with a shape of their own
        for branch in kind.get("properties", {}).get("series", {}).get("anyOf", []):
            if set(branch) == {"type", "not"} and set(branch["not"]) == {"enum"}:
                words = [[re.escape(ch) for ch in w] for w in branch["not"]["enum"]]
                branch["pattern"] = f"^(?:{_complement(words, ANY, ANY)})?$"  # the empty string too
    ident = defs["Identifier"]
    m = re.fullmatch(r"\^\[([^\]]+)\]\(\[([^\]]+)\]\*\[([^\]]+)\]\)\?\$", ident["pattern"])
    devices = [r["pattern"] for r in ident["not"]["anyOf"] if r["pattern"].startswith("^(")]
    d = re.fullmatch(r"\^\(([^()]+)\)\(\\\.\.\*\)\?\$", devices[0]) if len(devices) == 1 else None
    if not m or not d or set(_expand(m[2])) - set(_expand(m[3])) != {"."} :
        raise SystemExit(f"{FILE}: Identifier's patterns are not ^[first]([middle]*[last])?$ and ^(words)(\\..*)?$")
    # the first segment (up to the first `.`) is no device name; after a `.`, the rest as before
    segment = _complement([_classes(w) for w in d[1].split("|")], m[1], m[3])
    ident["pattern"] = f"^(?:{segment})(?:\\.[{m[2]}]*[{m[3]}])?$"


def _minus(alphabet: str, excluded: list[str]) -> str:
    """A character class body of alphabet's characters but the excluded ones (bodies too)."""
    chars = sorted(_expand(alphabet) - set().union(*(_expand(e) for e in excluded)))
    runs: list[list[str]] = []
    for c in chars:  # consecutive characters as ranges
        if runs and ord(c) == ord(runs[-1][-1]) + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    esc = lambda c: "\\" + c if c in "-]\\^" else c  # noqa: E731
    return "".join(f"{esc(r[0])}-{esc(r[-1])}" if len(r) > 2 else "".join(map(esc, r)) for r in runs)


def _expand(body: str) -> set[str]:
    out, i = set(), 0
    while i < len(body):
        if body[i] == "\\":
            out.add(body[i + 1])
            i += 2
        elif i + 2 < len(body) and body[i + 1] == "-":
            out |= {chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1)}
            i += 3
        else:
            out.add(body[i])
            i += 1
    return out


def _group(alts: str) -> str:
    if not alts:
        return ""
    parts = alts.split("|")
    if "" in parts:
        kept = [p for p in parts if p]
        return f"(?:{'|'.join(kept)})?" if kept else ""
    return f"(?:{alts})"


class _Localizer:
    """Rewrites the schemas' $refs (relative URIs across files) into local #/$defs/<Name> refs,
    collecting each referenced definition once under a unique name."""

    def __init__(self, schemas: dict[str, dict]):
        self.schemas = schemas
        self.defs: dict[str, dict] = {}
        self.names: dict[tuple[str, str], str] = {}

    def target(self, ref: str, rel: str) -> tuple[str, str]:
        url = urljoin(BASE + rel, ref)
        parts = urlsplit(url)
        return parts.path.split("/schema/", 1)[1], parts.fragment

    def resolve(self, file: str, pointer: str) -> dict:
        node = self.schemas[file]
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def name(self, file: str, pointer: str) -> str:
        key = (file, pointer)
        if key not in self.names:
            node = self.resolve(file, pointer)
            name = pointer.rsplit("/", 1)[-1] if pointer else node["title"]
            if name in self.names.values():
                raise SystemExit(
                    f"{FILE}: two definitions named {name!r} ({file}#{pointer})"
                )
            self.names[key] = name
            self.defs[
                name
            ] = {}  # placed first: a recursive definition refers to itself
            body = self.local(node, file)
            self.defs[name] = body
        return self.names[key]

    def ref(self, ref: str, rel: str) -> dict:
        return {"$ref": f"#/$defs/{self.name(*self.target(ref, rel))}"}

    def local(self, node: object, rel: str) -> object:
        """node (written in schema file rel) with every $ref local; a $ref with siblings is
        replaced by its target written in place, with the siblings."""
        if isinstance(node, list):
            return [self.local(v, rel) for v in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if not siblings:
                return self.ref(node["$ref"], rel)
            file, pointer = self.target(node["$ref"], rel)
            body = {
                k: v
                for k, v in self.local(self.resolve(file, pointer), file).items()
                if k not in ANNOTATIONS
            }
            clash = set(body) & set(siblings) - ANNOTATIONS
            if clash:
                raise SystemExit(
                    f"{FILE}: {rel}: $ref {node['$ref']} and its siblings both set {sorted(clash)}"
                )
            return {**body, **self.local(siblings, rel)}
        out = {}
        for key, value in node.items():
            if key in DROP:
                continue
            if key in ("properties", "patternProperties"):
                out[key] = {k: self.local(v, rel) for k, v in value.items()}
            else:
                out[key] = self.local(value, rel)
        nots = out.get("allOf", [])
        if nots and all(set(b) - ANNOTATIONS == {"not"} for b in nots):
            # allOf of nots (Identifier's) -> one not of an anyOf: the same rule, and a generator
            # reading allOf (json-schema-to-typescript) no longer sees untyped members
            rules = ([out.pop("not")] if "not" in out else []) + [b["not"] for b in out.pop("allOf")]
            out["not"] = rules[0] if len(rules) == 1 else {"anyOf": rules}
        return out


def _title(event: dict) -> str:
    return event["title"].removesuffix("Event")


def _shape_kind(event: dict, shape: str) -> str:
    """HandshakeEvent + HandshakeResult -> HandshakeResultEvent; a shape of another name keeps it."""
    prefix = _title(event)
    return f"{prefix}{shape.removeprefix(prefix)}Event"


def document(schemas: dict[str, dict], version: str) -> dict:
    """The generator form of the schemas (see the module's docstring)."""
    loc = _Localizer(schemas)
    message = schemas[MESSAGE_FILE]
    envelope = schemas[ENVELOPE_FILE]
    condition_schema = message["$defs"]["KnownMessage"]["if"]
    typed_replies = set(condition_schema["properties"]["eventType"]["not"]["enum"])
    condition = loc.local(condition_schema, MESSAGE_FILE)
    condition["title"] = "GenericReplyCondition"
    loc.defs["GenericReplyCondition"] = condition

    def kind(title: str, description: str, event_type: dict, payload: dict, required_payload: bool,
             extra: dict | None = None, excludes: list[dict] | None = None) -> dict:  # fmt: skip
        props = {}
        for key, prop in envelope["properties"].items():
            if key == "eventType":
                props[key] = {"description": prop["description"], **event_type}
            elif key == "payload":
                props[key] = payload if required_payload else optional(payload, prop)
            else:
                props[key] = loc.local(prop, ENVELOPE_FILE)
        props.update(extra or {})
        required = list(envelope["required"]) + (["payload"] if required_payload else [])
        body = {"title": title, "description": description, "type": "object", "properties": props,
                "required": required, "additionalProperties": True}  # fmt: skip
        if excludes:  # an anyOf even of one: Modelina reads a bare `not` of properties as removing them
            body["not"] = {"anyOf": excludes}
        return body

    def optional(payload: dict, prop: dict) -> dict:
        """A payload the event may leave out: with the envelope's default (null), so a generator
        knows that absent means null; a definition with no keys of its own is written in place
        for that (a $ref takes no sibling)."""
        if "$ref" in payload:
            target = loc.defs[payload["$ref"].rsplit("/", 1)[-1]]
            if "properties" in target or "$ref" in target:
                return payload
            payload = {k: v for k, v in target.items() if k != "title"}
        return {"description": prop["description"], **payload, "default": prop.get("default")}

    def with_payload(ref: dict) -> dict:
        return {"properties": {"payload": ref}, "required": ["payload"]}

    def shape_kinds(prefix: str, description: str, shapes: list[dict], rel: str, required: bool, extra: dict | None,
                    guard: list[dict], const: dict, suffix: str = "Event") -> list[str]:  # fmt: skip
        """One kind per shape of a payload union, in order; a later shape excludes the earlier
        ones (the first fit wins, as in the Python models' left-to-right unions). null is the
        request of an event whose replies are objects."""
        names, earlier = [], []
        for shape in shapes:
            if shape.get("type") == "null":
                name, ref, needed = f"{prefix}Request{suffix}", {"type": "null"}, False
            else:
                ref = loc.ref(shape["$ref"], rel)
                shape_name = ref["$ref"].rsplit("/", 1)[-1]
                base = prefix.removesuffix("Other").removesuffix("Server")
                name, needed = f"{prefix}{shape_name.removeprefix(base).removesuffix('Reply')}{suffix}", required
            what = name.removeprefix(prefix).removesuffix(suffix)
            kinds[name] = kind(name, f"{description}: {what[:1].lower()}{what[1:]}.", const, ref, needed, extra,
                               guard + [with_payload(e) for e in earlier])  # fmt: skip
            if ref.get("type") != "null":
                earlier.append(ref)
            names.append(name)
        return names

    def channel_kinds(prefix: str, description: str, ref: dict, where: str, per_channel: dict, required: bool,
                      guard: list[dict], const: dict) -> list[str]:  # fmt: skip
        """One kind per channel variant of a payload object (emitters_ts.VIEW's ``variants``: the
        properties the peers of one channel always send, ``require``, and never send, ``drop``).
        The variants are told apart by those properties alone: each one another requires, it
        excludes (a ``not``), so the kinds exclude one another and together take what the shape
        takes. A variant without a ``name`` is the definition itself, with its ``require``s."""
        wanted = [set(p.get("require", [])) for p in per_channel.values()]
        dropped = [set(p.get("drop", [])) for p in per_channel.values()]
        if len(per_channel) != 2 or wanted[0] != dropped[1] or wanted[1] != dropped[0] or not wanted[0] | wanted[1]:
            raise SystemExit(f"{FILE}: emitters_ts.VIEW's variants of {where}: two channels, each requiring what the other drops, are the split a generator form can state")
        shape = ref["$ref"].rsplit("/", 1)[-1]
        base = loc.defs[shape]
        original = json.loads(json.dumps(base))
        names, addresses = [], {c: ch.get("address", c) for c, ch in channels(schemas).items()}
        for channel, patch in per_channel.items():
            target = base if "name" not in patch else json.loads(json.dumps(original))
            if "name" in patch:
                target["title"] = patch["name"]
                loc.defs[patch["name"]] = target
            for prop in patch.get("drop", []):
                target["properties"].pop(prop)
                target["required"] = [r for r in target.get("required", []) if r != prop]
                target["not"] = {"anyOf": [{"properties": {prop: True}, "required": [prop]}]}  # named, for strict Ajv
                target["description"] = f"{target['description'].rstrip('.')}, without `{prop}` (as sent on {addresses[channel]})."
            for prop in patch.get("require", []):
                if prop not in target["properties"]:
                    raise SystemExit(f"{FILE}: emitters_ts.VIEW: {where} has no property {prop}")
                target.setdefault("required", []).append(prop)
            has = ", ".join(f"`{p}`" for p in patch.get("require", []))
            lacks = ", ".join(f"`{p}`" for p in patch.get("drop", []))
            name = f"{prefix}{channel[:1].upper()}{channel[1:]}Event"
            kinds[name] = kind(name, f"{description} as sent on {addresses[channel]}: a payload " + (f"with {has}." if has else f"without {lacks}."),
                               const, {"$ref": f"#/$defs/{target['title']}"}, required, None, guard)  # fmt: skip
            names.append(name)
        return names

    from emitters_ts import VIEW  # emitters_ts imports emitters, which imports this module

    variants = VIEW["variants"]
    kinds: dict[str, dict] = {}
    groups: dict[str, str] = {}  # event type -> the definition TypedEvent's discriminator maps it to
    reply_guard = {"$ref": "#/$defs/GenericReplyCondition"}
    series_doc = envelope["properties"]["series"]["description"]
    for event in known_events(schemas):
        t, title = event["event_type"], _title(event)
        const = {"const": t}
        guard = [] if t in typed_replies else [reply_guard]
        payload = schemas[event["payload_rel"]]
        branch = message["$defs"][event["key"]]
        doc = branch["description"].split(".")[0]
        shapes = payload.get("anyOf", [])
        shaped = len(shapes) > 1 and all(set(b) <= {"$ref"} or b == {"type": "null"} for b in shapes)
        by_series = _series_table(branch)
        if by_series:  # one kind per series the event's rules name; per shape for any other series
            names = []
            for series, ref in by_series.items():
                name = f"{title}{series[:1].upper()}{series[1:]}Event"
                kinds[name] = kind(name, f"{doc} with series `{series}`.", const, loc.ref(ref, MESSAGE_FILE),
                                   event["payload_required"], {"series": {"description": series_doc, "const": series}}, guard)  # fmt: skip
                kinds[name]["required"].append("series")
                names.append(name)
            others = {"description": series_doc, "anyOf": [{"type": "string", "not": {"enum": list(by_series)}}, {"type": "null"}], "default": None}
            names += shape_kinds(f"{title}Other", f"{doc} with another series than {', '.join(f'`{s}`' for s in by_series)}, or none",
                                 shapes, event["payload_rel"], event["payload_required"], {"series": others}, guard, const)  # fmt: skip
        elif shaped:  # one kind per payload shape
            names = shape_kinds(title, doc, shapes, event["payload_rel"], True, None, guard, const)
        elif len(shapes) == 1 and set(shapes[0]) == {"$ref"} and "#".join(loc.target(shapes[0]["$ref"], event["payload_rel"])) in variants:
            # one kind per channel variant of the payload's one shape (the hardware sample)
            where = "#".join(loc.target(shapes[0]["$ref"], event["payload_rel"]))
            names = channel_kinds(title, doc, loc.ref(shapes[0]["$ref"], event["payload_rel"]), where, variants[where],
                                  event["payload_required"], guard, const)  # fmt: skip
        else:  # one kind: the payload's one shape, or the payload schema itself
            if len(shapes) == 1 and set(shapes[0]) == {"$ref"}:
                ref = loc.ref(shapes[0]["$ref"], event["payload_rel"])
            else:
                ref = loc.ref(event["payload_rel"], MESSAGE_FILE)
            kinds[event["title"]] = kind(event["title"], branch["description"], const, ref, event["payload_required"], None, guard)
            names = [event["title"]]
        if len(names) == 1:
            groups[t] = names[0]
        else:
            loc.defs[event["title"]] = {"title": event["title"], "description": f"{doc}, any of its shapes.",
                                        "oneOf": [{"$ref": f"#/$defs/{n}"} for n in names]}  # fmt: skip
            groups[t] = event["title"]

    # the server's generic reply: one kind per shape of its payload (a Reply: result or error)
    reply = message["$defs"]["ServerReply"]
    reply_payload = reply["properties"]["payload"]["$ref"]
    reply_file, reply_pointer = loc.target(reply_payload, MESSAGE_FILE)
    reply_shapes = [{"$ref": urljoin(reply_file, b["$ref"])} for b in loc.resolve(reply_file, reply_pointer)["anyOf"]]
    reply_extra = {"identityType": {"description": envelope["properties"]["identityType"]["description"], **reply["properties"]["identityType"]}}
    reply_names = shape_kinds("Server", reply["description"].split(":")[0], reply_shapes, "", True, reply_extra, [],
                              {"type": "string", "enum": [t for t in event_types(schemas) if t not in typed_replies]}, "Reply")  # fmt: skip
    for name in reply_names:
        kinds[name]["required"] = list(dict.fromkeys(kinds[name]["required"] + reply["required"]))
    loc.defs["ServerReply"] = {"title": "ServerReply", "description": reply["description"], "oneOf": [{"$ref": f"#/$defs/{n}"} for n in reply_names]}
    unknown = message["$defs"]["UnknownEvent"]
    event_type = loc.local(envelope["properties"]["eventType"], ENVELOPE_FILE)
    known = {"enum": event_types(schemas)}
    if "not" in event_type:
        event_type["not"] = {"anyOf": [event_type["not"], known]}
    else:
        event_type["not"] = known
    kinds["UnknownEvent"] = kind("UnknownEvent", unknown["description"], {k: v for k, v in event_type.items() if k != "description"},
                                 loc.local(envelope["properties"]["payload"], ENVELOPE_FILE), False)  # fmt: skip

    typed = {"title": "TypedEvent", "description": "A message of a known event type that is not a generic reply: the event type selects the definition.",
             "oneOf": [{"$ref": f"#/$defs/{g}"} for g in groups.values()],
             "discriminator": {"propertyName": "eventType", "mapping": {t: f"#/$defs/{g}" for t, g in groups.items()}}}  # fmt: skip
    known_message = {"title": "KnownMessage", "description": message["$defs"]["KnownMessage"]["description"].split(":")[0] + ": a typed event or a server's generic reply.",
                     "oneOf": [{"$ref": "#/$defs/TypedEvent"}, {"$ref": "#/$defs/ServerReply"}]}  # fmt: skip
    _exclusion_patterns({**loc.defs, **kinds}, event_types(schemas))
    unions = [*groups.values(), "ServerReply"]
    defs = {"KnownMessage": known_message, "TypedEvent": typed, **{name: loc.defs.pop(name) for name in list(loc.defs) if name in unions}}
    defs.update(kinds)
    defs.update(sorted(loc.defs.items()))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}{FILE}",
        "title": "Message",
        "description": (f"The neetbox protocol {version} for code generators: one definition per kind of message "
                        "(each with its eventType as a const and the envelope's keys), unions over them, local $refs only. "
                        "It accepts the same frames as bundle.schema.json; validate against `#/$defs/KnownMessage` to reject "
                        "unknown event types."),
        "x-protocol-version": version,
        "oneOf": [{"$ref": "#/$defs/KnownMessage"}, {"$ref": "#/$defs/UnknownEvent"}],
        "$defs": _referenced(_any_value_bare({"$defs": defs})["$defs"]),
    }  # fmt: skip


SCHEMA_MAPS = ("properties", "patternProperties", "$defs")
SCHEMA_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames")
SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


def _any_value_bare(node: object) -> object:
    """Every subschema that takes any value and holds only annotations (a description, a default)
    written as ``{}``: json-schema-to-typescript reads a schema with keys but no type as an
    object, and only ``{}`` as ``unknown``. The root and the definitions keep their titles."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in SCHEMA_MAPS:
            out[key] = {k: _bare(_any_value_bare(v)) if key != "$defs" else _any_value_bare(v) for k, v in value.items()}
        elif key in SCHEMA_ONE and isinstance(value, dict):
            out[key] = _bare(_any_value_bare(value))
        elif key in SCHEMA_LISTS:
            out[key] = [_bare(_any_value_bare(v)) for v in value]
        else:
            out[key] = value
    return out


def _referenced(defs: dict) -> dict:
    """The definitions the root reaches (one inlined everywhere is left out)."""
    seen, todo = set(), ["KnownMessage", "UnknownEvent"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [m.rsplit("/", 1)[-1] for m in re.findall(r'"\$ref": "(#/\$defs/[^"]+)"', json.dumps(defs[name]))]
    return {k: v for k, v in defs.items() if k in seen}


def _bare(node: object) -> object:
    return {} if isinstance(node, dict) and node and not set(node) - ANNOTATIONS else node


def _series_table(branch: dict) -> dict[str, str]:
    """{series: $ref of its payload shape} from the event's ``allOf`` of ``if series then payload``."""
    table = {}
    for rule in branch.get("allOf", []):
        table[rule["if"]["properties"]["series"]["const"]] = rule["then"]["properties"][
            "payload"
        ]["$ref"]
    return table


def kind_names(doc: dict) -> list[str]:
    """The definitions of the kinds of message, in order (the leaves of the root's unions)."""
    out: list[str] = []

    def walk(node: dict) -> None:
        for branch in node.get("oneOf", []):
            name = branch["$ref"].rsplit("/", 1)[-1]
            target = doc["$defs"][name]
            if "oneOf" in target:
                walk(target)
            elif name not in out:
                out.append(name)

    walk(doc)
    return out
