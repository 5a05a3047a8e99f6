"""The Python package's tables and plain-data types, decided from schema/ (codegen.py renders them):

- ``registry_context``: what the runtime needs to know of the schema, written once into the
  generated ``neetbox_protocol/registry.py``: the string rules of each id type (pattern, lengths,
  excluded patterns and whether the line-break rule is implied: ``schema_model.line_break_implied``,
  which compat.py uses too), the integer bounds, the reply rule, the envelope's fields in wire order
  and the constructor's positional order, the union modes and the per-series payload shapes;
- ``envelope_params``: the parameters of the ``__init__`` type checkers see on the typed events,
  from the same tables (no parsing of generated code);
- ``plain_shapes``: each payload as the plain data a message holds, one ``TypedDict`` per object
  shape, rendered from the typed view the TypeScript emitter reads (``emitters_ts.typed_view``, with
  no receive-view rule: the plain data is as open as the schemas). Each type carries the markers
  the runtime validates it with (``plain.py``), so the payload validator and what type checkers see
  are one declaration.

Nothing here imports the generated package: every fact comes from the schemas and codegen's
configuration.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import emitters_ts
import schema_model

COMMON = "common.schema.json"
# value types the plain data names by the runtime's (or the registry's) type, by location in the
# typed view; any other $ref is rendered from its schema
PLAIN_VALUE_TYPES = {
    f"{COMMON}#/$defs/Number": "PlainNumber",  # the token stays a string in plain data
    f"{COMMON}#/$defs/NonFiniteNumber": "NonFiniteToken",
    f"{COMMON}#/$defs/Integer": "Integer",
    f"{COMMON}#/$defs/Int64": "Int64",
    f"{COMMON}#/$defs/JsonValue": "PlainAny",
}
NO_VIEW_RULES = {"omit": [], "all_required": [], "tuples": {}, "open": [], "variants": {}}
_KNOWN_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "anyOf", "$ref", "pattern",
                   "minLength", "maxLength", "not", "enum", "minimum", "maximum"}  # fmt: skip
_ANNOTATIONS = {"title", "description", "examples", "default", "$comment", "$id", "$schema", "$defs"}


def py_literal(value: object) -> str:
    """A Python literal of JSON data: strings as JSON writes them (double quotes), null, true and
    false as None, True and False, at any depth."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    raise TypeError(f"no Python literal for {type(value).__name__}")


_py = py_literal


# ----------------------------------------------------------------------------- the registry


def string_rules(schemas: dict[str, dict], names: list[str]) -> list[dict]:
    """The rules of each string value type of common.schema.json in ``names``: pattern, lengths,
    then every ``not: {pattern}`` of the type (its own, then under ``allOf``, each with its
    description as the error's reason), the line-break rule left out where the pattern implies it."""
    out = []
    for name in names:
        node = schemas[COMMON]["$defs"][name]
        rules = [n for n in (node, *node.get("allOf", ())) if "pattern" in n.get("not", {})]
        excluded = [(n["not"]["pattern"], _why(n) if n is not node else "") for n in rules]
        implied = schema_model.line_break_implied(node)
        out.append({
            "name": name, "const": re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper(),
            "pattern": node.get("pattern"), "min_length": node.get("minLength"), "max_length": node.get("maxLength"),
            "excluded": [e for e in excluded if not (implied and e[0] == schema_model.LINE_BREAK)],
            "line_break_implied": implied,
            "json_schema": {k: node[k] for k in ("title", "description", "not", "allOf", "examples") if k in node},
        })  # fmt: skip
    return out


def _why(rule: dict) -> str:
    """The description of a `not` rule (``Not a Windows device name: ...``) as an error message's tail."""
    text = str(rule.get("description", "")).rstrip(".")
    return f" ({text[:1].lower()}{text[1:]})" if text else ""


def integer_bounds(schemas: dict[str, dict], names: list[str]) -> list[dict]:
    """The bounds of each integer value type of common.schema.json in ``names``."""
    return [{"name": n, "const": re.sub(r"(?<!^)(?=[A-Z])", "_", n).upper(), "minimum": schemas[COMMON]["$defs"][n].get("minimum"),
             "maximum": schemas[COMMON]["$defs"][n].get("maximum")} for n in names]  # fmt: skip


