"""The `neetbox-protocol` command line: validate (exit codes, line numbers, event types, field
paths, --json, --strict, stdin, multi-line documents, bounded memory), schema and version."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DATA, examples

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


# ----------------------------------------------------------------------------- hostile input

#: What an attacker puts in an event type or a key: a terminal title and screen clear (OSC, BEL,
#: CSI as ESC [ and as C1 U+009B), bidi overrides and isolates, a BOM, NUL, DEL, and a line
#: break that forges a report line; plus printable non-ASCII that must survive.
HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e\u2066\u200f\u061c\ufeff\x00\x7f\u2028\r\nforged.jsonl:1: scalar: ok é😀"
BAD_SCALAR = '{"eventType": "scalar", "payload": {"x": "abc", "y": 1}}'
GOOD_SCALAR = '{"eventType": "scalar", "payload": {"x": 1, "y": 2}}'


def hostile_capture() -> tuple[bytes, int]:
    """JSON Lines that crashed or fooled the command, then a bad scalar (which must still be
    reported, on its line) and a good one; (the bytes, the bad scalar's line number)."""
    lines = [
        json.dumps({"eventType": HOSTILE, "payload": {}}).encode(),  # as escapes in the JSON text
        json.dumps({"eventType": HOSTILE, "payload": {}}, ensure_ascii=False).encode("utf-8", "surrogatepass"),  # raw
        json.dumps({"eventType": "action", "payload": {"name": "a", "args": {HOSTILE: 3}}}).encode(),  # in a path
        b'{"eventType": "\\ud800", "payload": {}}',  # a lone surrogate
        b'{"eventType": "log", "payload": {"\\udc00\\u001b": 1, "message": "m"}}',
        b'{"eventType": "sc\x00alar", "payload": {}}',  # raw NUL
        b"\x00\x00\xff\xfe\x80\xc3\x28 garbage \x1b[2J",  # binary
        b"\xef\xbb\xbf" + FRAMES[0].encode(),  # a BOM: refused, as loads refuses it
        FRAMES[0].encode() + b"\r",  # CRLF: valid
        BAD_SCALAR.encode(),
        GOOD_SCALAR.encode(),
    ]
    return b"\n".join(lines) + b"\n", len(lines) - 1


def unsafe_chars(text: str) -> set[str]:
    """The characters of ``text`` a terminal or log must not get raw (line ends aside)."""
    import unicodedata

    return {c for c in text.replace("\n", "") if c != " " and unicodedata.category(c)[0] in "CZ"}


def assert_safe_output(raw: bytes, as_json: bool) -> str:
    text = raw.decode("utf-8")  # strict: valid UTF-8, no lone surrogate
    assert not unsafe_chars(text), unsafe_chars(text)
    if as_json:
        doc = json.loads(text)

        def strings(v):
            if isinstance(v, str):
                yield v
            elif isinstance(v, dict):
                for k, x in v.items():
                    yield k
                    yield from strings(x)
            elif isinstance(v, list):
                for x in v:
                    yield from strings(x)

        assert not any(unsafe_chars(s) for s in strings(doc))  # the values themselves, escaped
    return text


@pytest.mark.parametrize("mode", [[], ["-q"], ["--json"]], ids=["text", "quiet", "json"])
def test_hostile_lines_never_crash_nor_reach_the_terminal_raw(tmp_path, mode):
    """Control and bidi characters are escaped in every line (problem lines, the summary, -q,
    --json keys and values); a lone surrogate, NUL, binary, a BOM or CRLF never crashes the
    command, and the lines after them are still checked."""
    data, bad_line = hostile_capture()
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(data)
    proc = cli("validate", *mode, str(path))
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    out = assert_safe_output(proc.stdout, "--json" in mode)
    assert_safe_output(proc.stderr, False)
    total = data.count(b"\n")
    if "--json" in mode:
        doc = json.loads(out)
        assert doc["total"] == total and doc["valid"] == 2  # the CRLF line and the last
        assert [m["line"] for m in doc["invalidMessages"]][-1] == bad_line
        assert "\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\u202e" in doc["invalidMessages"][0]["eventType"]
        return
    lines = out.splitlines()
    assert lines[-1] == f"{total} message(s) in {path}: {total - 2} invalid"
    if "-q" not in mode:
        problems = [line for line in lines if line.startswith(f"{path}:")]
        assert problems[-1].startswith(f"{path}:{bad_line}: scalar: payload.x: ")
        assert sum(1 for line in lines if "forged.jsonl" in line) == sum(1 for line in problems if "forged.jsonl" in line) + 1  # + the summary row
        assert not any(line.startswith("forged.jsonl") for line in lines)
    assert "\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\u202e" in out  # still there to read, escaped


def test_output_to_a_terminal_that_is_not_utf8_never_crashes(tmp_path):
    data, _ = hostile_capture()
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(data)
    for mode in ([], ["--json"]):
        proc = subprocess.run([sys.executable, "-m", "neetbox_protocol", "validate", *mode, str(path)], capture_output=True,
                              timeout=60, env={**os.environ, "PYTHONIOENCODING": "ascii"}, check=False)  # fmt: skip
        assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
        proc.stdout.decode("ascii")
        if mode:
            json.loads(proc.stdout)


def test_file_and_field_names_are_escaped_too(tmp_path):
    name = tmp_path / "cap\x1b[2J\u202e.jsonl"
    name.write_text(BAD_SCALAR + "\n")
    code, out, err = run("validate", str(name))
    assert code == 1 and not unsafe_chars(out) and "cap\\x1b[2J\\u202e.jsonl:1: scalar: payload.x" in out
    code, out, err = run("validate", "--json", str(name))
    assert not unsafe_chars(out) and json.loads(out)["file"].endswith("cap\\x1b[2J\\u202e.jsonl")
    code, out, err = run("validate", str(tmp_path / "missing\x1b[2J\n.jsonl"))
    assert code == 2 and not unsafe_chars(err) and "missing\\x1b[2J\\n.jsonl" in err
    code, out, err = run("validate", "--field", "fr\x1b[2Jame", "-", stdin=b'{"frame": 1}\n')
    assert code == 1 and not unsafe_chars(out) and "fr\\x1b[2Jame" in out
    (tmp_path / "empty\x07.jsonl").write_text("\n")
    code, out, err = run("validate", str(tmp_path / "empty\x07.jsonl"))
    assert code == 0 and "holds no messages" in err and not unsafe_chars(err + out)


def field_verdicts(record_objects: list[dict], field: str = "frame") -> list[tuple[int, list[str]]]:
    """(line, error paths) of each invalid record, as --json reports them."""
    data = "\n".join(json.dumps(r) for r in record_objects).encode() + b"\n"
    _, out, _ = run("validate", "--json", "--field", field, "-", stdin=data)
    return [(m["line"], [e["path"] for e in m["errors"]]) for m in json.loads(out)["invalidMessages"]]


def test_field_holding_an_object_follows_the_rules_of_text():
    """A message given as an object under --field gets the same verdict as the same message given
    as JSON text (and as EventMsg.loads of that text): before, an object with "x": true or
    "series": 3 passed."""
    from neetbox_protocol import EventMsg, ProtocolError

    base = json.loads(FRAMES[SCALAR])
    variants = [base, {**base, "series": 3}, {**base, "payload": {**base["payload"], "x": True}},
                {**base, "eventId": 1.5}, {**base, "payload": {**base["payload"], "y": "1"}}, {**base, "eventId": False}]  # fmt: skip
    expected = []
    for i, msg in enumerate(variants, 1):
        try:
            EventMsg.loads(json.dumps(msg))
        except ProtocolError as err:
            expected.append((i, [e["path"] for e in err.errors]))
    assert len(expected) >= 3  # the variants include messages text refuses
    as_text = field_verdicts([{"frame": json.dumps(m)} for m in variants])
    as_object = field_verdicts([{"frame": m} for m in variants])
    assert as_text == expected
    assert as_object == expected


def test_field_object_is_read_as_written(tmp_path):
    """The member is read from the line's own text, not re-written: a number token, an escape
    and a duplicate key reach loads as they were written."""
    from neetbox_protocol import EventMsg, ProtocolError

    members = [
        '{"eventType": "scalar", "payload": {"x": 1E400, "y": -0}}',
        '{"eventType": "log", "payload": {"message": "\\ud800", "whom": "w"}}',
        '{"eventType": "scalar", "payload": {"x": "a", "x": 1, "y": 2}}',
        '{"eventType": "scalar", "payload": {"x": 1, "y": 2}, "series": 3, "series": "s"}',
    ]
    records = [f'{{"seq": {i}, "frame": {m}, "frame2": 1}}' for i, m in enumerate(members)]
    _, out, _ = run("validate", "--json", "--field", "frame", "-", stdin="\n".join(records).encode())
    got = {m["line"]: [e["message"] for e in m["errors"]] for m in json.loads(out)["invalidMessages"]}
    for i, member in enumerate(members, 1):
        try:
            EventMsg.loads(member)
            assert i not in got
        except ProtocolError as err:
            assert got[i] == [e["message"] for e in err.errors]


def test_summary_memory_is_bounded_with_huge_distinct_event_types(tmp_path):
    """Distinct over-long event types (each refused: at most 63 characters) used to be kept whole
    in the summary: 100 lines of 1 MB peaked at 139 MB and printed a 101 MB summary. The summary
    keeps the first 64 characters of a type, and says so."""
    path = tmp_path / "types.jsonl"
    path.write_text("".join(json.dumps({"eventType": f"t{i:03d}_" + "a" * 500_000, "payload": {}}) + "\n" for i in range(40)))
    tracemalloc.start()
    try:
        code, out, _ = run("validate", "-q", str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    assert len(out) < 5_000, len(out)
    assert peak < 8_000_000, peak
    assert "40 message(s)" in out and "cut to their first 64 characters" in out
    code, out, _ = run("validate", "--json", str(path))
    doc = json.loads(out)
    assert len(out) < 20_000 and doc["invalid"] == 40
    assert all(len(t) <= 64 + 3 for t in doc["byEventType"]) and doc["summaryLimits"]["cutEventTypes"] == 40


def test_summary_keeps_a_bounded_number_of_event_types():
    """Valid event types this version does not know are unbounded in number: past MAX_EVENT_TYPES
    distinct ones, the rest are counted in one row, and the summary says so."""
    from neetbox_protocol import _cli

    n = _cli.MAX_EVENT_TYPES + 50
    data = "".join(f'{{"eventType": "later_{i}", "payload": {{}}}}\n' for i in range(n)).encode()
    code, out, _ = run("validate", "-", stdin=data)
    assert code == 0 and f"{n} message(s) in <stdin>: all valid" in out
    rows = [line for line in out.splitlines() if line.startswith("later_")]
    assert len(rows) == _cli.MAX_EVENT_TYPES
    assert any(line.split() == [_cli.OTHER_EVENT_TYPES, "50", "0"] for line in out.splitlines())
    assert f"more than {_cli.MAX_EVENT_TYPES} distinct event types" in out
    doc = json.loads(run("validate", "--json", "-", stdin=data)[1])
    assert len(doc["byEventType"]) == _cli.MAX_EVENT_TYPES + 1 and doc["byEventType"][_cli.OTHER_EVENT_TYPES] == {"valid": 50, "invalid": 0}
    assert doc["summaryLimits"]["otherMessages"] == 50


FUZZ_PIECES = [b'{"eventType": "scalar", "payload": {"x": 1, "y": 2}}', b'{"eventType": "\\ud800"}', b"\\u001b", b"\x1b", b"\xe2\x80\xae",
               b"\xc2\x9b", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\r", b"{", b"}", b"[", b"]", b'"', b",", b":", b"\\", b"\\ud83d"]  # fmt: skip


@st.composite
def hostile_lines(draw) -> bytes:
    """Any bytes, often built from the pieces that broke the command, with a frame mixed in."""
    parts = draw(st.lists(st.one_of(st.sampled_from(FUZZ_PIECES), st.binary(max_size=12),
                                    st.sampled_from(FRAMES).map(str.encode)), max_size=8))  # fmt: skip
    return b"".join(parts)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_lines(), min_size=1, max_size=4), st.sampled_from([[], ["-q"], ["--json"], ["--field", "frame"], ["--format", "json"], ["--format", "jsonl"]]))
def test_fuzz_any_bytes_exit_0_or_1_escaped_and_json_valid(lines, mode):
    """Any bytes: exit 0 or 1, the output is UTF-8 without control or bidi characters, --json is
    one valid document, and no check ever fails inside the command (no internal error)."""
    data = b"\n".join([*lines, BAD_SCALAR.encode()]) + b"\n"  # a last line, always checked as JSON Lines
    out, err = io.BytesIO(), io.BytesIO()
    outw, errw = io.TextIOWrapper(out, encoding="utf-8"), io.TextIOWrapper(err, encoding="utf-8")  # strict, as a real stdout
    code = main(["validate", *mode, "-"], stdout=outw, stderr=errw, stdin=io.BytesIO(data))
    outw.flush(), errw.flush()
    assert code in (0, 1)
    text = assert_safe_output(out.getvalue(), "--json" in mode)
    assert_safe_output(err.getvalue(), False)
    assert "internal_error" not in text and "internal error" not in text
    if mode == ["--format", "jsonl"]:
        assert code == 1 and text.splitlines()[-1].endswith(" invalid")
        last = data.count(b"\n")
        assert f"<stdin>:{last}: scalar: payload.x: " in text
