"""Timing helpers: interleaved rounds, min and median of the rounds.

Every case of one measurement runs once per round, in turn, so drift and noise from other work
on the machine land on all of them alike. Each sample times ``number`` calls of the case (chosen
so one sample takes about ``target`` seconds) with the garbage collector left on, as it is in a
real server. The table reports the min over rounds (the least disturbed run: the best estimate
of the cost on a noisy machine); results.json keeps every sample and the median too.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

perf = time.perf_counter


def calibrate(fn: Callable[[], object], target: float) -> int:
    """Calls per sample so that one sample takes about ``target`` seconds."""
    t0 = perf()
    fn()
    once = perf() - t0
    number = 1
    while once * number < target and number < 1_000_000:
        number *= 2
    return number


def interleaved(cases: dict[str, Callable[[], object]], *, rounds: int, target: float, per: int = 1) -> dict[str, dict]:
    """Time each case ``rounds`` times, interleaved. ``per`` divides the time of one call (the
    number of messages a call processes). Returns {name: {"min", "median", "samples", "number"}}
    in seconds per message."""
    numbers = {name: (calibrate(fn, target) if target > 0 else 1) for name, fn in cases.items()}
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            n = numbers[name]
            gc.collect()
            t0 = perf()
            for _ in range(n):
                fn()
            samples[name].append((perf() - t0) / n / per)
    return {name: summary(s, number=numbers[name]) for name, s in samples.items()}


def batch(cases: dict[str, Callable[[], list]], *, rounds: int, per: int) -> dict[str, dict]:
    """Like ``interleaved`` for calls that build a large result: one call per sample, and the
    result is kept alive until the clock stops (freeing it is not timed). Also records the time
    the cyclic garbage collector ran during each sample (``gc`` and ``gc_share`` of the sample
    with the min time), and how many collections of each generation it made."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    best: dict[str, tuple] = {}
    for _ in range(rounds):
        for name, fn in cases.items():
            gc.collect()
            with _GcClock() as clock:
                t0 = perf()
                result = fn()
                elapsed = perf() - t0
            assert len(result) == per, (name, len(result), per)
            del result
            samples[name].append(elapsed / per)
            if name not in best or elapsed < best[name][0]:
                best[name] = (elapsed, clock.seconds, dict(clock.collections))
    out = {}
    for name, s in samples.items():
        elapsed, gc_seconds, collections = best[name]
        out[name] = summary(s, number=1) | {
            "gc": gc_seconds / per, "gc_share": gc_seconds / elapsed, "collections": collections,
        }
    return out


class _GcClock:
    """Sums the time spent in garbage collections while active (gc.callbacks)."""

    def __init__(self):
        self.seconds = 0.0
        self.collections = {0: 0, 1: 0, 2: 0}
        self._start = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = perf()
        else:
            self.seconds += perf() - self._start
            self.collections[info["generation"]] += 1

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._callback)


def summary(samples: list[float], number: int = 1) -> dict:
    return {"min": min(samples), "median": statistics.median(samples), "samples": samples, "number": number}


def import_times(cases: dict[str, str], *, runs: int, cwd: str, extra_path: str) -> dict[str, dict]:
    """Seconds that ``import_stmt`` takes in a fresh interpreter (this one's executable), timed
    inside that interpreter around the import alone, ``runs`` times per case, interleaved.
    The table reports the median."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, stmt in cases.items():
            code = (
                f"import sys, time; sys.path.insert(0, {extra_path!r}); t0 = time.perf_counter()\n"
                f"{stmt}\n"
                "print(time.perf_counter() - t0)"
            )
            out = subprocess.run([sys.executable, "-c", code], cwd=cwd, check=True, capture_output=True, text=True)
            samples[name].append(float(out.stdout.strip().splitlines()[-1]))
    return {name: summary(s) for name, s in samples.items()}
