"""`make bench-ab BEFORE=<rev> [AFTER=<rev>]`: two builds of the package in the same run, on the same machine.

    .venv/bin/python bench/ab.py --before a51ea71 [--after HEAD] [--runs 2] [--rounds N] [--out FILE]

Builds each revision's package as the wheel installs it (``git archive`` of the revision, then
``pip install --no-deps --target``, under build/bench-ab/), then runs ``bench/run.py`` of the
working tree against each build in turn -- before, after, before, after, ... -- and prints every
figure of ours as a Markdown table: the best of the runs for each build, and the change. The
baselines (the original module, msgspec, ...) are the same code in both, so only ours is compared.
What a refactoring that must not change speed is checked with (docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "bench-ab"


def build(rev: str) -> Path:
    """The package of ``rev`` installed into build/bench-ab/<commit>/ (reused when there)."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    target = BUILD / commit
    if (target / "neetbox_protocol").is_dir():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(["git", "archive", "--format=tar", "-o", str(archive), commit], cwd=ROOT, check=True)
        src = Path(tmp) / "src"
        with tarfile.open(archive) as tar:
            tar.extractall(src, filter="data")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-compile",
                        "--target", str(target), str(src)], check=True)  # fmt: skip
    return target


def ours(results: dict) -> dict[str, float]:
    """Every figure of ours in a bench/run.py results file, by row: per message (the mix),
    per event type, batches, pydantic's doors, import, the slowest first message, memory."""
    found: dict[str, float] = {}
    for group in ("per_message", "by_event_type", "batches", "server_path"):
        for row, impls in results.get(group, {}).items():
            if isinstance(impls, dict) and isinstance(impls.get("ours"), dict):
                found[f"{group}/{row}"] = impls["ours"]["min"]
    for row, figure in results.get("pydantic_native", {}).items():
        if isinstance(figure, dict) and "min" in figure:
            found[f"pydantic_native/{row}"] = figure["min"]
    if isinstance(results.get("imports", {}).get("ours"), dict):
        found["import (median)"] = results["imports"]["ours"]["median"]
    firsts = [v for per in results.get("first_message", {}).values() for k, v in per.items() if k in ("ctor", "loads")]
    if firsts:
        found["first_message/slowest"] = max(firsts)
    memory = results.get("memory", {}).get("ours", {}).get("bytes_per_message")
    if memory is not None:
        found["memory/bytes_per_message"] = memory
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="git revision of the build measured first")
    ap.add_argument("--after", default="HEAD", help="git revision of the other build (default HEAD)")
    ap.add_argument("--runs", type=int, default=2, help="runs of bench/run.py per build, alternated (default 2)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds per micro-benchmark, passed to bench/run.py")
    ap.add_argument("--out", default=None, help="write the table (Markdown) here too")
    args = ap.parse_args(argv)
    builds = {"before": build(args.before), "after": build(args.after)}
    best: dict[str, dict[str, float]] = {"before": {}, "after": {}}
    for run in range(args.runs):
        for name, path in builds.items():
            out = BUILD / f"{name}-{run}.json"
            cmd = [sys.executable, str(HERE / "run.py"), "--out", str(out)] + (["--rounds", str(args.rounds)] if args.rounds else [])
            env = {**os.environ, "PYTHONPATH": str(path)}
            print(f"bench-ab: run {run + 1}/{args.runs}, {name} ({path.name})", file=sys.stderr, flush=True)
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            for key, value in ours(json.loads(out.read_text())).items():
                best[name][key] = min(value, best[name].get(key, value))
    lines = [f"| figure (best of {args.runs} runs each, alternated) | before `{builds['before'].name}` | after `{builds['after'].name}` | change |",
             "|---|---|---|---|"]  # fmt: skip
    for key in sorted(set(best["before"]) & set(best["after"])):
        b, a = best["before"][key], best["after"][key]
        unit, scale = ("B", 1) if key.startswith("memory") else ("µs", 1e6) if b < 0.01 else ("ms", 1e3)
        change = f"{(a / b - 1) * 100:+.1f} %" if b else "—"
        lines.append(f"| {key} | {b * scale:.2f} {unit} | {a * scale:.2f} {unit} | {change} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
