"""Baseline (c): the ``jsonschema`` reference validator (Draft 2020-12) checking the parsed dict
against the published bundle, i.e. schema/message.schema.json (the envelope, and the payload per ``eventType``).

Only the validation is timed: the dict is parsed beforehand (``json.loads``), so this figure
leaves out the parse that every other ``loads`` figure includes. It builds no object either.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator

from neetbox_protocol import BUNDLE, schema


def make_validator() -> Draft202012Validator:
    # the published bundle: every schema embedded with its $id, its root a Message (it
    # validates exactly as the separate files do: tests/test_published_schemas.py)
    return Draft202012Validator(schema(BUNDLE))


validator = make_validator()


def validate(obj: dict) -> None:
    """Raises jsonschema.ValidationError on the first problem."""
    validator.validate(obj)
