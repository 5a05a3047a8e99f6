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


VECTORS_FILE = ROOT / "tests" / "conformance" / "vectors.json"


def unknown_event_type(name: str, known) -> str:
    """``name`` if this version does not know it; else a name of the same length and alphabet
    that it does not know (the last characters changed): what a vector about an unknown event
    type means, whatever event types a later version adds."""
    if name not in known:
        return name
    alphabet = "zyxwvutsrqponmlkjihgfedcba9876543210_"
    for end in range(1, len(name) + 1):
        for tail in _tails(alphabet, end):
            candidate = name[: len(name) - end] + tail
            if candidate not in known and not candidate[0].isdigit():
                return candidate
    raise AssertionError(f"no unknown event type of the form of {name!r}")


def _tails(alphabet: str, n: int):
    if n == 0:
        yield ""
        return
    for c in alphabet:
        for rest in _tails(alphabet, n - 1):
            yield c + rest


@lru_cache(maxsize=1)
def conformance_vectors() -> list[dict]:
    """tests/conformance/vectors.json's vectors; one marked ``unknownEventType`` gets a name this
    version does not know (``unknown_event_type``), so a new event type never needs a vector edited."""
    known = set(schema_model.event_types(schemas()))
    vectors = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]
    for v in vectors:
        if v.get("unknownEventType"):
            v["message"]["eventType"] = unknown_event_type(v["message"]["eventType"], known)
    return vectors


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
