"""Baseline (a): what neetbox 0.6.0's hand-written ``neetbox._protocol.EventMsg`` does.

Reproduced from neetbox 0.6.0 (MIT licence) and ../shared/reference/neetbox-protocol-api.md:
stdlib ``json`` + a ``@dataclass``, no validation. Only what the benchmark exercises is kept
(the envelope class, its key constants and ``get_timestamp``); ``VERSION = version("neetbox")``
is left out because it raises when neetbox is not installed. The method bodies are the
original's, line for line -- including ``loads`` calling ``get_timestamp()`` for every message
(the default argument of ``src.get`` is evaluated eagerly) and ``merge`` writing into a dict
first argument.

The original ``loads`` takes a ``str`` or a ``dict`` only (``bytes`` fail on ``src.get``), so
``loads_bytes`` is what a caller holding bytes has to do: ``json.loads`` them first.
"""

import json
from dataclasses import dataclass
from datetime import datetime as dt
from typing import Any, Union

PROJECT_ID_KEY = "projectId"
RUN_ID_KEY = "runId"
SERIES_KEY = "series"
EVENT_TYPE_KEY = "eventType"
EVENT_ID_KEY = "eventId"
IDENTITY_TYPE_KEY = "identityType"
PAYLOAD_KEY = "payload"
TIMESTAMP_KEY = "timestamp"
HISTORY_LEN_KEY = "historyLen"
ID_KEY = "id"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def get_timestamp(datetime=None):
    datetime = datetime or dt.now()
    return datetime.strftime(DATETIME_FORMAT)


@dataclass
class EventMsg:
    project_id: str
    run_id: str
    event_type: str
    series: str = None
    payload: Any = None
    event_id: int = -1
    identity_type: str = None
    timestamp: str = get_timestamp()
    history_len: int = -1
    id: int = None  # id in database

    @property
    def json(self):
        return {
            PROJECT_ID_KEY: self.project_id,
            RUN_ID_KEY: self.run_id,
            EVENT_TYPE_KEY: self.event_type,
            EVENT_ID_KEY: self.event_id,
            IDENTITY_TYPE_KEY: self.identity_type,
            SERIES_KEY: self.series,
            PAYLOAD_KEY: self.payload,
            TIMESTAMP_KEY: self.timestamp,
            HISTORY_LEN_KEY: self.history_len,
            ID_KEY: self.id,
        }

    def dumps(self):
        return json.dumps(self.json, default=str)

    @classmethod
    def loads(cls, src):
        if isinstance(src, str):
            src = json.loads(src)
        return EventMsg(
            project_id=src.get(PROJECT_ID_KEY),
            run_id=src.get(RUN_ID_KEY),
            event_type=src.get(EVENT_TYPE_KEY),
            identity_type=src.get(IDENTITY_TYPE_KEY),
            series=src.get(SERIES_KEY),
            payload=src.get(PAYLOAD_KEY),
            event_id=src.get(EVENT_ID_KEY, -1),
            timestamp=src.get(TIMESTAMP_KEY, get_timestamp()),
            history_len=src.get(HISTORY_LEN_KEY, -1),
            id=src.get(ID_KEY, None),
        )

    @classmethod
    def merge(cls, x: Union["EventMsg", dict], y: Union["EventMsg", dict]):
        _x = x if isinstance(x, dict) else x.json
        _y = y if isinstance(y, dict) else y.json
        for _k, _v in _y.items():
            _x[_k] = _v
        return cls.loads(_x)


def loads_bytes(src: bytes) -> EventMsg:
    """The original cannot take bytes; a server holding bytes parses them first."""
    return EventMsg.loads(json.loads(src))
