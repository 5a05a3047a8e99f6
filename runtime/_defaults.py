"""Values the package fills in itself: a message's timestamp, and the installed neetbox's version.

``get_timestamp`` is the envelope's ``timestamp`` default factory (emitters.DEFAULT_FACTORIES);
``InstalledVersion`` backs ``VERSION``/``NEETBOX_VERSION``. Neither validates anything.
"""

from __future__ import annotations

import time
from datetime import datetime as _datetime

from .constants import DATETIME_FORMAT

__all__ = ["InstalledVersion", "get_timestamp"]


def get_timestamp(datetime: _datetime | None = None) -> str:
    """Format ``datetime`` (default: now, local time) with ``DATETIME_FORMAT``."""
    if datetime is None and _ISO_FORMAT:  # the same text, without strftime's parsing of the format
        return _datetime.now().isoformat(timespec="microseconds")
    return (datetime or _datetime.now()).strftime(DATETIME_FORMAT)


# ``isoformat`` of a naive datetime (``now()``) is exactly ``DATETIME_FORMAT``'s text when that is
# the ISO form (four-digit years, which ``now()`` has)
_ISO_FORMAT = DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%f"


class InstalledVersion:
    """The version of an installed distribution, re-read on access once the value is older than
    ``max_age`` seconds: neetbox's original refreshes ``VERSION`` every 60 s with a timer thread
    so that a long-running server follows an upgrade of neetbox; this does the same without a
    thread. ``fallback`` when the distribution is not installed. ``clock`` and ``reader`` are
    there for tests (a fake clock, a fake installed version)."""

    def __init__(self, dist: str, fallback: str, max_age: float = 60.0):
        self.dist, self.fallback, self.max_age = dist, fallback, max_age
        self.clock = time.monotonic
        self.reader = self._installed
        self._value: str | None = None
        self._read_at = 0.0

    def get(self) -> str:
        now = self.clock()
        if self._value is None or now - self._read_at >= self.max_age:
            self._value, self._read_at = self.reader(self.dist) or self.fallback, now
        return self._value

    @staticmethod
    def _installed(dist: str) -> str | None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(dist)
        except PackageNotFoundError:
            return None
