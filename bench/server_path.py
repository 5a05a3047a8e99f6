"""What neetbox 0.6.0's server does with each message, call by call, ours against the original.

neetbox's server (``routers/project/_ws/``), for every frame a training script sends: ``EventMsg.loads``
of the text; reads ``project_id``, ``identity_type``, ``event_type``, ``payload``, ``series``,
``run_id``, ``timestamp``, ``history_len``; sets ``message.id`` to the stored row's id and
``message.identity_type`` where the frame had none; forwards ``message.json`` to each web peer
(``send_json``). Measured on the wire corpus's training-script -> server frames of the types it
streams most (scalar, log, progress, hardware), per message, interleaved with the original module
(baseline_stdlib), in one run: each call alone, and the whole path (loads, the reads, the two
assignments, ``.json`` for two web peers).
"""

from __future__ import annotations

from typing import Any

import baseline_stdlib
import timing

from neetbox_protocol import EventMsg, IdentityType

TYPES = ("scalar", "log", "progress", "hardware")
ROWS = {
    "loads": "`loads(text)`",
    "reads": "the 8 reads",
    "set_id": "`message.id = 5`",
    "set_identity": "`message.identity_type = IdentityType.CLI`",
    "json": "`.json`",
    "path": "the server's path (loads + reads + two assignments + `.json` twice)",
}


def frames(vectors: list[dict]) -> list[str]:
    return [v["frame"] for v in vectors if v["direction"] == "cli->server" and v["eventType"] in TYPES]


def _reads(m: Any) -> None:
    m.project_id, m.identity_type, m.event_type, m.payload, m.series, m.run_id, m.timestamp, m.history_len  # noqa: B018


def cases(impl: type, texts: list[str], cli: Any) -> dict[str, Any]:
    loads = impl.loads
    msgs = [loads(t) for t in texts]

    def set_id() -> None:
        for m in msgs:
            m.id = 5

    def set_identity() -> None:
        for m in msgs:
            m.identity_type = cli

    def path() -> None:
        for t in texts:
            m = loads(t)
            _reads(m)
            m.id = 5
            m.identity_type = cli  # the server sets it where the frame had none (timed on every frame)
            m.json
            m.json

    return {
        "loads": lambda: [loads(t) for t in texts],
        "reads": lambda: [_reads(m) for m in msgs],
        "set_id": set_id,
        "set_identity": set_identity,
        "json": lambda: [m.json for m in msgs],
        "path": path,
    }


def server_path(vectors: list[dict], rounds: int, target: float) -> dict[str, dict]:
    """Per row, per message: ours and (a) the original, interleaved."""
    texts = frames(vectors)
    ours, original = cases(EventMsg, texts, IdentityType.CLI), cases(baseline_stdlib.EventMsg, texts, "cli")
    out: dict[str, dict] = {}
    for row in ROWS:
        out[row] = timing.interleaved({"ours": ours[row], "stdlib": original[row]}, rounds=rounds, target=target, per=len(texts))
    out["frames"] = {"n": len(texts), "types": list(TYPES)}  # type: ignore[dict-item]
    return out
