"""Hypothesis strategies derived from schema/ with hypothesis-jsonschema: a JSON message of each
known event type, generated from the envelope schema combined with that event's branch of
message.schema.json (refs inlined, since hypothesis-jsonschema resolves no cross-file refs)."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from support import registry, schemas

import schema_model

DROP = {"$id", "$schema", "$defs", "title", "description", "examples", "default"}


def inline(node, resolver):
    if isinstance(node, list):
        return [inline(n, resolver) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        target = inline(resolved.contents, resolved.resolver)
        rest = {k: inline(v, resolver) for k, v in node.items() if k != "$ref" and k not in DROP and not k.startswith("x-")}
        return {"allOf": [target, rest]} if rest else target
    out = {}
    for k, v in node.items():
        if k == "properties":  # a map of property names: keep every name
            out[k] = {name: inline(sub, resolver) for name, sub in v.items()}
        elif k not in DROP and not k.startswith("x-"):
            out[k] = inline(v, resolver)
    return out


@lru_cache(maxsize=None)
def message_schema(event_type: str) -> dict:
    message = schemas()[schema_model.MESSAGE_FILE]
    resolver = registry().resolver(base_uri=message["$id"])
    key = next(e["key"] for e in schema_model.known_events(schemas()) if e["event_type"] == event_type)
    envelope = inline({"$ref": "envelope.schema.json"}, resolver)
    return {"allOf": [envelope, inline(by_series(message["$defs"][key]), resolver)]}


#: the series a message whose series selects the payload's shape may carry besides the named ones
OTHER_SERIES = {"enum": [None, "other", "loss"]}


def by_series(branch: dict) -> dict:
    """A branch whose ``allOf`` of ``if {series: const S} then {payload: ...}`` selects the payload's
    shape (status), as the same set of messages written as a choice of ``anyOf`` branches: one per
    named series with its payload, and any other series (OTHER_SERIES, or none) with the payload
    as it stands. hypothesis-jsonschema draws if/then through filters (``not if``), far too slowly."""
    rules = branch.get("allOf")
    if not rules:
        return branch
    base = {k: v for k, v in branch.items() if k != "allOf"}
    options = [{**base, "properties": {**base["properties"], "series": rule["if"]["properties"]["series"], **rule["then"]["properties"]},
                "required": [*base.get("required", []), *rule["if"]["required"]]} for rule in rules]  # fmt: skip
    options.append({**base, "properties": {**base["properties"], "series": OTHER_SERIES}})
    return {"anyOf": options}


EVENT_TYPES = schema_model.event_types(schemas())


def messages(event_type: str | None = None) -> st.SearchStrategy[dict]:
    if event_type is None:
        return st.sampled_from(EVENT_TYPES).flatmap(messages)
    return from_schema(message_schema(event_type))
