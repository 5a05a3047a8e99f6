"""Worst-case cost per MB: adversarial shapes through every door, accepted and refused.

Issue 21's budget: at most ``BUDGET_MS_PER_MB`` ms per MB of message and a peak of at most
``BUDGET_PEAK`` times the message's size, whatever the shape, whichever door, accepted or refused.
Each shape is built at ``size`` bytes of JSON text; each door is timed (best of ``rounds``) and its
peak memory measured once (tracemalloc). ``make bench`` prints the table and the two targets.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from typing import Any, Callable

BUDGET_MS_PER_MB = 100.0
BUDGET_PEAK = 10.0


def shapes(size: int) -> dict[str, dict[str, Any]]:
    """Messages of about ``size`` bytes written out, each the worst of its kind found so far."""
    nested: Any = "x"
    for i in range(199):
        nested = {f"k{i}" + "q" * (size // 200): nested}
    unknown: dict[str, Any] = {"eventType": "scalar", "payload": {"x": 1, "y": 2}}
    unknown.update((f"k{i:07d}", 0) for i in range(size // 12))
    return {
        "long key over a list of ints": {"eventType": "some_later_type", "payload": {"k" * (size // 2): [0] * (size // 8)}},
        "array of empty arrays": {"eventType": "some_later_type", "payload": [[] for _ in range(size // 3)]},
        "array of 1-key objects": {"eventType": "some_later_type", "payload": [{"a": 1} for _ in range(size // 8)]},
        "199 nested long keys": {"eventType": "some_later_type", "payload": nested},
        "unknown keys, one per 12 bytes": unknown,
        "4-byte characters": {"eventType": "log", "payload": {"whom": "w", "message": "\U0001f600" * (size // 4)}},
        "bad hardware payload (refused)": {"eventType": "hardware", "payload": {"k" * (size // 2): [0] * (size // 8)}},
        "bad status payload (refused)": {"eventType": "status", "payload": {"k" * (size // 2): [0] * (size // 8)}},
        "bad numbers (refused)": {"eventType": "scalar", "payload": {"x": ["a"] * (size // 4), "y": 1}},
        "an array of bad items (refused)": {"eventType": "hardware", "payload": {"cpus": [{}] * (size // 3), "cpustat": 1, "ram": 1}},
    }


def doors() -> dict[str, Callable[[str, Any, Any], Any]]:
    """Each door as a call on the shape's JSON text, its dict, and the message ``loads`` read
    from it (None where refused): ``merge`` is timed alone, on a message read before."""
    from pydantic import TypeAdapter

    from neetbox_protocol import EventMsg, Message

    adapter = TypeAdapter(Message)
    return {
        "loads(text)": lambda text, data, msg: EventMsg.loads(text),
        "loads(dict)": lambda text, data, msg: EventMsg.loads(data),
        "merge(message, {})": lambda text, data, msg: EventMsg.merge(data if msg is None else msg, {}),
        "model_validate_json": lambda text, data, msg: EventMsg.model_validate_json(text),
        "TypeAdapter(Message).validate_python": lambda text, data, msg: adapter.validate_python(data),
        "TypeAdapter(Message).validate_json": lambda text, data, msg: adapter.validate_json(text),
    }


def _loaded(text: str) -> Any:
    from neetbox_protocol import EventMsg, ProtocolError

    try:
        return EventMsg.loads(text)
    except ProtocolError:
        return None


def _run(fn: Callable[[str, Any, Any], Any], text: str, data: Any, msg: Any) -> str:
    try:
        fn(text, data, msg)
        return "accepted"
    except ValueError:  # ProtocolError, pydantic's ValidationError
        return "refused"


def measure(size: int = 1 << 20, rounds: int = 3) -> dict[str, Any]:
    """{shape: {door: {ms_per_mb, peak_ratio, verdict}}}, and the worst of each."""
    out: dict[str, Any] = {}
    worst = {"ms_per_mb": 0.0, "peak_ratio": 0.0}
    for name, data in shapes(size).items():
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        mb = len(text.encode()) / 1e6
        msg = _loaded(text)
        row = {}
        for door, fn in doors().items():
            best = float("inf")
            for _ in range(rounds):
                t0 = time.perf_counter()
                verdict = _run(fn, text, data, msg)
                best = min(best, time.perf_counter() - t0)
            tracemalloc.start()
            _run(fn, text, data, msg)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            cell = {"ms_per_mb": best * 1e3 / mb, "peak_ratio": peak / (mb * 1e6), "verdict": verdict}
            row[door] = cell
            for key in ("ms_per_mb", "peak_ratio"):
                if cell[key] > worst[key]:
                    worst[key] = cell[key]
                    worst[f"{key}_at"] = f"{name} / {door}"
        out[name] = row
    return {"size_bytes": size, "shapes": out, "worst": worst, "budget": {"ms_per_mb": BUDGET_MS_PER_MB, "peak_ratio": BUDGET_PEAK}}


def table(res: dict[str, Any], markdown: Callable[[list[str], list[list[str]]], str]) -> str:
    names = list(next(iter(res["shapes"].values())))
    rows = [[shape, *[f"{c['ms_per_mb']:.0f} ms/MB, {c['peak_ratio']:.1f}x ({c['verdict']})" for c in row.values()]]
            for shape, row in res["shapes"].items()]
    w = res["worst"]
    return (f"\nworst case, {res['size_bytes'] / 1e6:.1f} MB messages (time: best of rounds, per MB of JSON text; "
            f"peak: tracemalloc, times the message):\n" + markdown(["shape", *names], rows)
            + f"\nworst: {w['ms_per_mb']:.0f} ms/MB ({w.get('ms_per_mb_at')}), peak {w['peak_ratio']:.1f}x ({w.get('peak_ratio_at')})")


def _markdown(head: list[str], rows: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(r) + " |" for r in [head, ["---"] * len(head), *rows])


if __name__ == "__main__":  # this section alone: .venv/bin/python bench/worst.py
    print(table(measure(), _markdown))
