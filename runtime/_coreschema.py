"""The core-schema edits pydantic leaves no other way to make, all in this one module.

pydantic builds a model's validator from its annotations; two behaviours of the protocol need the
built core schema itself (plain dicts) to be rewritten:

- ``series_choice``: a typed event whose envelope ``series`` selects its payload's shape (the
  status event): a tagged union, keyed on ``series``, of copies of the model's own schema, each
  with the selected shape alone as its payload; and ``series_validators``, each choice as a
  validator of its own, for attribute assignment (pydantic-core assigns a field with a model's
  validator, never a tagged union's);
- ``LEAF_UNION``: one error for a union of scalar types, whose message lists what each branch
  accepts (read from the branches' own schemas);
- ``WireTag``: a tagged union keyed on a field reads the field's wire key only (pydantic also
  reads the Python name, so ``{"event_type": "scalar"}`` would pick the scalar event).

Nothing else in the runtime reads or writes a core schema. What these learn of a class is kept in
the registry (``Registry.series_taggers``, ``Registry.series_validators``).
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (this module walks core schemas of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

import pydantic_core
from pydantic import BaseModel, ValidationError

from ._annotations import PYTHON_VALUES
from ._registry import Registry, SeriesShapes

__all__ = ["LEAF_UNION", "WireTag", "series_choice", "validate_assignment"]


def series_choice(cls: type[BaseModel], source: Any, handler: Any, shapes: SeriesShapes) -> pydantic_core.CoreSchema:
    """The core schema of a typed event whose envelope ``series`` selects its payload's shape
    (message.schema.json's ``allOf`` of ``if series const ... then payload ...``, the generated
    registry's ``SERIES_SHAPES``: series -> branch tag of the payload union).

    One class, several validators: a tagged union, keyed on ``series``, of copies of the model's
    own schema whose payload is the selected branch alone; any other series (or none) takes the
    model as it is (the payload's union of every shape). Every choice builds ``cls``, so
    ``type(msg) is cls``; a choice's tag is the shape's name (``PlatformInfo``; the payload's,
    ``StatusPayload``, for any other series), a label error paths drop like the union's own."""
    schema: Any = handler(source)  # core schemas as plain dicts: copied and rewritten below
    outer, model = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    validators, model = _model_validators(model)  # the envelope's own (the size gate): kept around the union
    if model["type"] == "tagged-union" and cls.__dict__.get("__pydantic_complete__") and not validators:
        # the class's schema, built already (another model or union names the class): one of its
        # choices, which pydantic-core replaces by the class's own validator, the tagged union --
        # the union itself would be used as is and then again in each choice (two dispatches).
        # Under model validators (the envelope's size gate) pydantic-core reuses no validator:
        # the class's schema is used as it is (below)
        last = model["choices"][next(reversed(model["choices"]))]  # the choice for any other series
        return cast("pydantic_core.CoreSchema", {**outer, "schema": last} if outer is not None else last)
    if model["type"] in ("tagged-union", "definition-ref"):
        return cast("pydantic_core.CoreSchema", schema)
    ref = validators[0].get("ref") if validators else model.get("ref")
    if model["type"] != "model":
        raise TypeError(f"{cls.__name__}: series_choice needs a model schema, not {model['type']!r}")
    fields = model["schema"]["fields"]
    union = _unwrapped(fields["payload"]["schema"])
    if union["type"] != "union":
        raise TypeError(f"{cls.__name__}: the payload is not a union of shapes")
    branches: dict[str, Any] = {c[1]: c[0] for c in union["choices"] if isinstance(c, tuple)}
    base: dict[str, Any] = {k: v for k, v in model.items() if k != "ref"}
    meta: dict[str, Any] = dict(model.get("metadata") or {})
    by_series, any_series = dict(shapes.by_series), shapes.any_series

    def rules_js(core: Any, js_handler: Any) -> Any:
        """The JSON Schema pydantic gives the class (FastAPI's OpenAPI): the schema's if/then
        rules beside the union of every shape, so it judges a message as the schemas do."""
        json_schema = js_handler(core)
        target = js_handler.resolve_ref_schema(json_schema)
        target["allOf"] = [*target.get("allOf", []), *(
            {"if": {"properties": {"series": {"const": series}}, "required": ["series"]},
             "then": {"properties": {"payload": js_handler(branches[label])}}} for series, label in by_series.items())]
        return json_schema

    choices: dict[Hashable, Any] = {}

    def union_js(core: Any, js_handler: Any) -> Any:
        return js_handler(choices[any_series])  # one schema, the rules inside, not a oneOf of the choices

    for label in dict.fromkeys(by_series.values()):
        payload = {**fields["payload"], "schema": branches[label]}
        choices[label] = {**base, "schema": {**model["schema"], "fields": {**fields, "payload": payload}}}
    # last: the choice for any other series (or none), the model as it is
    choices[any_series] = {**base, "metadata": {**meta, "pydantic_js_functions": [*meta.get("pydantic_js_functions", []), rules_js]}}

    def tag_of(value: Any) -> str:
        series: object = value.get("series") if type(value) is dict else getattr(value, "series", None)
        return by_series.get(series, any_series) if type(series) is str else any_series

    Registry.series_taggers[cls] = tag_of
    chosen: Any = pydantic_core.core_schema.tagged_union_schema(choices, tag_of, ref=None if validators else ref,
                                                                metadata={"pydantic_js_functions": [union_js]})
    for validator in reversed(validators):  # the outermost keeps the class's ref, as pydantic puts it
        chosen = {**validator, "schema": chosen}
    return cast("pydantic_core.CoreSchema", {**outer, "schema": chosen} if outer is not None else chosen)


def _model_validators(schema: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A model's schema under its model validators (pydantic wraps the model in them, outermost
    first, the class's ``ref`` on the outermost): the wrappers, and the schema inside."""
    wrappers = []
    while schema["type"] in ("function-after", "function-wrap") and schema.get("schema", {}).get("type") in (
            "model", "tagged-union", "function-after", "function-wrap"):  # fmt: skip
        wrappers.append(schema)
        schema = schema["schema"]
    return wrappers, schema


def _unwrapped(schema: dict[str, Any]) -> dict[str, Any]:
    """A payload's union under a ``default`` wrapper (an optional payload)."""
    return schema["schema"] if schema["type"] == "default" else schema


def series_validators(cls: type[BaseModel]) -> dict[str, pydantic_core.SchemaValidator]:
    """Each choice of ``cls``'s series_choice as a validator of its own (built on first use)."""
    found = Registry.series_validators.get(cls)
    if found is not None:
        return found
    schema: Any = cls.__pydantic_core_schema__
    outer, union = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    union = _model_validators(union)[1]
    # a stand-in class: pydantic-core would take ``cls``'s own validator (the tagged union) for a
    # model schema naming ``cls``; assignment writes the instance's __dict__ whatever the class
    stand_in = type(cls.__name__, (), {})
    out = {}
    for tag, choice in union["choices"].items():
        model = {**choice, "cls": stand_in}
        core = cast("pydantic_core.CoreSchema", {**outer, "schema": model} if outer else model)
        out[tag] = pydantic_core.SchemaValidator(core, choice.get("config"))  # the core config pydantic gave the class
    Registry.series_validators[cls] = out
    return out


def validate_assignment(model: BaseModel, name: str, value: Any) -> None:
    """``validate_assignment``; where the series selects the payload's shape, with the validator
    of the shape the series (after the assignment) selects: setting the series checks the
    payload against its shape too, and leaves the message as it was when it does not fit."""
    cls = type(model)
    tag_of = Registry.series_taggers.get(cls)
    if tag_of is None:
        model.__pydantic_validator__.validate_assignment(model, name, value, context=PYTHON_VALUES)
        return
    validator = series_validators(cls)[tag_of({"series": value if name == "series" else model.__dict__.get("series")})]
    before = model.__dict__.get("series")
    validator.validate_assignment(model, name, value, context=PYTHON_VALUES)
    if name == "series":
        try:
            validator.validate_assignment(model, "payload", model.__dict__.get("payload"), context=PYTHON_VALUES)
        except ValidationError:
            held: dict[str, Any] = model.__dict__  # pyright: ignore[reportAssignmentType]  # an instance's __dict__ is a dict
            held["series"] = before
            raise


class _LeafUnion:
    """Annotation on a union of scalar types (a scalar's ``x``: a number, a numeric string or
    null): one error at the value's own path whose message lists what each branch accepts,
    instead of one error per branch, each under a label naming the branch's schema."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        schema = handler(source)
        union = schema["schema"] if schema["type"] == "nullable" else schema
        if union["type"] == "union":
            expected: list[str] = []
            for choice in union["choices"]:
                core = choice[0] if isinstance(choice, tuple) else choice
                if core.get("type") == "json-or-python":  # the JSON door's check is the schema's
                    core = core["json_schema"]
                if core.get("type") == "str" and core.get("pattern"):  # what the branch accepts
                    text = f"a string matching {core['pattern']}"
                else:
                    try:  # what the branch says of a value it cannot take
                        pydantic_core.SchemaValidator(core).validate_python(_NOTHING)
                        continue
                    except ValidationError as exc:
                        text = exc.errors()[0]["msg"].removeprefix("Input should be ")
                if text not in expected:
                    expected.append(text)
            if schema["type"] == "nullable":
                expected.append("null")
            union["custom_error_type"] = "union_type"
            union["custom_error_message"] = "Input should be " + "; or ".join(expected)
        return schema  # type: ignore[no-any-return]  # the handler's core schema

    def __repr__(self) -> str:
        return "_LeafUnion()"


LEAF_UNION = _LeafUnion()


class WireTag:
    """Annotation after ``Field(discriminator=name)``: the tagged union pydantic built looks the tag
    up under the field's wire key alone. pydantic looks it up under the Python name too, and
    the typed event it picks then fills its wire key with its default: a frame holding
    ``event_type`` and no ``eventType`` would be read as that event (wire names only on the wire)."""

    __slots__ = ("wire",)

    def __init__(self, wire: str):
        self.wire = wire

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        schema = handler(source)
        if schema["type"] != "tagged-union":
            raise TypeError(f"WireTag needs a tagged union, not {schema['type']!r}")
        return cast("pydantic_core.CoreSchema", {**schema, "discriminator": self.wire})

    def __repr__(self) -> str:
        return f"WireTag({self.wire!r})"
_NOTHING = object()  # no scalar schema accepts it
