"""Shared helpers of the test suite: data files, JSON equality, the stock schema validator."""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=1)
def registry() -> Registry:
    return schema_model.registry(schemas())


@lru_cache(maxsize=None)
def schema_validator(ref: str = "message.schema.json") -> Draft202012Validator:
    """The stock jsonschema validator (Python `re` for patterns, the stock format checker) of a
    schema under schema/ -- what a Python peer following the README runs."""
    base = schema_model.base_uri(schemas(), schema_model.MESSAGE_FILE).rsplit("/", 1)[0]
    return Draft202012Validator({"$ref": f"{base}/{ref}"}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def examples(n: int) -> int:
    """Hypothesis max_examples: n, scaled by $NEETBOX_PROTOCOL_EXAMPLES_SCALE (default 1).
    `make matrix` runs the suite on other Pythons at a quarter of the examples (it checks that
    the wheel works there; `make test` searches at full strength)."""
    return max(10, round(n * float(os.environ.get("NEETBOX_PROTOCOL_EXAMPLES_SCALE", "1"))))
