"""The client-facing artifacts codegen.py derives from schema/, besides the Python package:

- asyncapi_document: generated/asyncapi.json, an AsyncAPI 3.0 document of the channels and of who
  sends which event type (protocol.schema.json's `x-channels`, message.schema.json's `x-directions`);
- the context of docs/protocol.md (templates/protocol.md.jinja2): event types, directions, payload
  fields, example frames, constants.

The TypeScript package is emitters_ts.py's. Each function takes the loaded schemas ({path relative to schema/: schema}) and returns text or
data; codegen.py writes the files. All output is deterministic.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from referencing import Registry

import emitters_generators
import schema_model
from schema_model import HUB, channels, const_branches, constant_groups, known_events

ROOT = Path(__file__).resolve().parent
# keywords that give a schema a type; a schema with none of them (`{}`, `{"not": ...}`) is any JSON value
TYPE_KEYWORDS = {"type", "$ref", "anyOf", "oneOf", "allOf", "const", "enum", "properties", "items",
                 "additionalProperties", "patternProperties"}  # fmt: skip
ANNOTATIONS = {"description", "title", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly"}


# Envelope keys a reader fills in when they are missing by calling a function of the runtime
# (Python: runtime/_runtime.py; TypeScript: emitters_ts.TS_FACTORIES), not with a fixed `default`.
# A generator setting, kept here in codegen's configuration rather than in the published schemas
# (codegen.py hands it to datamodel-code-generator as x-default-factory).
DEFAULT_FACTORIES = {"envelope.schema.json#/properties/timestamp": "get_timestamp"}


def locate(schemas: dict[str, dict], where: str, setting: str) -> tuple[dict, str, list[str]]:
    """(parent node, last key, path) of `file#/a/b` in schemas; SystemExit naming the setting
    that holds the location when it does not resolve."""
    rel, _, pointer = where.partition("#")
    parts = [p for p in pointer.split("/") if p]
    node = schemas.get(rel)
    try:
        for p in parts[:-1]:
            node = node[p]
        node[parts[-1]]
    except (KeyError, TypeError):
        raise SystemExit(f"{setting}: {where} does not resolve in schema/; update {setting}") from None
    return node, parts[-1], parts


# ------------------------------------------------------------------------------------------ AsyncAPI

def _operation_id(schemas: dict[str, dict], event: dict, d: dict) -> str:
    """receive<Event>From<Peer> / send<Event>To<Peer>, then On<Channel> unless the channel is the
    default one (the first websocket channel)."""
    action = "receive" if d["to"] == HUB else "send"
    peer = d["from"] if action == "receive" else d["to"]
    where = "" if d["channel"] == schema_model.ws_channels(schemas)[0] else "On" + d["channel"][0].upper() + d["channel"][1:]
    name = event["event_type"][0].upper() + event["event_type"][1:]
    return f"{action}{name}{'From' if action == 'receive' else 'To'}{peer.capitalize()}{where}"


def asyncapi_document(schemas: dict[str, dict], version: str, schema_path: str) -> dict:
    """An AsyncAPI 3.0 document of the protocol, from the server's point of view (the server is
    the application: it receives what the cli and the web UI send and sends to them). Every
    message payload $refs the published schemas under schema_path (relative to the document)."""
    schema_model.check(schemas)
    peer_titles = schema_model.peers(schemas)
    all_channels = schema_model.channels(schemas)
    event_docs = {c["value"]: c["doc"] for c in const_branches(schemas["event-type.schema.json"])}
    events = known_events(schemas)
    typed = emitters_generators.document(schemas, version)["$defs"]["TypedEvent"]["discriminator"]["mapping"]

    messages, channels, operations = {}, {}, {}
    for cid, ch in all_channels.items():
        channel = {"address": ch["address"], "title": ch["title"], "description": ch["description"], "messages": {}}
        if "{projectId}" in ch["address"]:
            channel["parameters"] = {"projectId": {"description": "The project's id (an Identifier)."}}
        channels[cid] = channel
    for event in events:
        for d in event["directions"]:
            upload = all_channels[d["channel"]]["protocol"] == "http"  # an upload's form field
            mid = event["event_type"] + ("Metadata" if upload else "")
            if mid not in messages:
                messages[mid] = {
                    "name": event["event_type"],
                    "title": event["title"] + (" (upload metadata)" if upload else ""),
                    "summary": event_docs[event["event_type"]],
                    "contentType": "application/json",
                    # the event type's definition in the form made for generators (one kind, or a oneOf of its kinds)
                    "payload": {"$ref": f"{schema_path}/{emitters_generators.FILE}#/$defs/{typed[event['event_type']].rsplit('/', 1)[-1]}"},
                    "examples": [],
                }  # fmt: skip
                if upload:
                    messages[mid]["description"] = (
                        f"The value of the multipart/form-data field `{all_channels[d['channel']]['formField']}`"
                        " of the image upload: the image event's envelope as JSON text (the image is the `image` part).")
                    messages[mid]["bindings"] = {"http": {"bindingVersion": "0.3.0"}}
            if "example" in d:
                messages[mid]["examples"].append({
                    "name": f"{d['from']}To{d['to'].capitalize()}",
                    "summary": f"{d['from']} → {d['to']} on {all_channels[d['channel']]['address']}",
                    "payload": d["example"],
                })  # fmt: skip
            channels[d["channel"]]["messages"][mid] = {"$ref": f"#/components/messages/{mid}"}
    for event in events:
        for d in event["directions"]:
            if d.get("replyTo"):
                continue  # described as the reply of the request below
            upload = all_channels[d["channel"]]["protocol"] == "http"
            mid = event["event_type"] + ("Metadata" if upload else "")
            action = "receive" if d["to"] == HUB else "send"
            op = {
                "action": action,
                "channel": {"$ref": f"#/channels/{d['channel']}"},
                "title": f"{event['event_type']}: {d['from']} → {d['to']}",
                "summary": f"{peer_titles[d['from']]} sends `{event['event_type']}` to {peer_titles[d['to']]}",
                "description": d.get("description", ""),
                "messages": [{"$ref": f"#/channels/{d['channel']}/messages/{mid}"}],
                "tags": [{"name": d["from"]}, {"name": d["to"]}],
            }  # fmt: skip
            if upload:
                op["bindings"] = {"http": {"method": all_channels[d["channel"]]["method"], "bindingVersion": "0.3.0"}}
            replies = [r for r in event["directions"] if r.get("replyTo") == d["from"] and r["channel"] == d["channel"]]
            if replies:
                op["reply"] = {"channel": {"$ref": f"#/channels/{d['channel']}"},
                               "messages": [{"$ref": f"#/channels/{d['channel']}/messages/{mid}"}]}  # fmt: skip
                op["description"] += " Reply: " + replies[0].get("description", "")
            operations[_operation_id(schemas, event, d)] = op
    return {
        "asyncapi": "3.0.0",
        "id": "urn:neetbox-protocol",
        "info": {
            "title": "neetbox protocol",
            "version": version,
            "description": (
                "The wire protocol of neetbox, described from the server's side: the training script (cli) "
                "and the web UI (web) connect to the server's websockets and send JSON text frames, each a "
                "Message (see the published JSON Schemas); the server stores events and forwards them. "
                "`receive` operations are frames a peer sends to the server, `send` operations frames the "
                "server sends to a peer; tags name the two peers. Generated by codegen.py from schema/ "
                "(x-channels, x-directions): do not edit."),
            "license": {"name": "MIT"},
            "tags": [{"name": p, "description": title} for p, title in peer_titles.items()],
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": dict(sorted(operations.items())),
        "components": {"messages": messages},
    }  # fmt: skip


# ------------------------------------------------------------------------------ docs/protocol.md


def _resolve(ref: str, base: str, reg: Registry) -> dict:
    """The target of a $ref written in the file with $id base."""
    return schema_model.lookup(reg, ref, base)[1]


def type_text(node: dict, base: str, reg: Registry) -> str:
    """A short human-readable type of a schema: `Integer`, `string \\| null`, `array of Cpu`, ..."""
    if "$ref" in node:
        return _resolve(node["$ref"], base, reg).get("title", "object")
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " \\| ".join(type_text(b, base, reg) for b in node[key])
    kind = node.get("type")
    if kind == "array":
        return f"array of {type_text(node.get('items', {}), base, reg)}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"object of {type_text(node['additionalProperties'], base, reg)}"
    if isinstance(kind, list):
        return " \\| ".join(kind)
    return kind or "any JSON value"


def _constraints(node: dict) -> str:
    parts = []
    for key in ("minLength", "maxLength", "minimum", "maximum", "pattern"):
        if key in node:
            parts.append(f"{key} `{node[key]}`")
    return ", ".join(parts)


def object_types(schema: dict, reg: Registry) -> list[dict]:
    """The object types of one schema file (its root and its $defs), with their fields."""
    base = schema["$id"]
    found = []
    for name, node in [("", schema), *[(k, v) for k, v in schema.get("$defs", {}).items()]]:
        if node.get("type") != "object":
            continue
        required = set(node.get("required", []))
        fields = [{"name": key, "type": type_text(sub, base, reg), "required": key in required,
                   "description": sub.get("description") or (_resolve(sub["$ref"], base, reg).get("description", "") if "$ref" in sub else ""),
                   "constraints": _constraints(sub)}  # fmt: skip
                  for key, sub in node.get("properties", {}).items()]
        extra = node.get("additionalProperties", True)
        found.append({
            "title": node.get("title", schema["title"]), "description": node.get("description", ""), "fields": fields,
            "open": extra is True, "value_type": type_text(extra, base, reg) if isinstance(extra, dict) else None,
        })  # fmt: skip
    return found


def docs_context(schemas: dict[str, dict], version: str) -> dict:
    """Everything templates/protocol.md.jinja2 renders."""
    reg = schema_model.registry(schemas)
    protocol = schemas["protocol.schema.json"]
    envelope = schemas["envelope.schema.json"]
    common = schemas["common.schema.json"]
    event_constants = {c["value"]: c for c in const_branches(schemas["event-type.schema.json"])}
    events = []
    for event in known_events(schemas):
        payload = schemas[event["payload_rel"]]
        events.append({
            **event, "constant": event_constants[event["event_type"]]["name"], "doc": event_constants[event["event_type"]]["doc"],
            "payload_title": payload["title"], "payload_doc": payload["description"],
            "payload_type": type_text(payload, payload["$id"], reg) if set(payload) & TYPE_KEYWORDS else "any JSON value",
            "payload_objects": object_types(payload, reg),
            "directions": [{**d, "address": channels(schemas)[d["channel"]]["address"],
                            "example_text": json.dumps(d["example"], ensure_ascii=False, separators=(",", ":")) if "example" in d else None}
                           for d in event["directions"]],  # fmt: skip
        })  # fmt: skip
    required = set(envelope.get("required", []))
    envelope_fields = [{
        "name": key, "type": type_text(sub, envelope["$id"], reg), "required": key in required,
        "default": (f"now (`{factory}()`)" if (factory := DEFAULT_FACTORIES.get(f"envelope.schema.json#/properties/{key}")) else
                    f"`{json.dumps(sub['default'])}`" if "default" in sub else "—"),
        "description": sub.get("description", ""),
    } for key, sub in envelope["properties"].items()]  # fmt: skip
    value_types = [{"title": node["title"], "type": type_text({k: v for k, v in node.items() if k != "title"}, common["$id"], reg)
                    if "type" in node or "anyOf" in node else "any", "description": node["description"], "constraints": _constraints(node)}
                   for node in common["$defs"].values() if node.get("type") != "object"]  # fmt: skip
    identity = schemas["identity-type.schema.json"]
    return {
        "version": version,
        "protocol_doc": protocol["description"],
        "channels": [{"id": cid, **ch} for cid, ch in channels(schemas).items()],
        "envelope": envelope, "envelope_fields": envelope_fields,
        "value_types": value_types, "common_objects": object_types(common, reg),
        "events": events,
        "identity": [{"name": n, "value": v, "doc": d} for n, v, d in
                     zip(identity["x-enum-varnames"], identity["enum"], identity["x-enum-descriptions"])],  # fmt: skip
        "constant_groups": constant_groups(schemas),
        "schema_files": sorted(schemas),
    }  # fmt: skip


# ------------------------------------------------------------------------------------------- OpenAPI


def openapi_document(schemas: dict[str, dict], version: str, schema_path: str) -> dict:
    """An OpenAPI 3.1 document of the HTTP read API (http.schema.json's x-endpoints). Every body
    $refs the published schema (schema_path, relative to the document)."""
    http = schemas["http.schema.json"]
    ref = lambda name: {"$ref": f"{schema_path}/http.schema.json#/$defs/{name}"}
    paths: dict[str, dict] = {}
    for ep in http["x-endpoints"]:
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in re.findall(r"\{(\w+)\}", ep["path"])]  # fmt: skip
        params += [{"name": q, "in": "query", "required": q in ep.get("required", []), "description": doc, "schema": {"type": "string"}}
                   for q, doc in ep.get("query", {}).items()]  # fmt: skip
        body = http["$defs"][ep["response"]]
        responses = {"200": {"description": body["description"], "content": {"application/json": {"schema": ref(ep["response"])}}}}
        for status, doc in ep.get("errors", {}).items():
            responses[status] = {"description": doc, "content": {"application/json": {"schema": ref("HttpError")}}}
        op = {"operationId": ep["operationId"], "summary": ep["description"], "responses": responses}
        if params:
            op["parameters"] = params
        if "requestBody" in ep:
            op["requestBody"] = {"description": ep["requestBody"], "required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "properties": {"image": {"type": "string", "contentMediaType": "image/png"},
                           "metadata": {"type": "string", "contentMediaType": "application/json"}}, "required": ["image", "metadata"]}}}}  # fmt: skip
        paths.setdefault(ep["path"], {})[ep["method"]] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "neetbox HTTP API", "version": version, "license": {"name": "MIT", "identifier": "MIT"},
                 "description": http["description"] + " Generated by codegen.py from schema/http.schema.json: do not edit."},  # fmt: skip
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        # the websocket messages, for generators that read OpenAPI: the definitions of the form
        # made for generators (emitters_generators.py), one per kind of message, and its unions
        "components": {"schemas": {"Message": {"$ref": f"{schema_path}/{emitters_generators.FILE}"},
                                   **{name: {"$ref": f"{schema_path}/{emitters_generators.FILE}#/$defs/{name}"}
                                      for name in emitters_generators.document(schemas, version)["$defs"]}}},
    }