def envelope_fields(schemas: dict[str, dict]) -> list[dict]:
    """The envelope's keys in wire order: the Python field name datamodel-code-generator gives
    each (``--snake-case-field``: projectId -> project_id), its wire key, how ``dumps`` writes its
    value ("str" for a string enum such as identityType, else "json"), and the most bytes its
    value takes written out (``max_written_size``; None where the schema sets no bound)."""
    fields = []
    constrained = _constrained_keys(schemas["message.schema.json"])
    for key, prop in schemas["envelope.schema.json"]["properties"].items():
        refs = [b.get("$ref", "") for b in prop.get("anyOf", [prop])]
        str_enum = any(schemas.get(r, {}).get("enum") for r in refs)
        fields.append({"name": re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower(), "wire": key, "kind": "str" if str_enum else "json",
                       "max_size": max_written_size(schemas, prop, "envelope.schema.json"),
                       "integer": None if key in constrained else _integer_type(schemas, refs)})  # fmt: skip
    return fields


def _integer_type(schemas: dict[str, dict], refs: list[str]) -> str | None:
    """The registry constant of the bounded integer type (``INT64``) a field refers to, alone or
    beside null; None for any other field."""
    targets = [r.partition("#/$defs/")[2] for r in refs if r.startswith(COMMON + "#/$defs/")]
    if len(targets) != 1:
        return None
    node = schemas[COMMON]["$defs"][targets[0]]
    if node.get("type") != "integer" or "minimum" not in node or "maximum" not in node:
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", targets[0]).upper()


def _constrained_keys(node: object) -> set[str]:
    """The keys some branch of message.schema.json constrains (``properties``), examples apart:
    an envelope field any message class may read otherwise than the envelope."""
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                found.update(v)
            if k not in ("examples", "default", "const"):
                found |= _constrained_keys(v)
    elif isinstance(node, list):
        for v in node:
            found |= _constrained_keys(v)
    return found


def max_written_size(schemas: dict[str, dict], node: dict, rel: str) -> int | None:
    """The most bytes a value of ``node`` takes as compact JSON, from the schema's bounds alone:
    null 4, a bool 5, an integer with both bounds its longest decimal, an enum its longest member,
    a string with ``maxLength`` L at most 6 L + 2 (every character escaped as ``\\uXXXX``); a
    ``$ref`` or ``anyOf`` the largest of its branches; None for anything unbounded."""
    if "$ref" in node:
        ref_rel, _, pointer = node["$ref"].partition("#")
        target_rel = ref_rel or rel
        target = schemas[target_rel]
        for part in [p for p in pointer.split("/") if p]:
            target = target[part]
        return max_written_size(schemas, target, target_rel)
    if "anyOf" in node:
        sizes = [max_written_size(schemas, b, rel) for b in node["anyOf"]]
        return None if None in sizes else max(sizes)  # type: ignore[type-var]
    if "enum" in node:
        return max(len(json.dumps(v, ensure_ascii=False).encode()) for v in node["enum"])
    kind = node.get("type")
    if kind == "null":
        return 4
    if kind == "boolean":
        return 5
    if kind == "integer" and "minimum" in node and "maximum" in node:
        return max(len(str(node["minimum"])), len(str(node["maximum"])))
    if kind == "string" and "maxLength" in node:
        return 6 * node["maxLength"] + 2
    return None


def envelope_params(schemas: dict[str, dict], order: list[str], required: int, python_types: dict[str, str], factories: dict[str, str]) -> list[dict]:
    """The envelope's parameters in the constructor's positional order (``order``: its first
    ``required`` are required): name, wire key, annotation as source text (``python_types`` names a value type
    by location, ``module.Name``; a $ref otherwise by its title) and default as source text (None:
    required; ``...``: a default factory)."""
    envelope = schemas["envelope.schema.json"]
    by_name = {f["name"]: f for f in envelope_fields(schemas)}
    if sorted(order) != sorted(by_name):
        raise SystemExit(f"codegen.POSITIONAL_ORDER {order} does not name the envelope's fields {sorted(by_name)}")

    def type_text(node: dict) -> str:
        if "anyOf" in node:
            return " | ".join(type_text(b) for b in node["anyOf"])
        if node.get("type") == "null":
            return "None"
        if node.get("type") == "string":
            return "StrictStr"
        ref = node["$ref"]
        where = ref if "#" in ref else f"{ref}#"
        if where in python_types:
            return python_types[where].rsplit(".", 1)[1]
        rel, _, pointer = ref.partition("#")
        target = schemas[rel] if not pointer else schemas[rel]["$defs"][pointer.rsplit("/", 1)[1]]
        return target["title"]

    params = []
    for position, name in enumerate(order):
        wire = by_name[name]["wire"]
        prop = envelope["properties"][wire]
        if f"envelope.schema.json#/properties/{wire}" in factories:
            default = "..."
        elif position < required or "default" not in prop:
            default = None
        else:
            default = _py(prop["default"])
        params.append({"name": name, "wire": wire, "annotation": type_text(prop), "default": default})
    return params


