"""The limits every door applies: how large, how deep, how long a message may be.

Holds constants only; it must not import anything of the package (every module may import it).
"""

from __future__ import annotations

from typing import Final

import pydantic_core

__all__ = ["DEFAULT_MAX_BYTES", "MAX_DEPTH", "MAX_ERRORS", "MAX_INT_DIGITS"]

#: Largest message any door accepts by default: its UTF-8 bytes written out (``dumps``).
#: Pass ``max_bytes=`` to ``loads`` to change it per call.
DEFAULT_MAX_BYTES: Final = 16 * 1024 * 1024

#: Most arrays/objects around any value of a message, the message object included (a payload's
#: innermost value sits in at most MAX_DEPTH - 1 of its own): the limit of pydantic's JSON parser
#: (a deeper document is not JSON it reads), so every door takes what JSON text can carry and a
#: message read from a dict can be written out and read back.
MAX_DEPTH: Final = 200

#: Longest integer, in decimal digits: what pydantic's JSON parser and Python's ``int(str)``
#: read (``sys.get_int_max_str_digits()``'s default).
MAX_INT_DIGITS: Final = 4300
INT_BOUND: Final = 10**MAX_INT_DIGITS


def _json_reads(text: str) -> bool:
    try:
        pydantic_core.from_json(text)
    except ValueError:
        return False
    return True


#: the most negative integer every door takes: -(10**MAX_INT_DIGITS - 1), or one digit less where
#: pydantic-core's JSON parser counts the minus sign among the digits (pydantic-core 2.41, pydantic
#: 2.12's, does; 2.50 does not), so that what a Python door accepts JSON text reads back
NEG_INT_BOUND: Final = INT_BOUND if _json_reads("-" + "9" * MAX_INT_DIGITS) else INT_BOUND // 10
#: the integer limit, in words
INT_LIMIT: Final = f"{MAX_INT_DIGITS} digits" + ("" if NEG_INT_BOUND == INT_BOUND else f" ({MAX_INT_DIGITS - 1} for a negative one)")

#: Most problems a ``ProtocolError`` lists; the rest are counted in one last entry.
MAX_ERRORS: Final = 100
