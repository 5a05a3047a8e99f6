"""Shared helpers of the test suite: data files, JSON equality, the reference schema validator."""

from __future__ import annotations

import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path

import jsonschema
from jsonschema import Draft202012Validator
from referencing import Registry

import schema_model

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SCHEMA_DIR = schema_model.SCHEMA_DIR
SHARED = ROOT.parent / "shared"


@lru_cache(maxsize=1)
def schemas() -> dict[str, dict]:
    """schema/ as schema_model reads it (every fact the tests derive comes from here). Treat it as
    read-only: it is shared."""
    return schema_model.load()


def wire_vectors() -> list[dict]:
    with open(DATA / "neetbox-0.6.0-wire.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def seed_names() -> dict:
    return json.loads((DATA / "seed-names.json").read_text(encoding="utf-8"))


def same(a, b) -> bool:
    """JSON-value equality: NaN equals NaN, -0.0 differs from 0.0, 1 differs from 1.0 and True."""
    if isinstance(a, str) and isinstance(b, str):  # a str Enum member equals its value
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def _ecma_pattern(validator, pattern, instance, schema):
    """JSON Schema patterns are ECMA-262 regexes, where `$` matches only at the very end.
    Python's `re.search` also lets `$` match before a trailing newline, so `abc\\n` would pass
    `^[a-z]+$`; pydantic (Rust regex) and ajv reject it. Use `\\Z` semantics, as ECMA does."""
    if not validator.is_type(instance, "string"):
        return
    python_pattern = re.sub(r"(?<!\\)\$(?=\)*$|\|)", r"\\Z", pattern)
    if not re.search(python_pattern, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


ECMAValidator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


@lru_cache(maxsize=1)
def registry() -> Registry:
    # without "$schema", a referenced file is checked by the referring validator's class
    # (ECMAValidator) instead of the stock class its dialect names
    return schema_model.registry({rel: {k: v for k, v in s.items() if k != "$schema"} for rel, s in schemas().items()})


@lru_cache(maxsize=None)
def schema_validator(ref: str = "message.schema.json") -> Draft202012Validator:
    base = schema_model.base_uri(schemas(), schema_model.MESSAGE_FILE).rsplit("/", 1)[0]
    return ECMAValidator({"$ref": f"{base}/{ref}"}, registry=registry())


def examples(n: int) -> int:
    """Hypothesis max_examples: n, scaled by $NEETBOX_PROTOCOL_EXAMPLES_SCALE (default 1).
    `make matrix` runs the suite on other Pythons at a quarter of the examples (it checks that
    the wheel works there; `make test` searches at full strength)."""
    return max(10, round(n * float(os.environ.get("NEETBOX_PROTOCOL_EXAMPLES_SCALE", "1"))))