# ----------------------------------------------------------------------------- plain data


class PlainRenderer:
    """Renders typed-view schema nodes as the Python types of plain data with their validation
    markers (the names plain.py imports from the runtime's public surface and the registry)."""

    def __init__(self, view: dict):
        self.view = view
        self.registry = schema_model.registry(view["schemas"])
        self.base = view["base"]
        self.shapes: dict[str, dict] = {}  # class name -> {"doc", "title", "open", "fields": [(key, type, required)]}
        self.tags: set[str] = set()  # the Tags of shape unions: labels pydantic puts in an error's loc

    def resolve(self, ref: str, base: str) -> tuple[str, dict]:
        uri, node = schema_model.lookup(self.registry, ref, base)
        return uri, node  # type: ignore[return-value]

    def where(self, uri: str) -> str:
        return uri.replace(self.base, "", 1)

    def type(self, node: object, base: str) -> tuple[str, bool]:
        """(Python type text, whether it is a leaf: a scalar, not an object or array)."""
        if node is True or node == {} or (isinstance(node, dict) and not set(node) - _ANNOTATIONS):
            return "PlainAny", True
        assert isinstance(node, dict)
        unknown = set(node) - _KNOWN_KEYWORDS - _ANNOTATIONS
        if unknown:
            raise SystemExit(f"plain types: no rendering for keyword(s) {sorted(unknown)} at {base}")
        if "$ref" in node:
            doc, target = self.resolve(node["$ref"], base)
            full = urljoin(base, node["$ref"])
            named = PLAIN_VALUE_TYPES.get(self.where(full if "#" in full else full + "#"))
            if named:
                return named, True
            if target.get("type") == "object" and "properties" in target:
                return self.shape(full, target), False
            return self.type(target, doc)
        if "anyOf" in node:
            return self.union(node["anyOf"], base)
        kind = node.get("type")
        if kind == "null":
            return "None", True
        if kind == "string":
            return self.string(node), True
        if kind == "boolean":
            return "Annotated[bool, Strict(), AS_FLAG]", True
        if kind == "integer":
            bounds = ", ".join(f"{k}={node[j]}" for k, j in (("ge", "minimum"), ("le", "maximum")) if j in node)
            return f"Annotated[int, Strict(), IntegerSchema({bounds})]", True
        if kind == "array":  # (FIRST_ERROR: a bad item ends the check of the rest, see _coreschema)
            return f"Annotated[list[{self.type(node.get('items', {}), base)[0]}], FIRST_ERROR]", False
        if kind == "object":
            if "properties" in node:
                raise SystemExit(f"plain types: an object with properties must be a named definition ({base})")
            extra = node.get("additionalProperties", True)
            return f"Annotated[dict[str, {self.type(extra, base)[0] if extra is not True else 'PlainAny'}], FIRST_ERROR]", False
        raise SystemExit(f"plain types: no rendering for {node} at {base}")

    def string(self, node: dict) -> str:
        if "enum" in node:
            raise SystemExit(f"plain types: no rendering for a string enum {node['enum']}")
        constraints = [f"{py}={_py(node[js])}" for js, py in (("pattern", "pattern"), ("minLength", "min_length"), ("maxLength", "max_length")) if js in node]
        described = [f"{k}={_py(node[k])}" for k in ("title", "description", "examples") if k in node and "title" in node]
        if "not" in node and "title" in node:  # pydantic's JSON Schema keeps the published `not`
            described.append(f"json_schema_extra={{'not': {_py(node['not'])}}}")
        field = f", Field({', '.join([*constraints, *described])})" if constraints or described else ""
        return f"Annotated[str, Strict(){field}, AS_TEXT]"

    def union(self, branches: list, base: str) -> tuple[str, bool]:
        rendered = [(b, *self.type(b, base)) for b in branches]
        if all(leaf for _, _, leaf in rendered):
            return f"Annotated[Union[{', '.join(t for _, t, _ in rendered)}], LEAF_UNION]", True
        parts = []
        rendered.sort(key=lambda r: r[1] == "None")  # None last, as the models have it (Optional)
        for branch, text, _ in rendered:  # a shape union: each named branch tagged with its title
            title = self.resolve(branch["$ref"], base)[1].get("title") if "$ref" in branch else None
            if title and text != "None":
                self.tags.add(title)
                text = f"Annotated[{text}, Tag({_py(title)})]"
            parts.append(text)
        return f"Union[{', '.join(parts)}]", False

    def shape(self, uri: str, node: dict) -> str:
        name = f"{node['title']}Data"
        if name in self.shapes:
            return name
        self.shapes[name] = {}  # placed before its fields: a recursive shape refers to itself
        base = uri.split("#")[0]
        required = set(node.get("required", []))
        fields = []
        for key, sub in node["properties"].items():
            text = self.type(sub, base)[0]
            if isinstance(sub, dict) and sub.get("description"):
                described = f"Field(description={_py(sub['description'])})"
                text = f"{text[:-1]}, {described}]" if text.startswith("Annotated[") else f"Annotated[{text}, {described}]"
            fields.append((key, text, key in required))
        extra = node.get("additionalProperties", True)
        if extra not in (True, False):
            raise SystemExit(f"plain types: {uri}: a shape's additionalProperties is true or false")
        self.shapes[name] = {"title": node["title"], "doc": node.get("description", ""), "open": extra is True, "fields": fields}
        return name


