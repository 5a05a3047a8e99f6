"""`make bench`: neetbox_protocol against its baselines, on real neetbox 0.6.0 frames.

    .venv/bin/python bench/run.py [--quick] [--out bench/results.json] [--rounds N]
    .venv/bin/python bench/run.py --event-types status   # loads(str) of these event types only

Measures, in one run, on the same messages (see messages.py):

* per message, on the mix: ``loads`` from str and from bytes, ``dumps``, ``.json``, ``merge``;
* per message, on JSONL batches of 10 000 and 100 000 messages (the mix repeated);
* ``import neetbox_protocol`` in a fresh interpreter (median of several runs), next to pydantic;
* memory of 100 000 loaded scalar messages (tracemalloc), per message;
* the worst case per MB (worst.py): adversarial 1 MB shapes through every door, accepted and
  refused, time per MB and peak memory against the budget;

for ours and for the baselines: (a) the original module's stdlib json + dataclass, no validation
(baseline_stdlib.py); (b) msgspec typed Structs (baseline_msgspec.py); (c) the jsonschema
reference validator on the parsed dict (baseline_jsonschema.py); (d) ``orjson.loads`` alone.
Each baseline figure is also given as a ratio to ours: baseline ÷ ours, for times and bytes
alike (> 1: ours is faster / smaller). Then the issue's targets, met or not.

Prints tables; writes every sample, the machine and the versions to --out (JSON).
``--quick`` is the smoke-test mode: a few hundred messages, one round, every figure still there.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import tracemalloc
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import baseline_jsonschema  # noqa: E402
import baseline_msgspec  # noqa: E402
import baseline_stdlib  # noqa: E402
import messages  # noqa: E402
import orjson  # noqa: E402
import server_path  # noqa: E402
import timing  # noqa: E402
import worst  # noqa: E402

from neetbox_protocol import EventMsg  # noqa: E402

IMPLS = ("ours", "stdlib", "msgspec", "jsonschema", "orjson")
LABELS = {
    "ours": "ours (neetbox_protocol)",
    "stdlib": "(a) stdlib json+dataclass",
    "msgspec": "(b) msgspec Structs",
    "jsonschema": "(c) jsonschema validate",
    "orjson": "(d) orjson.loads",
}
#: the reference for the import target: every pydantic name neetbox_protocol's modules import
PYDANTIC_IMPORT = (
    "import pydantic_core, typing_extensions\n"
    "from pydantic import MISSING, AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, "
    "StrictBool, StrictFloat, StrictInt, StrictStr, TypeAdapter, ValidationError"
)
#: what ``merge`` adds to every message: the server's reply fields (valid for every event type)
MERGE_WITH = {"identityType": "server", "id": 42}


# ----------------------------------------------------------------------------- measurements


def per_message(mix: list[str], rounds: int, target: float) -> dict[str, dict]:
    """loads (str, bytes), dumps, .json, merge: seconds per message over the whole mix."""
    n = len(mix)
    raw = [f.encode("utf-8") for f in mix]
    parsed = [json.loads(f) for f in mix]
    ours = [EventMsg.loads(f) for f in mix]
    std = [baseline_stdlib.EventMsg.loads(f) for f in mix]
    ms = [baseline_msgspec.loads(f) for f in mix]
    loads, std_loads, ms_loads, validate = EventMsg.loads, baseline_stdlib.EventMsg.loads, baseline_msgspec.loads, baseline_jsonschema.validate
    std_loads_b = baseline_stdlib.loads_bytes
    ours_merge, std_merge, ms_merge = EventMsg.merge, baseline_stdlib.EventMsg.merge, baseline_msgspec.merge
    ms_dumps, ms_dict = baseline_msgspec.dumps, baseline_msgspec.to_dict
    y = MERGE_WITH
    groups = {
        "loads_str": {
            "ours": lambda: [loads(s) for s in mix],
            "stdlib": lambda: [std_loads(s) for s in mix],
            "msgspec": lambda: [ms_loads(s) for s in mix],
            "jsonschema": lambda: [validate(d) for d in parsed],
            "orjson": lambda: [orjson.loads(s) for s in mix],
        },
        "loads_bytes": {
            "ours": lambda: [loads(b) for b in raw],
            "stdlib": lambda: [std_loads_b(b) for b in raw],
            "msgspec": lambda: [ms_loads(b) for b in raw],
            "orjson": lambda: [orjson.loads(b) for b in raw],
        },
        "dumps": {
            "ours": lambda: [m.dumps() for m in ours],
            "stdlib": lambda: [m.dumps() for m in std],
            "msgspec": lambda: [ms_dumps(m) for m in ms],
            "orjson": lambda: [orjson.dumps(d).decode() for d in parsed],
        },
        "json": {
            "ours": lambda: [m.json for m in ours],
            "stdlib": lambda: [m.json for m in std],
            "msgspec": lambda: [ms_dict(m) for m in ms],
        },
        "merge": {
            "ours": lambda: [ours_merge(m, y) for m in ours],
            "stdlib": lambda: [std_merge(m, y) for m in std],
            "msgspec": lambda: [ms_merge(m, y) for m in ms],
        },
    }
    out = {}
    for name, cases in groups.items():
        # jsonschema is ~1000x slower: one call per sample is plenty
        timed = timing.interleaved({k: v for k, v in cases.items() if k != "jsonschema"}, rounds=rounds, target=target, per=n)
        if "jsonschema" in cases:
            timed["jsonschema"] = timing.interleaved({"jsonschema": cases["jsonschema"]}, rounds=min(rounds, 3), target=0, per=n)["jsonschema"]
        out[name] = timed
    return out


def pydantic_native(mix: list[str], rounds: int, target: float) -> dict[str, dict]:
    """The doors a pydantic/FastAPI service uses, side by side with ``EventMsg.loads`` in one
    interleaved run: ``TypeAdapter(Message).validate_json`` (a FastAPI body typed ``Message``)
    and ``TypeAdapter(KnownMessage).validate_json`` (known event types only)."""
    from pydantic import TypeAdapter

    from neetbox_protocol import KnownMessage, Message

    message, known, loads = TypeAdapter(Message).validate_json, TypeAdapter(KnownMessage).validate_json, EventMsg.loads
    cases = {
        "loads": lambda: [loads(s) for s in mix],
        "message_adapter": lambda: [message(s) for s in mix],
        "known_adapter": lambda: [known(s) for s in mix],
    }
    return timing.interleaved(cases, rounds=rounds, target=target, per=len(mix))


def by_event_type(vectors: list[dict], rounds: int, target: float, types: tuple[str, ...] = messages.MIX_TYPES) -> dict[str, dict]:
    """loads(str) per message for each event type of the mix: where ours gains and where not."""
    out = {}
    for event_type in types:
        frames = [v["frame"] for v in vectors if v["eventType"] == event_type]
        cases = {
            "ours": lambda: [EventMsg.loads(s) for s in frames],
            "stdlib": lambda: [baseline_stdlib.EventMsg.loads(s) for s in frames],
            "msgspec": lambda: [baseline_msgspec.loads(s) for s in frames],
        }
        out[event_type] = timing.interleaved(cases, rounds=rounds, target=target, per=len(frames))
        out[event_type]["n"] = len(frames)
    return out


def batches(mix: list[str], sizes: dict[str, int], rounds: dict[str, int]) -> dict[str, dict]:
    """A JSONL blob of n messages -> a list of n messages; seconds per message."""
    loads, std_loads_b = EventMsg.loads, baseline_stdlib.loads_bytes
    out = {}
    for key, n in sizes.items():
        blob = messages.batch(mix, n)
        cases = {
            "ours": lambda: [loads(line) for line in blob.splitlines()],
            "stdlib": lambda: [std_loads_b(line) for line in blob.splitlines()],
            "msgspec": lambda: baseline_msgspec.loads_lines(blob),
            "orjson": lambda: [orjson.loads(line) for line in blob.splitlines()],
        }
        out[key] = timing.batch(cases, rounds=rounds[key], per=n)
        out[key]["n"] = n
    return out


def imports(runs: int) -> dict[str, dict]:
    cases = {
        "ours": "import neetbox_protocol",
        # pydantic alone: the pydantic API neetbox_protocol imports (pydantic 2 loads its
        # submodules lazily, on first use of a name), no model of ours built
        "pydantic": PYDANTIC_IMPORT,
        "pydantic_basemodel": "from pydantic import BaseModel",
        "pydantic_bare": "import pydantic",
        "stdlib": "import baseline_stdlib",
        "msgspec": "import baseline_msgspec",
        "orjson": "import orjson",
    }
    return timing.import_times(cases, runs=runs, cwd=str(ROOT), extra_path=str(HERE))


def memory(scalar_frames: list[str], n: int) -> dict[str, dict]:
    """tracemalloc: bytes still allocated after loading n scalar messages, per message."""
    lines = messages.batch(scalar_frames, n).splitlines()
    loaders = {
        "ours": lambda: [EventMsg.loads(b) for b in lines],
        "stdlib": lambda: [baseline_stdlib.loads_bytes(b) for b in lines],
        "msgspec": lambda: [baseline_msgspec.loads(b) for b in lines],
        "orjson": lambda: [orjson.loads(b) for b in lines],
    }
    warm = lines[:50]
    out = {}
    for name, fn in loaders.items():
        [EventMsg.loads(b) for b in warm], [baseline_msgspec.loads(b) for b in warm]  # warm caches
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert len(result) == n
        del result
        out[name] = {"bytes_per_message": (after - before) / n, "total_bytes": after - before, "n": n}
    return out


# ----------------------------------------------------------------------------- report


def ratios(figure: dict[str, dict], key: str) -> dict[str, float]:
    ours = figure["ours"][key]
    return {impl: figure[impl][key] / ours for impl in figure if impl != "ours" and isinstance(figure[impl], dict)}


def targets(res: dict) -> list[dict]:
    pm, bt, im = res["per_message"], res["batches"], res["imports"]
    small, large = bt["small"], bt["large"]
    scale = large["ours"]["min"] / small["ours"]["min"]
    std_scale = large["stdlib"]["min"] / small["stdlib"]["min"]
    added = im["ours"]["median"] - im["pydantic"]["median"]
    rows = [
        ("loads (str) >= 2x faster than (a) stdlib", pm["loads_str"]["stdlib"]["min"] / pm["loads_str"]["ours"]["min"], ">= 2.0", lambda v: v >= 2.0, "x"),
        ("loads (bytes) >= 2x faster than (a) stdlib", pm["loads_bytes"]["stdlib"]["min"] / pm["loads_bytes"]["ours"]["min"], ">= 2.0", lambda v: v >= 2.0, "x"),
        ("dumps >= 3x faster than (a) stdlib", pm["dumps"]["stdlib"]["min"] / pm["dumps"]["ours"]["min"], ">= 3.0", lambda v: v >= 3.0, "x"),
        ("loads (str) within 3x of (b) msgspec", pm["loads_str"]["ours"]["min"] / pm["loads_str"]["msgspec"]["min"], "<= 3.0", lambda v: v <= 3.0, "x slower"),
        ("loads (bytes) within 3x of (b) msgspec", pm["loads_bytes"]["ours"]["min"] / pm["loads_bytes"]["msgspec"]["min"], "<= 3.0", lambda v: v <= 3.0, "x slower"),
        # validators are built at import (the first message must cost what later ones do), so the
        # import carries what a lazy build would move into the first message of each event type
        ("import adds <= 100 ms over importing pydantic", added * 1e3, "<= 100 ms", lambda v: v <= 100.0, " ms"),
        # the garbage collector is part of the cost (its GC settings are the application's): the
        # goal is the original's growth in the same run
        (f"per-message growth from {small['n']} to {large['n']} at most (a) stdlib's ({(std_scale - 1) * 100:+.0f} %)",
         (scale - 1) * 100, f"<= {(std_scale - 1) * 100:+.0f} %", lambda v: v <= (std_scale - 1) * 100, " %"),
        ("TypeAdapter(Message).validate_json within 10% of loads", (res["pydantic_native"]["message_adapter"]["min"]
         / res["pydantic_native"]["loads"]["min"] - 1) * 100, "<= +10 %", lambda v: v <= 10.0, " %"),
        ("first message of every event type after import < 1 ms (slowest of ctor+dumps, loads)",
         max(max(v["ctor"], v["loads"]) for v in res["first_message"].values()) * 1e3, "< 1 ms", lambda v: v < 1.0, " ms"),
    ]
    sp = res["server_path"]["path"]
    rows.append(("neetbox's server path (loads, 8 reads, 2 assignments, .json twice) >= 1.25x faster than (a) stdlib",
                 sp["stdlib"]["min"] / sp["ours"]["min"], ">= 1.25", lambda v: v >= 1.25, "x"))
    wc = res["worst_case"]["worst"]
    rows += [
        (f"worst case <= {worst.BUDGET_MS_PER_MB:.0f} ms per MB, any shape, any door, accepted or refused ({wc['ms_per_mb_at']})",
         wc["ms_per_mb"], f"<= {worst.BUDGET_MS_PER_MB:.0f} ms/MB", lambda v: v <= worst.BUDGET_MS_PER_MB, " ms/MB"),
        (f"worst-case peak memory <= {worst.BUDGET_PEAK:.0f}x the message ({wc['peak_ratio_at']})",
         wc["peak_ratio"], f"<= {worst.BUDGET_PEAK:.0f}x", lambda v: v <= worst.BUDGET_PEAK, "x"),
    ]
    bt = res["by_event_type"]
    rows[2:2] = [(f"loads (str) of {t} >= 2x faster than (a) stdlib", bt[t]["stdlib"]["min"] / bt[t]["ours"]["min"], ">= 2.0",
                  lambda v: v >= 2.0, "x") for t in bt]
    return [{"target": t, "measured": round(v, 3), "unit": u.strip(), "goal": g, "met": bool(ok(v))} for t, v, g, ok, u in rows]


def fmt_time(s: float) -> str:
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.2f} µs"


def fmt_bytes(b: float) -> str:
    return f"{b:.0f} B"


def cell(fig: dict, impl: str, key: str, fmt, ours: float) -> str:
    if impl not in fig:
        return "n/a"
    v = fig[impl][key]
    if impl == "ours":
        return fmt(v)
    return f"{fmt(v)} ({v / ours:.2f}x)"


def table(res: dict) -> str:
    head = ["measurement", *[LABELS[i] for i in IMPLS]]
    rows = []
    pm = res["per_message"]
    names = {
        "loads_str": "loads(str), per msg",
        "loads_bytes": "loads(bytes), per msg",
        "dumps": "dumps(), per msg",
        "json": ".json, per msg",
        "merge": "merge(msg, dict), per msg",
    }
    for key, label in names.items():
        fig = pm[key]
        rows.append([label, *[cell(fig, i, "min", fmt_time, fig["ours"]["min"]) for i in IMPLS]])
    for key in ("small", "large"):
        fig = res["batches"][key]
        rows.append([f"batch of {fig['n']} (JSONL), per msg", *[cell(fig, i, "min", fmt_time, fig["ours"]["min"]) for i in IMPLS]])
    im = res["imports"]
    imp = {"ours": im["ours"], "stdlib": im["stdlib"], "msgspec": im["msgspec"], "orjson": im["orjson"]}
    rows.append(["import (fresh interpreter, median)", *[cell(imp, i, "median", lambda s: f"{s * 1e3:.1f} ms", im["ours"]["median"]) for i in IMPLS]])
    mem = res["memory"]
    rows.append([f"memory, {mem['ours']['n']} scalar msgs, per msg", *[cell(mem, i, "bytes_per_message", fmt_bytes, mem["ours"]["bytes_per_message"]) for i in IMPLS]])
    out = [markdown(head, rows)]
    ms = lambda k: im[k]["median"] * 1e3  # noqa: E731
    out.append(
        f"\nimport, median of {len(im['ours']['samples'])} fresh interpreters: "
        f"`import neetbox_protocol` {ms('ours'):.1f} ms; pydantic (the names neetbox_protocol imports from it) "
        f"{ms('pydantic'):.1f} ms -> adds {ms('ours') - ms('pydantic'):.1f} ms; "
        f"over `from pydantic import BaseModel` ({ms('pydantic_basemodel'):.1f} ms) it adds {ms('ours') - ms('pydantic_basemodel'):.1f} ms, "
        f"over a bare `import pydantic` ({ms('pydantic_bare'):.1f} ms, loads its submodules lazily) {ms('ours') - ms('pydantic_bare'):.1f} ms. "
        "Validators and serializers are built at import."
    )
    fm = res["first_message"]
    us = lambda s: f"{s * 1e6:.0f} µs"  # noqa: E731
    out.append("\nfirst message after `import neetbox_protocol`, per event type (fresh interpreters; median of "
               f"{'the runs' if res['mode'] == 'quick' else '3'}), against the median of later calls:\n" + markdown(
        ["event type", "first EventMsg(...) + dumps()", "later", "first loads", "later "],
        [[t, us(v["ctor"]), us(v["later_ctor"]), us(v["loads"]), us(v["later_loads"])] for t, v in fm.items()]))
    gc_rows = []
    for key in ("small", "large"):
        fig = res["batches"][key]
        gc_rows.append([f"batch of {fig['n']}", *[
            f"{fig[i]['min'] * 1e6:.2f} µs = {(fig[i]['min'] - fig[i]['gc']) * 1e6:.2f} + GC {fig[i]['gc'] * 1e6:.2f} ({fig[i]['gc_share'] * 100:.0f} %)"
            for i in ("ours", "stdlib", "msgspec", "orjson")
        ]])
    out.append("\nbatches, per message = work + cyclic GC (share of the time):\n" + markdown(
        ["batch", *[LABELS[i] for i in ("ours", "stdlib", "msgspec", "orjson")]], gc_rows))
    pn = res["pydantic_native"]
    out.append("\npydantic's doors, per msg (same run, interleaved): " + ", ".join(
        f"{label} {fmt_time(pn[k]['min'])} ({pn[k]['min'] / pn['loads']['min']:.2f}x loads)"
        for k, label in (("loads", "`EventMsg.loads`"), ("message_adapter", "`TypeAdapter(Message).validate_json`"),
                         ("known_adapter", "`TypeAdapter(KnownMessage).validate_json`"))))
    out.append(by_event_type_table(res["by_event_type"]))
    sp = res["server_path"]
    out.append(f"\nneetbox's server path, per message ({sp['frames']['n']} training-script frames: {', '.join(sp['frames']['types'])}; "
               "bench/server_path.py):\n" + markdown(
        ["call", LABELS["ours"], LABELS["stdlib"]],
        [[label, fmt_time(sp[k]["ours"]["min"]), f"{fmt_time(sp[k]['stdlib']['min'])} ({sp[k]['stdlib']['min'] / sp[k]['ours']['min']:.2f}x)"]
         for k, label in server_path.ROWS.items()]))
    out.append(worst.table(res["worst_case"], markdown))
    out.append("\n" + markdown(["target", "measured", "goal", "met?"],
                               [[t["target"], f"{t['measured']:.2f} {t['unit']}", t["goal"], "yes" if t["met"] else "**no**"] for t in res["targets"]]))
    return "\n".join(out)


def by_event_type_table(bt: dict[str, dict]) -> str:
    type_rows = [[t, str(bt[t]["n"]), fmt_time(bt[t]["ours"]["min"]),
                  f"{fmt_time(bt[t]['stdlib']['min'])} ({bt[t]['stdlib']['min'] / bt[t]['ours']['min']:.2f}x)",
                  f"{fmt_time(bt[t]['msgspec']['min'])} ({bt[t]['msgspec']['min'] / bt[t]['ours']['min']:.2f}x)"] for t in bt]
    return "\nloads(str) by event type, per msg:\n" + markdown(
        ["event type", "frames", LABELS["ours"], LABELS["stdlib"], LABELS["msgspec"]], type_rows)


def markdown(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": {p: version(p) for p in ("pydantic", "pydantic-core", "msgspec", "orjson", "jsonschema")},
    }


FIRST_MESSAGE = """\
import json, sys, time
event_type, ctor_first = sys.argv[1], sys.argv[2] == "ctor"
t0 = time.perf_counter()
import neetbox_protocol
from neetbox_protocol import EventMsg
t1 = time.perf_counter()
branches = neetbox_protocol.schema("message")["$defs"]
example = next(d["example"] for b in branches.values() for d in b.get("x-directions", ())
               if d["example"].get("eventType") == event_type)
