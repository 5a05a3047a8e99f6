"""The `neetbox-protocol` command line: validate (exit codes, line numbers, event types, field
paths, --json, --strict, stdin, multi-line documents, bounded memory), schema and version."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc

import pytest
from support import DATA

import neetbox_protocol
from neetbox_protocol import PROTOCOL_VERSION, __version__, schema, schema_names
from neetbox_protocol._cli import main

VECTORS = DATA / "neetbox-0.6.0-wire.jsonl"
FRAMES = [json.loads(line)["frame"] for line in VECTORS.read_text(encoding="utf-8").splitlines() if line.strip()]
SCALAR = next(i for i, f in enumerate(FRAMES) if json.loads(f)["eventType"] == "scalar")


def run(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """main(argv) in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.BytesIO(stdin) if stdin is not None else None)
    return code, out.getvalue(), err.getvalue()


def cli(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The real thing: `python -m neetbox_protocol ...` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "neetbox_protocol", *argv], input=stdin, capture_output=True, timeout=60)


@pytest.fixture
def bad_capture(tmp_path):
    """The wire frames as JSON Lines, with line SCALAR+1 broken (payload.x not a number) and a
    blank line and a line that is not JSON at the end."""
    frames = list(FRAMES)
    frames[SCALAR] = frames[SCALAR].replace('"x":', '"x":"abc","was":', 1)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(frames) + "\n\n{oops\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- validate


def test_wire_vectors_are_all_valid_with_field_frame():
    code, out, err = run("validate", "--field", "frame", str(VECTORS))
    assert code == 0, out
    assert f"{len(FRAMES)} message(s) in {VECTORS}: all valid" in out
    assert "scalar" in out and "handshake" in out  # the per-event-type summary


def test_wire_vectors_via_the_console_script_and_python_m():
    proc = cli("validate", "--field", "frame", str(VECTORS))
    assert proc.returncode == 0, proc.stderr
    assert b"all valid" in proc.stdout


def test_records_without_field_get_a_hint():
    code, out, err = run("validate", str(VECTORS))
    assert "--field frame" in err


def test_bad_line_exits_1_naming_line_event_type_and_path(bad_capture):
    code, out, err = run("validate", str(bad_capture))
    assert code == 1
    lines = out.splitlines()
    assert f"{bad_capture}:{SCALAR + 1}: scalar: payload.x: Input should be a number" in lines[0]
    assert lines[1].startswith(f"{bad_capture}:{len(FRAMES) + 2}: <none>: <message>: Invalid JSON")
    assert f"{len(FRAMES) + 1} message(s) in {bad_capture}: 2 invalid" in out
    assert any(line.split() == ["scalar", str(sum(1 for f in FRAMES if '"scalar"' in f) - 1), "1"] for line in lines)


def test_subprocess_exit_status_1_on_a_bad_line(bad_capture):
    proc = cli("validate", str(bad_capture))
    assert proc.returncode == 1
    assert f":{SCALAR + 1}: scalar: payload.x:".encode() in proc.stdout


def test_json_output_is_one_parseable_document(bad_capture):
    code, out, _ = run("validate", "--json", str(bad_capture))
    assert code == 1
    doc = json.loads(out)
    assert doc["total"] == len(FRAMES) + 1 and doc["invalid"] == 2 and doc["valid"] == len(FRAMES) - 1
    first = doc["invalidMessages"][0]
    assert first["line"] == SCALAR + 1 and first["eventType"] == "scalar"
    assert first["errors"][0]["path"] == "payload.x" and first["errors"][0]["type"]
    assert doc["byEventType"]["scalar"]["invalid"] == 1
    code, out, _ = run("validate", "--json", "--field", "frame", str(VECTORS))
    assert code == 0 and json.loads(out)["invalidMessages"] == []


def test_strict_rejects_unknown_event_types():
    msg = b'{"eventType": "future_thing", "payload": [1]}\n'
    assert run("validate", "-", stdin=msg)[0] == 0
    code, out, _ = run("validate", "--strict", "-", stdin=msg)
    assert code == 1 and "<stdin>:1: future_thing: eventType: unknown event type" in out


def test_stdin_dash_in_a_subprocess():
    data = "\n".join(FRAMES[:5]).encode()
    proc = cli("validate", "-", stdin=data)
    assert proc.returncode == 0 and b"5 message(s) in <stdin>: all valid" in proc.stdout


def test_one_pretty_printed_message(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(json.loads(FRAMES[SCALAR]), indent=2))
    assert run("validate", str(path))[0] == 0
    bad = json.loads(FRAMES[SCALAR])
    bad["eventId"] = "abc"
    path.write_text("\n" + json.dumps(bad, indent=2))
    code, out, _ = run("validate", str(path))
    assert code == 1 and f"{path}:2: scalar: eventId:" in out


