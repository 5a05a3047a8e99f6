"""`make bench` still runs: bench/run.py in its quick mode produces every figure, ratio and target.

No timing is asserted here (times on a shared 2-core machine are not test material); the real
numbers come from `make bench` and are in the README. Skipped unless the bench extra (msgspec,
orjson) is installed: `make bench` installs it, `make test` alone does not.
"""

import json
import subprocess
import sys

import pytest
from support import ROOT

pytest.importorskip("msgspec")
pytest.importorskip("orjson")

BASELINES = {"stdlib", "msgspec", "orjson"}


def test_quick_bench_produces_every_figure(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(out.read_text(encoding="utf-8"))

    per = res["per_message"]
    assert set(per) == {"loads_str", "loads_bytes", "dumps", "json", "merge"}
    assert set(per["loads_str"]) == {"ours", *BASELINES, "jsonschema"}
    assert set(per["loads_bytes"]) == set(per["dumps"]) == {"ours", *BASELINES}
    assert set(per["json"]) == set(per["merge"]) == {"ours", "stdlib", "msgspec"}
    for figure in per.values():
        for impl in figure.values():
            assert impl["min"] > 0 and impl["median"] > 0 and impl["samples"]

    for size in ("small", "large"):
        batch = res["batches"][size]
        assert batch["n"] > 0 and {"ours", *BASELINES} <= set(batch)
    assert res["batches"]["large"]["n"] > res["batches"]["small"]["n"]

    assert {"ours", "pydantic", "pydantic_bare", "stdlib", "msgspec", "orjson"} <= set(res["imports"])
    assert all(v["median"] > 0 for v in res["imports"].values())
    from neetbox_protocol import EVENT_CLASSES

    assert set(res["first_message"]) == set(EVENT_CLASSES)  # every event type, derived from the schemas
    assert all(t > 0 for v in res["first_message"].values() for t in v.values())
    assert set(res["memory"]) == {"ours", *BASELINES}
    assert all(v["bytes_per_message"] > 0 for v in res["memory"].values())

    assert len(res["targets"]) == 12 + len(res["by_event_type"])  # one loads target per event type of the mix
    assert res["worst_case"]["shapes"] and all(c["ms_per_mb"] >= 0 for row in res["worst_case"]["shapes"].values() for c in row.values())
    assert set(res["pydantic_native"]) == {"loads", "message_adapter", "known_adapter"}
    sys.path.insert(0, str(ROOT / "bench"))
    import server_path

    assert set(res["server_path"]) == {*server_path.ROWS, "frames"}  # neetbox's server, call by call
    for row in server_path.ROWS:
        assert set(res["server_path"][row]) == {"ours", "stdlib"} and all(v["min"] > 0 for v in res["server_path"][row].values())
    for target in res["targets"]:
        assert isinstance(target["met"], bool) and isinstance(target["measured"], float)
    for key in ("loads_str", "loads_bytes", "dumps", "json", "merge", "import", "memory"):
        assert res["ratios"][key] and all(r > 0 for r in res["ratios"][key].values())

    # the printed report has a row for every measurement and every target
    for label in ("loads(str)", "loads(bytes)", "dumps()", ".json", "merge(", "batch of", "import (", "memory,", "first message", "server's path"):
        assert label in proc.stdout
    for target in res["targets"]:
        assert target["target"] in proc.stdout