frame = json.dumps(example)
names = {f.alias or n: n for n, f in EventMsg.model_fields.items()}
kwargs = {names[k]: v for k, v in example.items() if k in names and names[k] != "timestamp"}
kwargs.setdefault("project_id", None); kwargs.setdefault("run_id", None)
def ctor():
    t = time.perf_counter(); EventMsg(**kwargs).dumps(); return time.perf_counter() - t
def loads():
    t = time.perf_counter(); EventMsg.loads(frame); return time.perf_counter() - t
first = {}
for name, fn in (("ctor", ctor), ("loads", loads)) if ctor_first else (("loads", loads), ("ctor", ctor)):
    first[name] = fn()
later = {name: sorted(fn() for _ in range(25))[12] for name, fn in (("ctor", ctor), ("loads", loads))}
print(json.dumps({"import": t1 - t0, "first": first, "later": later}))
"""


def first_message(runs: int) -> dict[str, dict]:
    """Per event type (every type of message.schema.json, with its schema example frame), in fresh
    interpreters: the import, then the first ``EventMsg(...)`` + ``dumps()`` and the first
    ``loads`` after it (each measured once as the very first message of the process, in separate
    interpreters), and the median of later calls. Medians over ``runs`` interpreters per figure."""
    import subprocess

    from neetbox_protocol import EVENT_CLASSES

    out = {}
    for event_type in EVENT_CLASSES:
        samples: dict[str, list[float]] = {"ctor": [], "loads": [], "later_ctor": [], "later_loads": []}
        for i in range(runs):
            for order in ("ctor", "loads"):  # which one is the process's very first message
                proc = subprocess.run([sys.executable, "-c", FIRST_MESSAGE, event_type, order], check=True,
                                      capture_output=True, text=True, cwd=str(ROOT))
                r = json.loads(proc.stdout)
                samples[order].append(r["first"][order])
                samples[f"later_{order}"].append(r["later"][order])
        out[event_type] = {k: sorted(v)[len(v) // 2] for k, v in samples.items()}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke-test mode: tiny sizes, one round")
    ap.add_argument("--out", default=str(HERE / "results.json"), help="where to write the results (JSON)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds per micro-benchmark (default 7; quick 1)")
    ap.add_argument("--event-types", default=None, metavar="TYPE[,TYPE...]",
                    help="only loads(str) by event type, for these types (e.g. status); prints, writes nothing")
    args = ap.parse_args(argv)
    quick = args.quick
    rounds = args.rounds or (1 if quick else 7)
    target = 0.0 if quick else 0.05  # seconds per sample (0: one call per sample)
    if args.event_types:
        types = tuple(t for t in args.event_types.split(",") if t)
        unknown = set(types) - set(messages.MIX_TYPES)
        if unknown:
            ap.error(f"--event-types: not in the mix: {', '.join(sorted(unknown))} (the mix: {', '.join(messages.MIX_TYPES)})")
        bt = by_event_type(messages.load_mix(), rounds, target / 4, types)
        print(by_event_type_table(bt))
        return {"by_event_type": bt}
    sizes = {"small": 200, "large": 2000} if quick else {"small": 10_000, "large": 100_000}
    batch_rounds = {"small": 1, "large": 1} if quick else {"small": 7, "large": 3}
    import_runs = 1 if quick else 11
    mem_n = 1000 if quick else 100_000

    vectors = messages.load_mix()
    mix = [v["frame"] for v in vectors]
    scalars = [v["frame"] for v in vectors if v["eventType"] == "scalar"]
    started = time.time()
    log = (lambda *a: None) if quick else (lambda *a: print(*a, file=sys.stderr, flush=True))
    log(f"bench: {len(mix)} frames in the mix ({sum(v['strictified'] for v in vectors)} given in strict JSON); per-message figures...")
    res: dict = {
        "machine": machine(),
        "mode": "quick" if quick else "full",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "make bench" if not quick else "bench/run.py --quick",
        "mix": {t: sum(v["eventType"] == t for v in vectors) for t in messages.MIX_TYPES} | {"total": len(mix)},
        "statistic": {"times": "min over interleaved rounds", "imports": "median over fresh interpreters"},
        "pydantic_import": PYDANTIC_IMPORT,
        "ratio": "baseline / ours (> 1: ours is faster or smaller)",
    }
    res["per_message"] = per_message(mix, rounds, target)
    res["by_event_type"] = by_event_type(vectors, rounds, target / 4)
    res["pydantic_native"] = pydantic_native(mix, rounds, target)
    log("bench: neetbox's server path...")
    res["server_path"] = server_path.server_path(vectors, rounds, target)
    log("bench: batches...")
    res["batches"] = batches(mix, sizes, batch_rounds)
    log("bench: imports...")
    res["imports"] = imports(import_runs)
    log("bench: first message per event type...")
    res["first_message"] = first_message(1 if quick else 3)
    log("bench: memory...")
    res["memory"] = memory(scalars, mem_n)
    log("bench: worst case per MB...")
    res["worst_case"] = worst.measure(1 << 16 if quick else 1 << 20, rounds=1 if quick else 3)
    res["targets"] = targets(res)
    res["ratios"] = {
        **{k: ratios(v, "min") for k, v in res["per_message"].items()},
        **{f"batch_{v['n']}": ratios({i: x for i, x in v.items() if i != "n"}, "min") for v in res["batches"].values()},
        "import": {i: res["imports"][i]["median"] / res["imports"]["ours"]["median"] for i in res["imports"] if i != "ours"},
        "memory": ratios(res["memory"], "bytes_per_message"),
    }
    res["elapsed_s"] = round(time.time() - started, 1)
    Path(args.out).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    m = res["machine"]
    print(f"neetbox_protocol benchmark ({res['mode']}): {len(mix)}-frame mix from the neetbox 0.6.0 wire vectors")
    print(f"machine: {m['nproc']} cores, {m['cpu']}, {m['implementation']} {m['python']}; "
          f"pydantic {m['versions']['pydantic']} (core {m['versions']['pydantic-core']}), msgspec {m['versions']['msgspec']}, "
          f"orjson {m['versions']['orjson']}, jsonschema {m['versions']['jsonschema']}")
    print("times: min over interleaved rounds; imports: median; (ratio) = baseline / ours, > 1 means ours is faster/smaller\n")
    print(table(res))
    print(f"\nwrote {args.out} ({res['elapsed_s']} s)")
    return res


if __name__ == "__main__":
    main()
