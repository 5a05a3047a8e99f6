"""Baseline (c): the ``jsonschema`` reference validator (Draft 2020-12) checking the parsed dict
against schema/message.schema.json (the envelope, and the payload per ``eventType``).

Only the validation is timed: the dict is parsed beforehand (``json.loads``), so this figure
leaves out the parse that every other ``loads`` figure includes. It builds no object either.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def make_validator() -> Draft202012Validator:
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        if "baselines" in path.relative_to(SCHEMA_DIR).parts:
            continue
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    message = json.loads((SCHEMA_DIR / "message.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator({"$ref": message["$id"]}, registry=registry)


validator = make_validator()


def validate(obj: dict) -> None:
    """Raises jsonschema.ValidationError on the first problem."""
    validator.validate(obj)