def plain_shapes(schemas: dict[str, dict], events: list[dict], reply_payload: str) -> dict:
    """plain.py's context: the shapes (class name -> fields), and each payload's type (event type
    -> {"name", "type"}), from the typed view of the schemas with no receive-view rule."""
    view = emitters_ts.typed_view(schemas, NO_VIEW_RULES)
    renderer = PlainRenderer(view)
    payloads = []
    for event in [*events, {"event_type": None, "payload_rel": reply_payload, "payload_type": "Reply", "union_mode": None}]:
        rel, _, pointer = event["payload_rel"].partition("#")
        doc = urljoin(view["base"], rel)
        uri = doc + (f"#{pointer}" if pointer else "")
        node = renderer.resolve(uri, doc)[1]
        if node.get("type") == "object" and "properties" not in node:  # an open object payload
            text = renderer.type({k: v for k, v in node.items() if k != "title"}, doc)[0]
        elif node.get("type") == "object":
            text = renderer.shape(uri, node)
        else:
            branches = node.get("anyOf")
            if branches and len(branches) == 1:
                text = renderer.type(branches[0], doc)[0]
            else:
                text = renderer.type(node, doc)[0]
        if event["union_mode"]:
            text = f"Annotated[{text}, Field(union_mode=PAYLOAD_UNION_MODES[{_py(event['event_type'])}])]"
        payloads.append({"name": f"{event['payload_type']}Data", "event_type": event["event_type"], "type": text})
    texts = " ".join([p["type"] for p in payloads] + [t for s in renderer.shapes.values() for _, t, r in s["fields"]])
    if any(not r for s in renderer.shapes.values() for _, _, r in s["fields"]):
        texts += " NotRequired"
    imports = [(module, [n for n in names if re.search(rf"\b{n}\b", texts) or n in always])
               for module, names, always in _PLAIN_IMPORTS]  # fmt: skip
    lines = [("\n" if m.startswith(".") and not imports[i - 1][0].startswith(".") else "") + f"from {m} import {', '.join(sorted(ns, key=lambda n: (not n.isupper(), n)))}"
             for i, (m, ns) in enumerate(imports) if ns]  # fmt: skip
    return {"shapes": renderer.shapes, "payloads": payloads, "tags": renderer.tags, "imports": lines}


# what plain.py may import, by module (the names its annotations use, and those it always needs)
_PLAIN_IMPORTS = [
    ("typing", ["Annotated", "Any", "Literal", "Union"], {"Annotated"}),
    ("pydantic", ["Field", "Strict", "Tag"], {"Field"}),
    ("typing_extensions", ["NotRequired", "TypeAlias", "TypedDict"], {"TypeAlias", "TypedDict"}),
    ("._runtime", ["AS_FLAG", "AS_TEXT", "FIRST_ERROR", "LEAF_UNION", "Integer", "IntegerSchema", "NonFiniteToken", "PlainAny", "PlainNumber", "payload_shape"],
     {"payload_shape"}),
    (".registry", ["PAYLOAD_UNION_MODES", "Int64"], set()),
]