def test_pretty_printed_sequence_and_array(tmp_path):
    docs = [json.loads(f) for f in FRAMES[:6]]
    seq = tmp_path / "seq.json"
    seq.write_text("\n".join(json.dumps(d, indent=2) for d in docs))
    code, out, _ = run("validate", str(seq))
    assert code == 0 and "6 message(s)" in out
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps(docs))  # one line, a top-level array
    code, out, _ = run("validate", str(arr))
    assert code == 0 and "6 message(s)" in out
    docs[3]["runId"] = "../etc"
    arr.write_text(json.dumps(docs, indent=1))
    code, out, _ = run("validate", "--json", str(arr))
    bad = json.loads(out)["invalidMessages"]
    assert code == 1 and [b["errors"][0]["path"] for b in bad] == ["runId"]
    assert bad[0]["line"] == 1 + sum(len(json.dumps(d, indent=1).splitlines()) for d in docs[:3]) + 1


def test_strings_with_braces_do_not_confuse_the_document_splitter(tmp_path):
    doc = {"eventType": "log", "payload": {"whom": "a } \" [ {", "message": "\\\" }}"}}
    path = tmp_path / "tricky.json"
    path.write_text(json.dumps(doc, indent=2) + json.dumps(doc, indent=2))
    code, out, _ = run("validate", str(path))
    assert code == 0 and "2 message(s)" in out


def test_field_problems_are_reported_per_line(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text('{"frame": 3}\n{"other": 1}\n[1]\n', encoding="utf-8")
    code, out, _ = run("validate", "--field", "frame", "--format", "jsonl", str(path))
    assert code == 1
    assert ":1: <none>: <message>: member 'frame' is a JSON int" in out
    assert ":2: <none>: <message>: no member 'frame'" in out
    assert ":3: <none>: <message>: no member 'frame'" in out


def test_field_may_hold_an_object():
    record = json.dumps({"seq": 1, "msg": json.loads(FRAMES[SCALAR])}).encode()
    assert run("validate", "--field", "msg", "-", stdin=record)[0] == 0


def test_oversized_line_is_reported_and_skipped(tmp_path):
    path = tmp_path / "big.jsonl"
    big = json.loads(FRAMES[SCALAR])
    big["series"] = "s" * 5000
    path.write_text(FRAMES[0] + "\n" + json.dumps(big) + "\n" + FRAMES[1] + "\n")
    code, out, _ = run("validate", "--max-bytes", "2000", str(path))
    assert code == 1 and ":2: <none>: <message>: message is" in out and "over the limit of 2000" in out
    assert "3 message(s)" in out


def test_quiet_prints_only_the_summary(bad_capture):
    code, out, _ = run("validate", "-q", str(bad_capture))
    assert code == 1 and "payload.x" not in out and "2 invalid" in out


def test_empty_input_is_valid_with_a_warning():
    code, out, err = run("validate", "-", stdin=b"\n\n")
    assert code == 0 and "holds no messages" in err


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["validate", "/no/such/capture.jsonl"], "cannot open /no/such/capture.jsonl"),
        (["validate"], "the following arguments are required: FILE"),
        (["validate", "--format", "xml", "x"], "invalid choice"),
        (["validate", "--bogus", "x"], "unrecognized arguments"),
        (["validate", "--max-bytes", "0", "-"], "--max-bytes must be"),
        (["nope"], "invalid choice"),
        ([], "give a command"),
        (["schema", "no-such"], "no schema named 'no-such'"),
        (["schema", "message", "--bundle"], "not both"),
    ],
)
def test_usage_errors_exit_2_and_say_what_to_do(argv, expected):
    code, out, err = run(*argv, stdin=b"")
    assert code == 2
    assert expected in err


