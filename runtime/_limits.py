"""The limits every door applies: how large, how deep, how long a message may be.

Holds constants only; it must not import anything of the package (every module may import it).
"""

from __future__ import annotations

from typing import Final

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

#: Most problems a ``ProtocolError`` lists; the rest are counted in one last entry.
MAX_ERRORS: Final = 100
