"""The core-schema edits pydantic leaves no other way to make, all in this one module.

pydantic builds a model's validator from its annotations; two behaviours of the protocol need the
built core schema itself (plain dicts) to be rewritten:

- ``series_choice``: a typed event whose envelope ``series`` selects its payload's shape (the
  status event): a tagged union, keyed on ``series``, of copies of the model's own schema, each
  with the selected shape alone as its payload; and ``series_validators``, each choice as a
  validator of its own, for attribute assignment (pydantic-core assigns a field with a model's
  validator, never a tagged union's);
- ``field_validators``: each field's own validator, read from the model's schema, for the assignment
  of a field whose value has a bounded size (pydantic's ``validate_assignment`` copies every
  field of the instance to set one);
- ``LEAF_UNION``: one error for a union of scalar types, whose message lists what each branch
  accepts (read from the branches' own schemas);
- ``gated``: a message class named by another schema (``TypeAdapter(Message)``, a FastAPI body, a
  field of another model) validates through the size gate after its own validator (``_size.gate``):
  pydantic's doors have no other place to size what they build. The class's own validator is left
  as it is (a model validator would cost every ``loads``, which sizes its messages itself);
- ``WireTag``: the typed events' union of ``loads``' fast path: the tag read under the field's wire
  key only (pydantic also reads the Python name, so ``{"event_type": "scalar"}`` would pick the
  scalar event), and its choices without the size gate (``loads`` sizes what it reads).

Nothing else in the runtime reads or writes a core schema. What these learn of a class is kept in
the registry (``Registry.series_taggers``, ``Registry.series_validators``).
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (this module walks core schemas of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, cast

import pydantic_core
from pydantic import BaseModel, ValidationError

from . import _size
from ._annotations import PYTHON_VALUES
from ._registry import Registry, SeriesShapes

__all__ = ["FIRST_ERROR", "LEAF_UNION", "WireTag", "field_validators", "gated", "series_choice", "validate_assignment"]


def series_choice(cls: type[BaseModel], source: Any, handler: Any, shapes: SeriesShapes) -> pydantic_core.CoreSchema:
    """The core schema of a typed event whose envelope ``series`` selects its payload's shape
    (message.schema.json's ``allOf`` of ``if series const ... then payload ...``, the generated
    registry's ``SERIES_SHAPES``: series -> branch tag of the payload union).

    One class, several validators: a tagged union, keyed on ``series``, of copies of the model's
    own schema whose payload is the selected branch alone; any other series (or none) takes the
    model as it is (the payload's union of every shape). Every choice builds ``cls``, so
    ``type(msg) is cls``; a choice's tag is the shape's name (``PlatformInfo``; the payload's,
    ``StatusPayload``, for any other series), a label error paths drop like the union's own."""
    built: Any = handler(source)
    if cls.__dict__.get("__pydantic_complete__"):
        # the class's schema, built already (another model or union names the class): as it is,
        # the size gate around the union. (pydantic-core reuses a class's own validator for a
        # model schema only where that validator is the model's alone, not under the gate: the
        # choices inside are used as they are, one dispatch)
        return cast("pydantic_core.CoreSchema", built)
    schema: Any = _ungated(built)  # core schemas as plain dicts: copied and rewritten below
    outer, model = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    if model["type"] in ("tagged-union", "definition-ref"):
        return cast("pydantic_core.CoreSchema", schema)
    if model["type"] != "model":
        raise TypeError(f"{cls.__name__}: series_choice needs a model schema, not {model['type']!r}")
    fields = model["schema"]["fields"]
    union = _unwrapped(fields["payload"]["schema"])
    if union["type"] != "union":
        raise TypeError(f"{cls.__name__}: the payload is not a union of shapes")
    branches: dict[str, Any] = {c[1]: c[0] for c in union["choices"] if isinstance(c, tuple)}
    base: dict[str, Any] = {k: v for k, v in model.items() if k != "ref"}
    by_series, any_series = dict(shapes.by_series), shapes.any_series

    choices: dict[Hashable, Any] = {}

    def union_js(core: Any, js_handler: Any) -> Any:
        """The JSON Schema pydantic gives the class (FastAPI's OpenAPI): one schema, not a oneOf
        of the choices -- the model with the union of every shape, and the schema's if/then rules
        beside it, so it judges a message as the schemas do."""
        json_schema = js_handler(choices[any_series])
        target = js_handler.resolve_ref_schema(json_schema)
        target["allOf"] = [*target.get("allOf", []), *(
            {"if": {"properties": {"series": {"const": series}}, "required": ["series"]},
             "then": {"properties": {"payload": js_handler(branches[label])}}} for series, label in by_series.items())]
        return json_schema


    for label in dict.fromkeys(by_series.values()):
        payload = {**fields["payload"], "schema": branches[label]}
        choices[label] = {**base, "schema": {**model["schema"], "fields": {**fields, "payload": payload}}}
    # last: the choice for any other series (or none), the model as it is
    choices[any_series] = base

    def tag_of(value: Any) -> str:
        # a message as any Mapping (an OrderedDict), a series as any str (numpy's str_, a StrEnum
        # member), as the fields take them: the shape their plain text selects
        series: object = value.get("series") if isinstance(value, Mapping) else getattr(value, "series", None)
        return by_series.get(str.__str__(series), any_series) if isinstance(series, str) else any_series

    Registry.series_taggers[cls] = tag_of
    chosen = pydantic_core.core_schema.tagged_union_schema(choices, tag_of, ref=model.get("ref"), metadata={"pydantic_js_functions": [union_js]})
    return _gate({**outer, "schema": chosen} if outer is not None else chosen)


def _unwrapped(schema: dict[str, Any]) -> dict[str, Any]:
    """A payload's union under a ``default`` wrapper (an optional payload)."""
    return schema["schema"] if schema["type"] == "default" else schema


def series_validators(cls: type[BaseModel]) -> dict[str, pydantic_core.SchemaValidator]:
    """Each choice of ``cls``'s series_choice as a validator of its own (built on first use)."""
    found = Registry.series_validators.get(cls)
    if found is not None:
        return found
    schema: Any = _ungated(cls.__pydantic_core_schema__)
    outer, union = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
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


def field_validators(cls: type[BaseModel]) -> dict[str, pydantic_core.SchemaValidator]:
    """The validator of each field of ``cls``, as its model schema holds it (with the model's
    definitions and core config): what ``validate_assignment`` runs for that field, without
    copying the instance's fields. Built on first use, kept in the registry."""
    found = Registry.field_validators.get(cls)
    if found is not None:
        return found
    schema: Any = _ungated(cls.__pydantic_core_schema__)
    outer, model = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    if model["type"] == "tagged-union":  # series_choice: the choices differ only in the payload
        model = model["choices"][next(reversed(model["choices"]))]
    out = {}
    for name, field in model["schema"]["fields"].items():
        core = cast("pydantic_core.CoreSchema", {**outer, "schema": field["schema"]} if outer else field["schema"])
        out[name] = pydantic_core.SchemaValidator(core, model.get("config"))
    Registry.field_validators[cls] = out
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
_NOTHING = object()  # no scalar schema accepts it


class _FirstError:
    """Annotation on an array or a map of items in a payload's shape (``list[X]``,
    ``dict[str, X]``): validation stops at the first bad item (pydantic-core's ``fail_fast``), so
    a message's errors are bounded by its schema, not by its size. A 1 MB array of 262 000 bad
    items made as many errors, which pydantic built and the package read: seconds and gigabytes
    per MB. (pydantic's own ``FailFast`` marks arrays only before pydantic 2.14.)"""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        schema = handler(source)
        if schema["type"] not in ("list", "dict"):
            raise TypeError(f"FIRST_ERROR needs an array or a map, not {schema['type']!r}")
        return cast("pydantic_core.CoreSchema", {**schema, "fail_fast": True})

    def __repr__(self) -> str:
        return "_FirstError()"


FIRST_ERROR = _FirstError()


#: marks the size gate's wrapper (``gated``), so that ``WireTag`` can take it off again
_GATE_MARK = "neetbox_protocol size gate"


def gated(cls: type[BaseModel], schema: Any) -> pydantic_core.CoreSchema:
    """``schema``, the core schema pydantic built for the message class ``cls`` itself, followed by
    the size gate (``_size.gate``); a schema that names ``cls`` once it is built (another model,
    a union, a ``TypeAdapter``) holds the gate already, as it is."""
    if cls.__dict__.get("__pydantic_complete__"):
        return cast("pydantic_core.CoreSchema", schema)
    return _gate(schema)


def _gate(schema: Any) -> pydantic_core.CoreSchema:
    """``schema`` followed by the size gate; the class's ref moves to the wrapper, so that a schema
    naming the class reuses the gated validator and JSON Schema still names the class."""
    outer, inner = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
    ref = inner.get("ref")
    inner = {k: v for k, v in inner.items() if k != "ref"}
    wrapped = pydantic_core.core_schema.with_info_after_validator_function(_size.gate, cast("pydantic_core.CoreSchema", inner), ref=ref, metadata={_GATE_MARK: True})
    return cast("pydantic_core.CoreSchema", {**outer, "schema": wrapped} if outer is not None else wrapped)


def _ungated(schema: Any) -> Any:
    """``schema`` without the size gate ``_gate`` put around it (the class's ref back on the schema
    inside)."""
    if schema["type"] == "definitions":
        return {**schema, "schema": _ungated(schema["schema"])}
    if schema["type"] == "function-after" and (schema.get("metadata") or {}).get(_GATE_MARK):
        inner = schema["schema"]
        return {**inner, "ref": schema["ref"]} if schema.get("ref") else inner
    return schema


class WireTag:
    """Annotation after ``Field(discriminator=name)`` on the typed events' union of ``loads``' fast
    path. The tagged union pydantic built looks the tag up under the field's wire key alone:
    pydantic looks it up under the Python name too, and the typed event it picks then fills its
    wire key with its default, so a frame holding ``event_type`` and no ``eventType`` would be
    read as that event (wire names only on the wire). Its choices are the classes' own
    validators, without the size gate: ``loads`` sizes what it reads (``EnvelopeBase._loaded``)."""

    __slots__ = ("wire",)

    def __init__(self, wire: str):
        self.wire = wire

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        schema = handler(source)
        outer, union = (schema, schema["schema"]) if schema["type"] == "definitions" else (None, schema)
        if union["type"] != "tagged-union":
            raise TypeError(f"WireTag needs a tagged union, not {union['type']!r}")
        choices = {}
        for tag, choice in union["choices"].items():
            if choice["type"] == "definition-ref":  # the class, named: its schema itself
                choice = handler.resolve_ref_schema(choice)
            choice = _ungated(choice)
            choices[tag] = {k: v for k, v in choice.items() if k != "ref"}  # this union's own copy
        union = {**union, "discriminator": self.wire, "choices": choices}
        return cast("pydantic_core.CoreSchema", {**outer, "schema": union} if outer is not None else union)

    def __repr__(self) -> str:
        return f"WireTag({self.wire!r})"