def test_a_directory_is_a_usage_error(tmp_path):
    code, _, err = run("validate", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_help_of_each_command():
    for argv in (["--help"], ["validate", "--help"], ["schema", "--help"], ["version", "--help"]):
        proc = cli(*argv)
        assert proc.returncode == 0 and b"usage: neetbox-protocol" in proc.stdout
    assert b"exit status: 0" in cli("validate", "--help").stdout


def test_memory_stays_bounded_on_a_large_capture(tmp_path):
    """~50 MB of JSON Lines is checked with a peak of a few MB: nothing holds the whole file."""
    path = tmp_path / "large.jsonl"
    log = json.loads(next(f for f in FRAMES if '"eventType":"log"' in f))
    log["payload"]["message"] = "x" * 100_000
    line = (json.dumps(log) + "\n").encode()
    small = "\n".join(FRAMES).encode() + b"\n"
    with open(path, "wb") as f:
        for i in range(500):
            f.write(line)
            if i % 25 == 0:
                f.write(small)
    size = path.stat().st_size
    assert size > 50_000_000
    tracemalloc.start()
    try:
        code, out, _ = run("validate", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0
    assert f"{500 + 20 * len(FRAMES)} message(s) in {path}: all valid" in out
    assert peak < 8_000_000, f"peak {peak} bytes for a {size} byte file"


def test_memory_stays_bounded_on_a_large_single_line_array(tmp_path):
    path = tmp_path / "array.json"
    log = json.loads(next(f for f in FRAMES if '"eventType":"log"' in f))
    log["payload"]["message"] = "y" * 100_000
    item = json.dumps(log).encode()
    with open(path, "wb") as f:
        f.write(b"[")
        for i in range(200):
            f.write((b"," if i else b"") + item)
        f.write(b"]")
    tracemalloc.start()
    try:
        code, out, _ = run("validate", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 0 and "200 message(s)" in out
    assert peak < 8_000_000, peak


def test_progress_bar_only_on_a_terminal_for_large_files(tmp_path, monkeypatch):
    from neetbox_protocol import _cli

    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(FRAMES * 3) + "\n")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(_cli._Progress, "update", lambda self, done, n: (setattr(self, "shown", True), self.stream.write("[#]"))[0])
    out, err = io.StringIO(), Tty()
    assert main(["validate", str(path)], stdout=out, stderr=err) == 0
    assert "[#]" not in err.getvalue()  # under PROGRESS_MIN_BYTES
    monkeypatch.setattr(_cli, "PROGRESS_MIN_BYTES", 1)
    err = Tty()
    assert main(["validate", str(path)], stdout=out, stderr=err) == 0
    assert "[#]" in err.getvalue() and err.getvalue().endswith("\r\033[K")
    err = io.StringIO()  # not a terminal: never
    assert main(["validate", str(path)], stdout=out, stderr=err) == 0
    assert err.getvalue() == ""
    err = Tty()
    assert main(["validate", "--no-progress", str(path)], stdout=out, stderr=err) == 0
    assert err.getvalue() == ""


# ----------------------------------------------------------------------------- schema, version


def test_schema_lists_prints_and_bundles():
    code, out, _ = run("schema")
    assert code == 0 and out.split() == schema_names()
    code, out, _ = run("schema", "payloads/scalar")
    assert code == 0 and json.loads(out) == schema("payloads/scalar")
    code, out, _ = run("schema", "--bundle")
    assert code == 0 and json.loads(out) == schema("bundle")
    assert json.loads(run("schema", "message.schema.json")[1]) == schema("message")


def test_schema_out_exports_files(tmp_path):
    code, out, _ = run("schema", "--out", str(tmp_path / "all"))
    assert code == 0
    written = sorted(p.relative_to(tmp_path / "all").as_posix() for p in (tmp_path / "all").rglob("*.json"))
    assert written == sorted(f"{n}.schema.json" for n in schema_names())
    assert json.loads((tmp_path / "all" / "payloads" / "log.schema.json").read_text()) == schema("payloads/log")
    code, out, _ = run("schema", "--bundle", "--out", str(tmp_path / "b"))
    assert code == 0 and [p.name for p in (tmp_path / "b").iterdir()] == ["bundle.schema.json"]
    (tmp_path / "file").write_text("")
    assert run("schema", "--out", str(tmp_path / "file"))[0] == 2


def test_version():
    code, out, _ = run("version")
    assert code == 0 and f"neetbox-protocol {__version__}" in out and f"protocol {PROTOCOL_VERSION}" in out
    code, out, _ = run("version", "--json")
    assert json.loads(out)["protocol"] == PROTOCOL_VERSION
    proc = cli("--version")
    assert proc.returncode == 0 and __version__.encode() in proc.stdout


def test_console_script_entry_point_is_declared():
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "neetbox-protocol"]
    assert ep.value == "neetbox_protocol._cli:main"
    assert ep.load() is main
    assert neetbox_protocol._cli.main is main


@pytest.mark.parametrize("chunk", [1, 2, 7, 64])
def test_document_splitter_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    """Strings, escapes and braces that straddle the reader's chunks are split correctly."""
    from neetbox_protocol import _cli

    monkeypatch.setattr(_cli, "_CHUNK", chunk)
    docs = [{"eventType": "log", "payload": {"whom": 'a\\"}{ [', "message": "\\\\\"]\"" * 3}},
            json.loads(FRAMES[SCALAR]), {"eventType": "log", "payload": {"whom": 1, "message": "m"}}]  # fmt: skip
    path = tmp_path / "docs.json"
    path.write_text(json.dumps(docs, indent=2))
    code, out, _ = run("validate", "--json", str(path))
    doc = json.loads(out)
    assert code == 1 and doc["total"] == 3
    assert [(m["line"], m["errors"][0]["path"]) for m in doc["invalidMessages"]] == [
        (len(json.dumps(docs[:2], indent=2).splitlines()), "payload.whom")  # "[" + two docs
    ]


def test_output_cut_short_by_a_closed_pipe_is_not_success(tmp_path):
    """`validate big.jsonl | head -1`: no traceback, and not exit 0 (the result is unknown)."""
    path = tmp_path / "many-bad.jsonl"
    path.write_text('{"eventType": "scalar", "payload": {"x": "abc", "y": 1}}\n' * 20000)
    proc = subprocess.Popen([sys.executable, "-m", "neetbox_protocol", "validate", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert b"Traceback" not in stderr
