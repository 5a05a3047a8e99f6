"""``ProtocolError``: the one exception every bad input raises, and how pydantic's errors become it.

Holds the exception classes, the formatting of a location (a tuple of keys and indexes, kept as a
tuple until an error is built, formatted once, in wire names) and the closest-shape choice among
a union's branches. It must not validate anything itself nor keep state (the labels it drops come
from the registry).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from ._limits import MAX_ERRORS
from ._registry import Registry
from ._text import escape

__all__ = ["ProtocolArgumentError", "ProtocolError", "format_path"]


class ProtocolError(ValueError):
    """Raised for every message that does not follow the protocol.

    ``str(err)`` names the first problems (``SHOWN``) by their field path, e.g. ``eventId: Input
    should be a valid integer``, then how many more there are, each path and message cut to
    ``SHOWN_CHARS`` characters: short, so that a server that logs every refused frame does not pay
    for a long text (a key of a million characters is a path that long). ``err.errors`` lists
    every problem in full as ``{"path": "payload.x", "message": ..., "type": ...}``.
    """

    #: how many problems ``str(err)`` names
    SHOWN = 3
    #: how many characters of a path or a message ``str(err)`` shows (then ``...``)
    SHOWN_CHARS = 200

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        text = "; ".join(f"{_shown(e['path']) or '<message>'}: {_shown(e['message'])}" for e in errors[: self.SHOWN])
        if len(errors) > self.SHOWN:
            text += f"; and {len(errors) - self.SHOWN} more (see .errors)"
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        """pickle, copy and deepcopy rebuild the error from its ``errors`` (a worker process of a
        ``ProcessPoolExecutor`` may raise one): ``Exception``'s own would call ``__init__`` with
        the message text."""
        return (type(self), (self.errors,), self.__dict__ or None)

    @classmethod
    def at(cls, path: str | tuple[Any, ...], message: str, type_: str = "value_error") -> ProtocolError:
        """One problem at ``path`` (a wire path, or a location tuple that ``format_path`` writes)."""
        return cls([{"path": path if isinstance(path, str) else format_path(path), "message": message, "type": type_}])

    @classmethod
    def unreadable(cls, exc: Exception, path: str | tuple[Any, ...] = "") -> ProtocolError:
        """A value given to a door whose own code failed while it was read (its ``__hash__``,
        ``__eq__``, ``__iter__``, ``__getitem__``...): the door's one error, the failure as its
        cause (``raise ... from exc``)."""
        return cls.at(path, f"a value could not be read: {type(exc).__name__}: {exc}", "conversion_error")

    @classmethod
    def from_validation_error(cls, exc: ValidationError, prefix: tuple[str, ...] = ()) -> ProtocolError:
        """One entry per field path; alternatives of a union are joined with " or "; at most
        ``MAX_ERRORS`` entries, then one that counts the errors left out. ``prefix``: where the
        validated value sits in the message (``("payload",)`` for a payload model)."""
        raw: list[Any] = exc.errors(include_url=False, include_input=False)  # pydantic's ErrorDetails (the input left out: it may be the whole message, copied per error)
        kept = _closest_shape(raw)
        by_path: dict[str, list[dict[str, Any]]] = {}
        left_out = 0
        for n, found in enumerate(kept):
            err: dict[str, Any] = {**found, "loc": (*prefix, *found["loc"])} if prefix else found
            if err["type"] == "union_tag_not_found":
                err = {**err, "loc": ("eventType",), "msg": "Field required"}
            elif err["type"] == "union_tag_invalid":
                err = {**err, "loc": ("eventType",), "msg": f"unknown event type {err['ctx']['tag']!r} (strict mode)"}
            path = _format_loc(err["loc"])
            if path not in by_path and len(by_path) == MAX_ERRORS:  # enough: the rest are counted, not formatted
                left_out = len(kept) - n
                break
            by_path.setdefault(path, []).append(err)
        errors = [{"path": path, "message": " or ".join(dict.fromkeys(e["msg"] for e in errs)), "type": errs[0]["type"]}
                  for path, errs in by_path.items()]  # fmt: skip
        if left_out:
            errors.append({"path": "", "message": f"and {left_out} more error(s)", "type": "too_many_errors"})
        return cls(errors)


class ProtocolArgumentError(ProtocolError, TypeError):
    """A call the original ``EventMsg`` refused with ``TypeError`` (a missing or repeated
    argument, a ``max_bytes`` that is not an int): both a ``ProtocolError`` and a ``TypeError``."""


def format_path(path: tuple[Any, ...]) -> str:
    """A location the walker of Python input keeps as nested pairs, ``((((), "payload"), "a"), 0)``,
    as a wire path: ``payload.a[0]``. Built once, when an error is raised."""
    items: list[Any] = []
    while path:
        path, item = path
        items.append(item)
    out: list[str] = []
    for item in reversed(items):
        if isinstance(item, int):
            out.append(f"[{item}]")
        else:
            out.append(f".{item}" if out else item)
    return "".join(out)


def _closest_shape(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """When a value fit none of the object shapes of a union (a status payload: platform, config
    or action registry), only the errors of the shape it came closest to: the fewest missing
    keys, then the fewest errors (``@action(blocking="x")`` reports ``payload.act.blocking``,
    not the keys a platform section would need)."""
    labels, any_series = Registry.labels, Registry.any_series_tags
    groups: dict[tuple[Any, ...], dict[str, list[dict[str, Any]]]] = {}
    rest: list[dict[str, Any]] = []
    for err in errors:
        loc = err["loc"]
        at = next((i for i, item in enumerate(loc) if isinstance(item, str) and i + 1 < len(loc)
                   and (item in labels or item.startswith(("dict[", "list[")))
                   and item not in any_series), None)  # fmt: skip
        if at is None:
            rest.append(err)
        else:
            groups.setdefault(loc[:at], {}).setdefault(loc[at], []).append(err)
    if not groups:
        return errors
    kept = list(rest)
    for branches in groups.values():
        closest: list[dict[str, Any]] = min(branches.values(), key=lambda errs: (sum(e["type"] == "missing" for e in errs), len(errs)))
        kept += closest
    return kept


#: pydantic's labels of schema kinds in an error's location (``union[...]``, ``function-after[...]``)
_SCHEMA_LABEL = re.compile(r"^(union|tagged-union|function-\w+|constrained-\w+|json-or-python|literal|list|dict|nullable|typed-dict)(\[.*\])?$")
_TYPE_LABELS = frozenset({"int", "float", "str", "bool", "none", "bytes"})


def _format_loc(loc: tuple[Any, ...]) -> str:
    """('payload', 'union[...]', 'ScalarPoint', 'x', 'union[...]', 'int') -> 'payload.x': drop
    pydantic's labels of union branches and schema kinds, keep wire keys and list indexes."""
    labels, wire_names = Registry.labels, Registry.wire_names
    parts: list[str] = []
    after_union = False
    last = len(loc) - 1
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
            after_union = False
            continue
        # a union of scalar types labels its branches 'int', 'float', ... as the last item, with or
        # without a 'union[...]' item before it (no schema key is named like a Python type)
        type_label = item in _TYPE_LABELS and (after_union or i == last)
        if _SCHEMA_LABEL.match(item) or item in labels or type_label:
            after_union = item.startswith(("union", "tagged-union"))
            continue
        after_union = False
        parts.append(("." if parts else "") + (item if parts else wire_names.get(item, item)))  # pyright: ignore[reportOperatorIssue, reportUnknownArgumentType]  # a str
    return "".join(parts)


def _shown(text: str) -> str:
    """``text`` as ``str(err)`` shows it: at most ``SHOWN_CHARS`` characters, escaped."""
    limit = ProtocolError.SHOWN_CHARS
    return escape(text) if len(text) <= limit else escape(text[:limit]) + "..."
