"""The npm package generated/typescript/ (codegen.py writes it; see docs/typescript.md):

- the *typed view* of the schemas (typed_view): what a TypeScript receiver may rely on, which is
  the published schemas plus the rules of VIEW below (kept here, in codegen's configuration, not in
  the published schemas: the wire stays as open as the schemas say);
- the declarations (declarations): index.d.ts (numbers decoded, what parseMessage returns) and
  wire.d.ts (the same types in wire form: a non-finite number is its string token), rendered by
  this module from the typed view;
- the validators (validators_module): ajv standalone code compiled here, at generate time, so a
  browser never compiles a schema: the published Message / KnownMessage (the verdicts of the
  Python models) and one typed-view validator per event type and channel (what parseMessage adds);
- the runtime (index.js, rendered from templates/typescript/) and package.json.

Why not json-schema-to-typescript: it renders one type per schema, so it cannot give the receive
view (ten keys present, exact objects, channel variants, tuples) beside the partial send view, nor
a decoded-number twin of every type, and it emits `[k: string]: unknown` / `| undefined` wherever a
schema is open. The schemas use a small subset of JSON Schema, which this renderer covers; any
keyword it does not know fails the generation instead of being rendered loosely.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import schema_model
from emitters import DEFAULT_FACTORIES, locate
from schema_model import HUB, channels, known_events

ROOT = Path(__file__).resolve().parent
TS_VALIDATORS = ROOT / "tools" / "ts_validators.mjs"
PACKAGE_NAME = "neetbox-protocol"
VIEW_FILE = "typescript-view.schema.json"  # the synthetic schema of the message types

# ------------------------------------------------------------------------------ the typed view
# Rules that make the TypeScript receive types (and parseMessage, which checks them) say what
# neetbox actually sends. Pointers are `file#/json/pointer` under schema/; a pointer that no longer
# resolves fails the generation (except an omitted branch, which may disappear from the schemas).
VIEW = {
    # payload branches a receiver never gets: neetbox's server merges a generic reply only into
    # requests (handshake, action), whose payload schemas have their own reply branches
    "omit": ["common.schema.json#/$defs/Reply"],
    # objects whose listed properties neetbox always sends (GPUtil's nine GPU fields)
    "all_required": ["payloads/hardware.schema.json#/$defs/Gpu"],
    # arrays neetbox sends with a fixed length, with the element labels (psutil's scpufreq)
    "tuples": {"payloads/hardware.schema.json#/$defs/Cpu/properties/frequency": ["current", "min", "max"]},
    # objects with properties that stay open in TypeScript (an index signature): their unknown
    # keys are part of their meaning. An object without properties is always open.
    "open": ["payloads/status.schema.json#/$defs/WorkspaceConfig", "http.schema.json#/$defs/RunMetadata"],
    # a payload object per channel: `require` more properties, or `drop` some under a new `name`
    # (the server monitor's samples on /ws/server/ have no gpus; the training script's always do)
    "variants": {
        "payloads/hardware.schema.json#/$defs/HardwareSample": {
            "project": {"require": ["gpus"]},
            "server": {"name": "ServerHardwareSample", "drop": ["gpus"]},
        },
    },
}
# TypeScript names that differ from the schema titles (a title that would shadow a global)
RENAMES = {"Number": "WireNumber"}
# names a declaration must not take: they would shadow a global of ES2022 or the DOM
GLOBALS = set("""Array ArrayBuffer Atomics BigInt BigInt64Array Blob Boolean DataView Date Document Element Error
Event EventTarget File FormData Function Headers Image Infinity Int8Array Int16Array Int32Array Intl JSON Location
Map Math MessageEvent NaN Node Notification Number Object Promise Proxy Range Record Reflect RegExp Request
Response Selection Set Storage String Symbol Text URL WeakMap WeakSet WebSocket Window Worker Partial Required
Readonly Pick Omit Exclude Extract NonNullable ReturnType Parameters Awaited Uppercase Lowercase""".split())
NON_FINITE = "common.schema.json#/$defs/NonFiniteNumber"
NUMBER = "common.schema.json#/$defs/Number"
TS_FACTORIES = {"get_timestamp": "now"}  # emitters.DEFAULT_FACTORIES' Python function -> the TypeScript runtime's
ANNOTATIONS = {"title", "description", "examples", "default", "$comment", "deprecated", "readOnly", "writeOnly"}


def _base(schemas: dict[str, dict]) -> str:
    return schemas["protocol.schema.json"]["$id"].rsplit("/", 1)[0] + "/"


def _pointer(schemas: dict[str, dict], where: str) -> tuple[dict, str, list[str]]:
    return locate(schemas, where, "emitters_ts.VIEW")


def typed_view(schemas: dict[str, dict], rules: dict | None = None) -> dict:
    """The typed view: {"schemas": {rel: schema with VIEW applied, $ids moved under view/},
    "messages": [{name, event_type, channel, payload_ref, payload_required, default}],
    "channels": {channel: [message names]}, "default_channel"}. ``rules``: the receive-view rules
    (default VIEW: the TypeScript package's); emitters_py renders Python's plain data from the same
    view with none."""
    rules = VIEW if rules is None else rules
    base = _base(schemas)
    view_base = base.rsplit("/", 2)[0] + "/typescript-view/"
    out = copy.deepcopy(schemas)
    omitted = {base + r for r in rules["omit"]}

    def walk(node, file_id):
        if isinstance(node, list):
            return [walk(n, file_id) for n in node]
        if not isinstance(node, dict):
            return node
        for key in ("anyOf", "oneOf"):
            if key in node:
                node[key] = [b for b in node[key] if not ("$ref" in b and urljoin(file_id, b["$ref"]) in omitted)]
        return {k: walk(v, file_id) for k, v in node.items()}

    for rel in list(out):
        out[rel] = walk(out[rel], out[rel]["$id"])
    for where in rules["all_required"]:
        parent, key, _ = _pointer(out, where)
        parent[key]["required"] = list(parent[key]["properties"])
    for where, labels in rules["tuples"].items():
        parent, key, _ = _pointer(out, where)
        node = parent[key]
        item = node["items"]
        parent[key] = {**{k: v for k, v in node.items() if k != "items"}, "prefixItems": [item] * len(labels),
                       "items": False, "minItems": len(labels), "x-ts-labels": labels}  # fmt: skip
    for where in rules["open"]:
        parent, key, _ = _pointer(out, where)
        parent[key]["x-ts-open"] = True
    variant_refs: dict[str, dict[str, str]] = {}  # absolute uri of the def -> channel -> absolute uri of the variant
    for where, per_channel in rules["variants"].items():
        parent, key, parts = _pointer(out, where)
        rel = where.partition("#")[0]
        for channel, patch in per_channel.items():
            target = parent[key]
            if "name" in patch:
                target = copy.deepcopy(target)
                target["title"] = patch["name"]
                parent[patch["name"]] = target
            for prop in patch.get("drop", []):
                target["properties"].pop(prop)
                target["required"] = [r for r in target.get("required", []) if r != prop]
            for prop in patch.get("require", []):
                if prop not in target["properties"]:
                    raise SystemExit(f"emitters_ts.VIEW: {where} has no property {prop}")
                if prop not in target.setdefault("required", []):
                    target["required"].append(prop)
            name = "/".join(parts[:-1] + [patch.get("name", key)])
            variant_refs.setdefault(base + where, {})[channel] = f"{base}{rel}#/{name}"
    ws_channels = schema_model.ws_channels(schemas)
    default_channel = ws_channels[0]
    for where, per_channel in rules["variants"].items():
        if set(per_channel) - set(ws_channels):
            raise SystemExit(f"emitters_ts.VIEW: {where} names channels that are not websockets of x-channels: {sorted(set(per_channel) - set(ws_channels))}")
    messages, defs, channels = [], {}, {c: [] for c in ws_channels}
    for event in known_events(schemas):
        payload_uri = base + event["payload_rel"]
        payload = out[event["payload_rel"]]
        branches = payload.get("anyOf", [])
        single = urljoin(payload_uri, branches[0]["$ref"]) if len(branches) == 1 and "$ref" in branches[0] and set(payload) & {"type", "oneOf", "properties"} == set() else None
        on = [d["channel"] for d in event["directions"] if d["channel"] in ws_channels]
        default_ref = None
        for channel in [default_channel] + [c for c in ws_channels if c != default_channel]:
            ref = variant_refs.get(single, {}).get(channel, payload_uri) if single else payload_uri
            stem = event["event_type"][0].upper() + event["event_type"][1:] + "Message"
            if channel == default_channel:
                default_ref, name = ref, stem
            elif channel not in on:
                continue
            elif ref == default_ref:  # the same payload type as on the default channel
                channels[channel].append(stem)
                continue
            else:
                name = channel[0].upper() + channel[1:] + stem
            messages.append({"name": name, "event_type": event["event_type"], "channel": channel, "payload_ref": ref,
                             "payload_required": event["payload_required"], "default": channel == default_channel})  # fmt: skip
            defs[name] = {
                "title": name, "description": f"A `{event['event_type']}` message as a peer receives it on the {channel} channel.",
                "$ref": "envelope.schema.json",
                "properties": {"eventType": {"const": event["event_type"]}, "payload": {"$ref": ref.replace(base, "")}},
                "required": ["eventType", "payload"] if event["payload_required"] else ["eventType"],
            }  # fmt: skip
            if channel in on or not on:
                channels[channel].append(name)
    out[VIEW_FILE] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base + VIEW_FILE,
                      "title": "TypescriptView", "description": "The message types of the TypeScript package.", "$defs": defs}  # fmt: skip
    for rel, schema in out.items():  # the view's own $ids: it may live beside the published schemas
        schema["$id"] = schema["$id"].replace(base, view_base)
    return {"schemas": out, "messages": messages, "channels": channels, "default_channel": default_channel,
            "base": view_base, "published_base": base}  # fmt: skip


# ------------------------------------------------------------------------------ declarations


class Renderer:
    """Renders typed-view schema nodes as TypeScript. mode "decoded": a Number is DecodedNumber
    (number); mode "wire": WireNumber (number or its non-finite string token)."""

    def __init__(self, view: dict, mode: str):
        self.view, self.mode = view, mode
        self.registry = schema_model.registry(view["schemas"])
        self.names: dict[str, str] = {}  # absolute uri of a named node -> TypeScript name
        for schema in view["schemas"].values():
            if schema["$id"].endswith("/" + VIEW_FILE):
                continue
            self.names[schema["$id"]] = RENAMES.get(schema["title"], schema["title"])
            for key, sub in schema.get("$defs", {}).items():
                self.names[f"{schema['$id']}#/$defs/{key}"] = RENAMES.get(sub.get("title", key), sub.get("title", key))
        seen: dict[str, str] = {}
        for uri, name in self.names.items():
            if name in GLOBALS:
                raise SystemExit(f"TypeScript: {uri} would be named {name}, a global; add it to emitters_ts.RENAMES")
            if name in seen:
                raise SystemExit(f"TypeScript: {seen[name]} and {uri} are both named {name}")
            seen[name] = uri

    def ref_name(self, ref: str, base: str) -> str:
        uri = urljoin(base, ref)
        if uri == self.view["base"] + NUMBER:
            return "DecodedNumber" if self.mode == "decoded" else "WireNumber"
        if uri not in self.names:
            raise SystemExit(f"TypeScript: cannot name the target of $ref {ref} in {base}")
        return self.names[uri]

    def type(self, node, base: str, indent: str = "") -> str:
        if node is True or node == {}:
            return "unknown"
        keys = set(node) - ANNOTATIONS - {"$id", "$schema", "$defs"} - {k for k in node if k.startswith("x-")}
        if not keys:
            return "unknown"
        if "$ref" in node:
            if keys - {"$ref"}:
                raise SystemExit(f"TypeScript: $ref with other keywords in {base}: {sorted(keys)}")
            return self.ref_name(node["$ref"], base)
        if "const" in node:
            return json.dumps(node["const"], ensure_ascii=False)
        if "enum" in node:
            return " | ".join(json.dumps(v, ensure_ascii=False) for v in node["enum"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                parts = []
                for b in node[key]:
                    t = self.type(b, base, indent)
                    if t not in parts:
                        parts.append(t)
                return " | ".join(parts) if parts else "never"
        if keys <= {"not"}:
            return "unknown"
        kind = node.get("type")
        if isinstance(kind, list):
            return " | ".join(self.type({**node, "type": k}, base, indent) for k in kind)
        if kind in ("string", "boolean", "null"):
            return kind
        if kind in ("integer", "number"):
            return "number"
        if kind == "array":
            if "prefixItems" in node:
                labels = node.get("x-ts-labels") or [f"item{i}" for i in range(len(node["prefixItems"]))]
                return "[" + ", ".join(f"{label}: {self.type(t, base, indent)}" for label, t in zip(labels, node["prefixItems"])) + "]"
            item = self.type(node.get("items", {}), base, indent)
            return f"({item})[]" if "|" in item else f"{item}[]"
        if kind == "object" or "properties" in node:
            return self.object(node, base, indent)
        raise SystemExit(f"TypeScript: cannot render {sorted(keys)} in {base}")

    def object(self, node: dict, base: str, indent: str) -> str:
        props = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        lines = []
        required = set(node.get("required", []))
        for key, sub in props.items():
            doc = sub.get("description") if isinstance(sub, dict) else None
            if doc:
                lines.append(_doc(doc, indent + "  "))
            name = key if re.fullmatch(r"[A-Za-z_$][\w$]*", key) else json.dumps(key)
            lines.append(f"{indent}  {name}{'' if key in required else '?'}: {self.type(sub, base, indent + '  ')};")
        if isinstance(extra, dict):
            lines.append(f"{indent}  [key: string]: {self.type(extra, base, indent + '  ')};")
        elif extra is not False and (not props or node.get("x-ts-open")):
            lines.append(f"{indent}  [key: string]: unknown;")
        if not lines:
            return "Record<string, never>"
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"

    def declaration(self, name: str, node: dict, base: str) -> str:
        doc = _doc(node["description"], "") + "\n" if node.get("description") else ""
        body = self.type({k: v for k, v in node.items() if k != "$defs"}, base)
        if body.startswith("{") and ("properties" in node or node.get("type") == "object") and not set(node) & {"anyOf", "oneOf"}:
            return f"{doc}export interface {name} {body}"
        return f"{doc}export type {name} = {body};"


def _doc(text: str, indent: str) -> str:
    lines = text.replace("*/", "*\\/").splitlines() or [""]
    if len(lines) == 1:
        return f"{indent}/** {lines[0]} */"
    return f"{indent}/**\n" + "\n".join(f"{indent} * {line}".rstrip() for line in lines) + f"\n{indent} */"


def _admits_null(node, renderer: Renderer, base: str, depth: int = 0) -> bool:
    if depth > 20 or node is True or node == {} or not isinstance(node, dict):
        return True
    if "$ref" in node:
        uri, target = schema_model.lookup(renderer.registry, node["$ref"], base)
        return _admits_null(target, renderer, uri, depth + 1)
    if node.get("type") == "null" or (isinstance(node.get("type"), list) and "null" in node["type"]):
        return True
    if not set(node) & {"type", "$ref", "anyOf", "oneOf", "const", "enum", "properties"}:
        return True
    return any(_admits_null(b, renderer, base, depth + 1) for k in ("anyOf", "oneOf") for b in node.get(k, []))


def declarations(schemas: dict[str, dict], view: dict, version: str, header: str, mode: str) -> str:
    """index.d.ts (mode "decoded") or wire.d.ts (mode "wire")."""
    r = Renderer(view, mode)
    vs = view["schemas"]
    skip = {"protocol.schema.json", "message.schema.json", "envelope.schema.json", VIEW_FILE}
    blocks = []
    for rel in sorted(vs):
        if rel in skip:
            continue
        schema = vs[rel]
        if set(schema) - ANNOTATIONS - {"$schema", "$id", "$defs"} - {k for k in schema if k.startswith("x-")} or "$defs" not in schema:
            blocks.append(r.declaration(r.names[schema["$id"]], schema, schema["$id"]))
        for key, sub in schema.get("$defs", {}).items():
            uri = f"{schema['$id']}#/$defs/{key}"
            if r.names[uri] == "WireNumber":
                blocks.append(_doc(sub["description"], "") + "\nexport type WireNumber = number | NonFiniteNumber;")
                continue
            blocks.append(r.declaration(r.names[uri], sub, schema["$id"]))
    envelope = vs["envelope.schema.json"]
    env_id = envelope["$id"]
    fields = []
    for key, sub in envelope["properties"].items():
        if key in ("eventType", "payload"):
            continue
        node = {k: v for k, v in sub.items() if k != "default"}
        fields.append(_doc(sub.get("description", ""), "  ") + f"\n  {key}: {r.type(node, env_id, '  ')};")
    blocks.append("/** The envelope keys besides eventType and payload, as a peer receives them: every key present "
                  "(neetbox's peers send all ten; parseMessage fills in a missing one with its default). */\n"
                  "export interface EnvelopeFields {\n" + "\n".join(fields) + "\n}")  # fmt: skip
    messages = view["messages"]
    view_id = vs[VIEW_FILE]["$id"]
    for m in messages:
        node = {"$ref": m["payload_ref"].replace(view["published_base"], "")}
        payload = r.type(node, view_id)
        if not m["payload_required"] and not _admits_null(node, r, view_id):
            payload += " | null"
        blocks.append(f"/** A `{m['event_type']}` message as a peer receives it on the {m['channel']} channel "
                      f"({channels(schemas)[m['channel']]['address']}). */\n"
                      f"export interface {m['name']} extends EnvelopeFields {{\n"
                      f"  eventType: {json.dumps(m['event_type'])};\n  payload: {payload};\n}}")  # fmt: skip
    events = known_events(schemas)
    default = [m for m in messages if m["default"]]
    blocks.append("/** Every known event type to its message type (the default channel's variant). */\n"
                  "export interface ReceivedMessages {\n" + "\n".join(f"  {json.dumps(m['event_type'])}: {m['name']};" for m in default) + "\n}")  # fmt: skip
    blocks.append("/** The message type of a known event type, e.g. `EventOf<\"scalar\">` is ScalarMessage. */\n"
                  "export type EventOf<E extends EventType> = ReceivedMessages[E];")  # fmt: skip
    channel_union = {}
    for channel, names in view["channels"].items():
        tname = channel[0].upper() + channel[1:] + "ChannelMessage"
        channel_union[channel] = tname
        address = channels(schemas)[channel]["address"]
        blocks.append(f"/** A frame of a known event type that a peer receives on {address}: narrow it by `eventType`. */\n"
                      f"export type {tname} =\n" + "\n".join(f"  | {n}" for n in names) + ";")  # fmt: skip
    blocks.append("/** The received message union of each websocket channel. */\n"
                  "export interface ChannelMessages {\n" + "\n".join(f"  {c}: {t};" for c, t in channel_union.items()) + "\n}")  # fmt: skip
    blocks.append("/** A websocket channel (protocol.schema.json's x-channels). */\nexport type Channel = keyof ChannelMessages;")
    blocks.append(f"/** A frame of a known event type on the default channel ({view['default_channel']}). */\n"
                  f"export type ReceivedMessage = {channel_union[view['default_channel']]};")  # fmt: skip
    blocks.append("/** A frame of an event type this version does not know (peers forward them). */\n"
                  "export interface UnknownMessage extends EnvelopeFields {\n  eventType: string;\n  payload: unknown;\n}")  # fmt: skip
    blocks.append("/** What parseMessage returns: a known message (narrow it by `eventType` after `isKnownMessage`) or an unknown one. */\n"
                  f"export type Message<C extends Channel = {json.dumps(view['default_channel'])}> = ChannelMessages[C] | UnknownMessage;")  # fmt: skip
    # what a peer sends: the partial frames (a reader fills in the defaults)
    out_lines = []
    for e in events:
        m = next(x for x in default if x["event_type"] == e["event_type"])
        payload = r.type({"$ref": m["payload_ref"].replace(view["published_base"], "")}, view_id)
        opt = "" if e["payload_required"] else "?"
        out_lines.append(f"  {json.dumps(e['event_type'])}: Partial<EnvelopeFields> & {{ eventType: {json.dumps(e['event_type'])}; payload{opt}: {payload} }};")
    blocks.append("/** Every known event type to the frame a peer sends: eventType (and payload where the schema requires it) "
                  "and any other envelope key; the reader fills in the rest. */\n"
                  "export interface OutgoingMessages {\n" + "\n".join(out_lines) + "\n}")  # fmt: skip
    blocks.append("/** The frame a peer sends for event type E. */\nexport type Outgoing<E extends EventType> = OutgoingMessages[E];")
    identity = schemas[schema_model.IDENTITY_FILE]["enum"]
    for peer in [p for p in identity if p in schema_model.peers(schemas) and p != HUB]:  # the peers that send to the hub
        sent = [e["event_type"] for e in events if any(d["from"] == peer for d in e["directions"])]
        if sent:
            blocks.append(f"/** The frames the {peer} peer sends (x-directions with from = {peer}). */\n"
                          f"export type {peer.capitalize()}OutgoingMessage = " + " | ".join(f"Outgoing<{json.dumps(t)}>" for t in sent) + ";")  # fmt: skip
    if HTTP_FILE in vs:
        blocks.append("/** The body of each HTTP read route (http.schema.json's x-endpoints; generated/openapi.json) by its type name: "
                      "`decodeResponse(name, await res.json())` checks and decodes one. */\n"
                      "export interface HttpResponses {\n" + "\n".join(f"  {n}: {n};" for n in http_responses(view)) + "\n}")  # fmt: skip
    blocks.append("/** A number of a payload as parseMessage returns it: a non-finite one is NaN or ±Infinity. */\n"
                  "export type DecodedNumber = number;")  # fmt: skip
    blocks.append("/** The protocol version these declarations were generated from (x-protocol-version). */\n"
                  f"export type ProtocolVersion = {json.dumps(version)};")  # fmt: skip
    title = "numbers decoded (what parseMessage returns)" if mode == "decoded" else "wire form (a non-finite number is its string token)"
    return header + f"\n// neetbox protocol {version}: the types, {title}.\n\n" + "\n\n".join(blocks) + "\n"


# ------------------------------------------------------------------------------ decoding plans


def decode_plans(view: dict) -> dict:
    """Per channel and event type, where a payload holds Numbers: "n" (decode the token), {"o":
    {key: plan}}, {"a": plan} (every item), {"t": [plan, ...]} (a tuple). None: nothing to decode."""
    reg = schema_model.registry(view["schemas"])
    number = view["base"] + NUMBER
    non_finite = view["base"] + NON_FINITE

    def plan(node, base, depth=0):
        if depth > 40:
            raise SystemExit("decode plan: the schema is recursive")
        if not isinstance(node, dict):
            return None
        if "$ref" in node:
            uri = urljoin(base, node["$ref"])
            if uri in (number, non_finite):
                return "n"
            doc, target = schema_model.lookup(reg, node["$ref"], base)
            return plan(target, doc, depth + 1)
        found = None
        for key in ("anyOf", "oneOf"):
            for b in node.get(key, []):
                found = merge(found, plan(b, base, depth + 1))
        if "prefixItems" in node:
            items = [plan(i, base, depth + 1) for i in node["prefixItems"]]
            found = merge(found, {"t": items} if any(items) else None)
        elif isinstance(node.get("items"), dict):
            item = plan(node["items"], base, depth + 1)
            found = merge(found, {"a": item} if item else None)
        fields = {k: p for k, v in node.get("properties", {}).items() if (p := plan(v, base, depth + 1))}
        if fields:
            found = merge(found, {"o": fields})
        return found

    def merge(a, b):
        if a is None or b is None or a == b:
            return a if b is None else b
        if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) == {"o"}:
            keys = sorted(set(a["o"]) | set(b["o"]))
            return {"o": {k: merge(a["o"].get(k), b["o"].get(k)) for k in keys}}
        if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b) == {"a"}:
            return {"a": merge(a["a"], b["a"])}
        raise SystemExit(f"decode plan: payload branches disagree on where numbers are: {a} vs {b}")

    plans: dict[str, dict] = {}
    view_id = view["schemas"][VIEW_FILE]["$id"]
    for m in view["messages"]:
        p = plan({"$ref": m["payload_ref"].replace(view["published_base"], "")}, view_id)
        plans.setdefault(m["channel"], {})[m["event_type"]] = p
    plans["http"] = {name: plan({"$ref": f"{HTTP_FILE}#/$defs/{name}"}, view_id) for name in http_responses(view)}
    return plans


HTTP_FILE = "http.schema.json"


def http_responses(view: dict) -> list[str]:
    """The $defs names of the HTTP 200 bodies (http.schema.json's x-endpoints), in order."""
    names = []
    for endpoint in view["schemas"].get(HTTP_FILE, {}).get("x-endpoints", []):
        if endpoint["response"] not in names:
            names.append(endpoint["response"])
    return names


# ------------------------------------------------------------------------------ validators


def _strip(node):
    if isinstance(node, list):
        return [_strip(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {k: (_strip(v) if k not in ("properties", "$defs") else {kk: _strip(vv) for kk, vv in v.items()})
            for k, v in node.items() if not (k.startswith("x-") or k in ANNOTATIONS)}  # fmt: skip


def validator_exports(view: dict, bundle: dict) -> tuple[list[dict], dict[str, str]]:
    """The schemas ajv compiles and {export name: schema uri}."""
    base = view["published_base"]
    schemas = [_strip(bundle)] + [_strip(s) for s in view["schemas"].values()]
    exports = {"message": bundle["$id"], "knownMessage": f"{base}message.schema.json#/$defs/KnownMessage"}
    view_id = view["schemas"][VIEW_FILE]["$id"]
    for m in view["messages"]:
        exports[f"view_{m['channel']}_{m['event_type']}"] = f"{view_id}#/$defs/{m['name']}"
    http_id = view["schemas"][HTTP_FILE]["$id"] if HTTP_FILE in view["schemas"] else None
    for name in http_responses(view):
        exports[f"http_{name}"] = f"{http_id}#/$defs/{name}"
    return schemas, exports


def validators_module(view: dict, bundle: dict, header: str) -> str:
    """validators.js: ajv standalone ESM code (tools/ts_validators.mjs, ajv pinned in package.json)."""
    schemas, exports = validator_exports(view, bundle)
    source = json.dumps({"schemas": schemas, "exports": exports}, ensure_ascii=False)
    proc = subprocess.run(["node", str(TS_VALIDATORS)], input=source, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"ajv standalone failed (did `npm ci` run?):\n{proc.stderr}")
    return header + "\n" + proc.stdout


# ------------------------------------------------------------------------------ the runtime's data


def runtime_context(schemas: dict[str, dict], view: dict, version: str) -> dict:
    """What templates/typescript/*.jinja2 render: constants, event types, defaults, plans."""
    envelope = schemas["envelope.schema.json"]
    defaults = {}
    for key, sub in envelope["properties"].items():
        python_factory = DEFAULT_FACTORIES.get(f"envelope.schema.json#/properties/{key}")
        if python_factory:
            factory = TS_FACTORIES.get(python_factory)
            if factory is None:
                raise SystemExit(f"emitters_ts: no runtime function for the default factory {python_factory}")
            defaults[key] = {"factory": factory}
        elif key != "eventType":
            defaults[key] = {"value": sub.get("default")}
    identity = schemas[schema_model.IDENTITY_FILE]
    events = known_events(schemas)
    constants = [(g["title"], g["constants"]) for g in schema_model.constant_groups(schemas)]
    message_of = {m["event_type"]: m["name"] for m in view["messages"] if m["default"]}  # event type -> its message type
    return {
        "version": version,
        "package_name": PACKAGE_NAME,
        "constants": constants,
        "event_types": [e["event_type"] for e in events],
        "events": [{"event_type": e["event_type"], "message": message_of[e["event_type"]], "guard": "is" + message_of[e["event_type"]]}
                   for e in events],  # fmt: skip
        "envelope_keys": list(envelope["properties"]),
        "defaults": defaults,
        "identity": list(zip(identity["x-enum-varnames"], identity["enum"])),
        "channels": {c: {k: v for k, v in ch.items() if k in ("address", "protocol", "title", "method", "formField")}
                     for c, ch in channels(schemas).items()},  # fmt: skip
        "ws_channels": list(view["channels"]),
        "default_channel": view["default_channel"],
        "views": {c: {m["event_type"]: f"view_{m['channel']}_{m['event_type']}" for m in view["messages"]
                      if m["channel"] == c or (m["default"] and not any(x["channel"] == c and x["event_type"] == m["event_type"] for x in view["messages"]))}
                  for c in view["channels"]},  # fmt: skip
        "plans": decode_plans(view),
        "http_responses": http_responses(view),
    }


def package_json(version: str, description: str) -> str:
    doc = {
        "name": PACKAGE_NAME,
        "version": version,
        "description": description,
        "license": "MIT",
        "type": "module",
        "sideEffects": False,
        "main": "./index.js",
        "types": "./index.d.ts",
        "exports": {
            ".": {"types": "./index.d.ts", "default": "./index.js"},
            "./wire": {"types": "./wire.d.ts"},
            "./validators": {"types": "./validators.d.ts", "default": "./validators.js"},
            "./package.json": "./package.json",
        },
        "files": ["index.js", "index.d.ts", "wire.d.ts", "validators.js", "validators.d.ts", "README.md"],
        "engines": {"node": ">=18"},
    }
    return json.dumps(doc, indent=2) + "\n"
