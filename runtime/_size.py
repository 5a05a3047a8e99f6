"""The size gate: a message is at most its limit in bytes written out (UTF-8), whichever door.

Every door ends here. The package's own doors check the size themselves, with their own limit
(``loads``' ``max_bytes``; the default for the constructor, assignment and ``merge``) and tell the
model's validator so through the validation context (``PYTHON_VALUES``, ``SIZED``); any other
door -- pydantic's ``model_validate``/``model_validate_json``, ``TypeAdapter(Message)``, a FastAPI
body, a ``Message`` field of another model -- is checked by the envelope's own validator
(``gate``) against ``DEFAULT_MAX_BYTES``.

How: JSON text is never longer written out than ``TEXT_GROWTH`` times its length in characters
plus ``DEFAULTS_ROOM`` (a character is at most 4 bytes of UTF-8; a number token at most 4.5
times its text: ``1e15`` -> ``1000000000000000.0``; the keys a reader fills in are a few hundred
bytes), so text that small is admitted without writing it out. Otherwise (and for Python input,
after a cheap upper bound of its size) the message is written out and measured: linear in its
size, and only for messages near the limit. It keeps no state.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Final

import pydantic_core
from typing_extensions import LiteralString

from ._annotations import PYTHON_VALUES
from ._errors import ProtocolError
from ._limits import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from ._envelope import EnvelopeBase

__all__ = ["SIZED", "bound", "check_text", "gate", "text_length"]

#: The validation context of ``loads``' JSON text, whose size ``loads`` checks itself (its own
#: ``max_bytes``).
SIZED: dict[str, str] = {"neetbox_protocol": "sized by the door"}

#: Most bytes one character of JSON text can take written out (a number token: 4.5).
TEXT_GROWTH: Final = 5
#: Most bytes the keys a reader fills in (``timestamp``, ``historyLen``...) add written out.
DEFAULTS_ROOM: Final = 1024


def text_length(src: str | bytes | bytearray | memoryview) -> int:
    """Bytes of JSON text (a str: its characters, a lower bound of its UTF-8 bytes)."""
    return src.nbytes if isinstance(src, memoryview) else len(src)


def check_text(msg: EnvelopeBase, length: int, limit: int) -> None:
    """``msg``, read from JSON text of ``length`` characters or bytes, is at most ``limit``
    bytes written out."""
    if TEXT_GROWTH * length + DEFAULTS_ROOM > limit:
        msg._check_size(limit, bound=False)  # pyright: ignore[reportPrivateUsage]  # the runtime's own method


def bound(msg: EnvelopeBase) -> int:
    """An upper bound of ``msg``'s size written out, in C: the free-form parts (the payload, the
    series, unknown keys) written out, plus room for the bounded keys (ids of at most 128
    characters, an event type of 63, a timestamp...). Large when they cannot be written (a value
    changed in place): the caller writes the message out, which names the problem."""
    d = msg.__dict__
    payload, series, extra = d["payload"], d["series"], msg.__pydantic_extra__
    most = DEFAULTS_ROOM if series is None else DEFAULTS_ROOM + 6 * len(series)
    try:
        if payload is not None:
            most += len(_to_json(payload, inf_nan_mode="strings"))
        if extra:
            most += len(_to_json(extra, inf_nan_mode="strings"))
    except (pydantic_core.PydanticSerializationError, ValueError, RecursionError, OverflowError):
        return sys.maxsize
    return most


_to_json = pydantic_core.to_json


def gate(msg: EnvelopeBase, info: Any) -> EnvelopeBase:
    """The envelope's last check (an after validator): a message from a door that does not size
    it itself is at most ``DEFAULT_MAX_BYTES`` written out; pydantic's error ``too_large``."""
    context = info.context
    if context is PYTHON_VALUES or context is SIZED or bound(msg) <= DEFAULT_MAX_BYTES:
        return msg
    try:
        msg._check_size(DEFAULT_MAX_BYTES, bound=False)  # pyright: ignore[reportPrivateUsage]  # the runtime's own method
    except ProtocolError as err:
        problem = err.errors[0]
        error_type: LiteralString = "too_large" if problem["type"] == "too_large" else "unserializable"
        raise pydantic_core.PydanticCustomError(error_type, "{reason}", {"reason": problem["message"]}) from None
    return msg
