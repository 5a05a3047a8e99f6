"""The benchmark's messages: real neetbox 0.6.0 frames from the wire vectors.

The mix is every captured frame of the seven event types a training run streams (log, scalar,
progress, hardware, action, status, handshake), in capture order, in every direction (training
script -> server, server -> web UI, web UI -> server, server -> training script). Frames are
used as sent, with one exception: the few whose text carries the bare ``NaN``/``Infinity`` tokens
neetbox 0.6.0 writes are given in strict JSON (the tokens as the strings ``"NaN"``...), in the
frame's own style, because orjson and msgspec reject the bare tokens and every implementation
must read the same bytes. (``neetbox_protocol`` reads both forms.)

Batches (JSONL) repeat the mix in order; the memory figure uses the scalar frames alone.
"""

from __future__ import annotations

import json
from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "data" / "neetbox-0.6.0-wire.jsonl"
MIX_TYPES = ("log", "scalar", "progress", "hardware", "action", "status", "handshake")


def _strict(frame: str) -> str:
    """The frame in strict JSON: bare non-finite tokens become strings, the frame's separators
    and ASCII escaping are kept (neetbox's client writes ``json.dumps`` defaults, the server
    compact raw UTF-8)."""
    try:
        json.loads(frame, parse_constant=_reject)
        return frame
    except ValueError:
        pass
    obj = json.loads(frame, parse_constant=str)
    if frame.startswith('{"projectId": '):
        return json.dumps(obj)
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _reject(token: str):
    raise ValueError(token)


def load_mix(path: Path = VECTORS) -> list[dict]:
    """[{"eventType": ..., "direction": ..., "frame": str, "strictified": bool}, ...]"""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            vec = json.loads(line)
            if vec["eventType"] not in MIX_TYPES:
                continue
            frame = _strict(vec["frame"])
            out.append({
                "eventType": vec["eventType"], "direction": vec["direction"],
                "frame": frame, "strictified": frame != vec["frame"],
            })
    return out


def batch(frames: list[str], n: int) -> bytes:
    """n messages as JSONL bytes: the frames repeated in order."""
    reps = -(-n // len(frames))
    lines = (frames * reps)[:n]
    return ("\n".join(lines) + "\n").encode("utf-8")
