"""The published JSON Schemas, read from the installed package (``importlib.resources``).

``schema_names()`` lists them; ``schema(name)`` returns one as a new dict. ``bundle`` is every
schema in one file: each is embedded under ``$defs`` with its own ``$id``, so ``$ref``s resolve
unchanged (JSON Schema 2020-12 bundling, section 9.3).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sys

    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

__all__ = ["BUNDLE", "schema", "schema_names"]

#: The name of the bundled schema (every schema embedded in one file).
BUNDLE = "bundle"
_SUFFIX = ".schema.json"


def _root() -> Traversable:
    return resources.files(__package__) / "schemas"  # pyright: ignore[reportArgumentType]  # set: a module of a package


def schema_names() -> list[str]:
    """Every published schema's name (its path under ``schemas/`` without ``.schema.json``),
    sorted, e.g. ``["bundle", "common", ..., "payloads/scalar", ...]``."""
    names: list[str] = []
    stack: list[tuple[str, Traversable]] = [("", _root())]
    while stack:
        prefix, folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append((f"{prefix}{entry.name}/", entry))
            elif entry.name.endswith(_SUFFIX):
                names.append(prefix + entry.name.removesuffix(_SUFFIX))
    return sorted(names)


def schema(name: str = "protocol") -> dict[str, Any]:
    """One published schema as a new dict: ``schema("message")``, ``schema("payloads/scalar")``,
    ``schema("bundle")`` (``.schema.json`` may be given). Raises ``KeyError`` listing the names
    for an unknown one."""
    stem = name.removesuffix(_SUFFIX)
    names = schema_names()
    if stem not in names:
        raise KeyError(f"no schema named {name!r}; known: {', '.join(names)}")
    document: dict[str, Any] = json.loads((_root().joinpath(*f"{stem}{_SUFFIX}".split("/"))).read_text(encoding="utf-8"))
    return document
