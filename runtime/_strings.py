"""String value types with rules pydantic has no keyword for: an id's excluded patterns.

``SchemaString(rule)`` validates a string type of common.schema.json from the ``StringRule``
codegen wrote into the generated registry: ``minLength``, ``maxLength`` and ``pattern``
(pydantic-core's Rust regex), then every ``not: {pattern}`` of the type, which pydantic has no
keyword for (Python's ``re.search``, as stock jsonschema reads it; the value has matched
``pattern`` by then, and the characters that pattern admits read alike in ECMA-262, Python and
Rust). Codegen has already left out a line-break rule the pattern implies. ``OPEN_EVENT_TYPE``
refuses a known event type in the open envelope. Nothing here reads a schema file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pydantic_core

from ._registry import Registry

__all__ = ["OPEN_EVENT_TYPE", "SchemaString", "StringRule"]


@dataclass(frozen=True)
class StringRule:
    """The rules of one string value type (the generated registry's ``IDENTIFIER``, ...)."""

    name: str  #: the schema's title of the type (``Identifier``)
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    #: each ``not`` pattern the value must not match, with the reason an error gives (`` (not a ...)``)
    excluded: tuple[tuple[str, str], ...] = ()
    #: whether the schema's line-break rule was left out of ``excluded``: the pattern implies it
    #: (schema_model.line_break_implied, decided by codegen)
    line_break_implied: bool = False
    #: the published schema's words for pydantic's JSON Schema of the type (title, description,
    #: its ``not``/``allOf`` rules, examples), so that a FastAPI OpenAPI says what the schema says
    json_schema: Mapping[str, Any] = field(default_factory=dict[str, Any])


_EXCLUDED_MESSAGE = "String should not match pattern '{pattern}'{why}"

#: ``not`` pattern -> a Rust regex (no look-around) that matches only strings the ``not`` rule
#: lets through: a value it matches skips the Python check of that rule (most ids: a UUID's stem
#: is 36 characters, no device name's). A sufficient condition, not the complement: a value it
#: does not match is checked in Python as before. tests/test_fast_paths.py checks both agree.
EXCLUSION_FAST_PATHS: dict[str, str] = {
    "\\n": "^[^\\n]*$",
    # a device name's stem (what precedes the first dot) has 3 or 4 characters and starts with
    # one of C P A N L: any other first character, or a stem of 1, 2 or 5+ characters, passes
    "^([Cc][Oo][Nn]|[Pp][Rr][Nn]|[Aa][Uu][Xx]|[Nn][Uu][Ll]|[Cc][Oo][Mm][0-9]|[Ll][Pp][Tt][0-9])(\\..*)?$":
        "^(?:[^CcPpAaNnLl.]|[^.]{5}|[^.]{1,2}(?:\\.|$))",
}


def excluded_check(rules: tuple[tuple[str, str], ...]) -> Callable[[str], str]:
    """The Python check of ``not`` rules: the first one a value matches raises its error."""
    compiled = [(re.compile(pattern), pattern, why) for pattern, why in rules]

    def check(value: str) -> str:
        for regex, pattern, why in compiled:
            if regex.search(value):
                raise pydantic_core.PydanticCustomError("string_pattern_excluded", _EXCLUDED_MESSAGE, {"pattern": pattern, "why": why})
        return value

    return check


def excluding(constrained: pydantic_core.CoreSchema, excluded: tuple[tuple[str, str], ...]) -> pydantic_core.CoreSchema:
    """``constrained`` then each ``not`` rule in order, as ``excluded_check`` checks them: where a
    rule has a fast path (``EXCLUSION_FAST_PATHS``), pydantic-core tries that regex first and calls
    the Python check only when it does not match; the rule's error is the one ``excluded_check``
    raises (the union's custom error, which is raised only when both branches refuse)."""
    cs = pydantic_core.core_schema
    if not excluded:
        return constrained
    if not all(pattern in EXCLUSION_FAST_PATHS for pattern, _ in excluded):
        return cs.no_info_after_validator_function(excluded_check(excluded), constrained)
    steps = [constrained]
    for pattern, why in excluded:
        steps.append(cs.union_schema(
            [cs.str_schema(pattern=EXCLUSION_FAST_PATHS[pattern]), cs.no_info_plain_validator_function(excluded_check(((pattern, why),)))],
            mode="left_to_right", custom_error_type="string_pattern_excluded",
            custom_error_message=_EXCLUDED_MESSAGE, custom_error_context={"pattern": pattern, "why": why},
        ))  # fmt: skip
    return cs.chain_schema(steps)


class SchemaString:
    """Annotation: a string value type validated by its ``StringRule``. Its JSON Schema is
    pydantic's for the constraints plus the published schema's words (``StringRule.json_schema``)."""

    __slots__ = ("rule",)

    def __init__(self, rule: StringRule) -> None:
        self.rule = rule

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        rule = self.rule
        constrained = pydantic_core.core_schema.str_schema(strict=True, min_length=rule.min_length, max_length=rule.max_length, pattern=rule.pattern)
        return excluding(constrained, rule.excluded)

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {**handler(core_schema), **self.rule.json_schema}

    def __repr__(self) -> str:
        return f"SchemaString({self.rule.name!r})"


def _open_event_type(value: str) -> str:
    if value in Registry.event_classes:
        raise pydantic_core.PydanticCustomError(
            "known_event_type",
            "'{event_type}' is a known event type: the open envelope would not check its payload; "
            "validate with neetbox_protocol.Message (TypeAdapter(Message), a Message-typed body), "
            "EventMsg.loads, or its typed class",
            {"event_type": value},
        )
    return value


class _OpenEventType:
    """Annotation on the open envelope's ``eventType``: the event types this version does not
    know. A known one belongs to its typed class; accepting it here would skip its payload check,
    so the untyped ``EventMsg`` (``TypeAdapter(EventMsg)``, a FastAPI body typed ``EventMsg``,
    attribute assignment) refuses it and names the door that checks it. The typed classes
    declare their own ``eventType`` (a ``Literal``) and do not run this."""

    __slots__ = ()

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> pydantic_core.CoreSchema:
        return pydantic_core.core_schema.no_info_after_validator_function(_open_event_type, handler(source))

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        # said in JSON Schema too, so that ``Message``'s oneOf has exactly one match; beside the
        # name's own ``not`` (its line-break guard), under ``allOf``
        schema: dict[str, Any] = handler(core_schema)
        known = {"not": {"enum": sorted(Registry.event_classes)}}
        if "not" not in schema:
            return {**schema, **known}
        return {**schema, "allOf": [*schema.get("allOf", ()), known]}

    def __repr__(self) -> str:
        return "_OpenEventType()"


OPEN_EVENT_TYPE = _OpenEventType()
