"""The ``neetbox-protocol`` command line (also ``python -m neetbox_protocol``).

    neetbox-protocol validate FILE|-     check a capture of messages (JSON Lines or one JSON document)
    neetbox-protocol schema [NAME]       list, print or export the published JSON Schemas
    neetbox-protocol version             the package's and the protocol's versions

Standard library only (argparse): the command adds no runtime dependency. ``validate`` streams
its input line by line (memory stays bounded whatever the file's size) and exits 0 when every
message is valid, 1 when any is not, 2 on a usage error (bad flag, missing file).
"""

# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (the command reads JSON values of any shape: isinstance narrows them to dict[Unknown, Unknown])

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NoReturn

from ._text import escape

__all__ = ["main"]

PROG = "neetbox-protocol"

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the output was cut short, so the result is unknown

#: Inputs smaller than this never show a progress bar (it would only flicker).
PROGRESS_MIN_BYTES = 16 * 1024 * 1024

#: Event type shown for a message whose eventType cannot be read.
NO_EVENT_TYPE = "<none>"

#: An event type is shown (and counted in the summary) by at most its first this many
#: characters, then "..." (a valid one has at most 63: a longer one is always invalid).
MAX_EVENT_TYPE_CHARS = 64

#: The summary keeps a row for at most this many distinct event types; messages of the types
#: after them are counted in one row, OTHER_EVENT_TYPES (memory stays bounded: valid event
#: types this version does not know are unbounded in number).
MAX_EVENT_TYPES = 1000
OTHER_EVENT_TYPES = "<other>"

#: The ``type`` of a problem raised inside the command itself rather than by the protocol's
#: checks (a bug: please report it); the message is reported and the next one checked.
INTERNAL_ERROR = "internal_error"

_CHUNK = 1024 * 1024
_HEAD = 64 * 1024


class UsageError(Exception):
    """A problem with how the command was called: exit status 2, the message says what to do."""


# ----------------------------------------------------------------------------- reading input


class _CountingReader:
    """Wraps the binary input and counts the bytes read (for the progress bar)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.count = 0

    def readline(self, limit: int = -1) -> bytes:
        data = self.raw.readline(limit)
        self.count += len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


def _drain_line(stream: _CountingReader, line: bytes) -> int:
    """Skip the rest of an oversized line (in chunks, never held whole); its size."""
    size = len(line)
    while line and not line.endswith(b"\n"):
        line = stream.readline(_CHUNK)
        size += len(line)
    return size


def _read_lines(stream: _CountingReader, limit: int, lineno: int = 0) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line, size) for each physical line; the line is None when it is longer
    than ``limit`` bytes."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield lineno, line, len(line)
        else:
            yield lineno, None, _drain_line(stream, line)


_TOP = re.compile(rb"[{\[\]]")  # outside any message: where the next one starts
_TOKEN = re.compile(rb'["{}\[\]]')  # inside a message: strings and nesting
_STRING_END = re.compile(rb'["\\]')
_BLANK = b" \t\r\n,"


def _read_documents(stream: _CountingReader, prefix: bytes, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(start line, text, size) of each top-level JSON value in a stream of JSON objects that
    may span lines (pretty-printed, concatenated, or the elements of one top-level array).
    Reads fixed-size chunks and splits on braces outside strings, so one message at a time is
    held (None when it is over ``limit`` bytes), even for a single-line 1 GB array."""
    lineno, counted = 1, 0
    depth = 0
    in_string = in_array = skip_next = False
    parts: list[bytes] | None = None
    size = start_line = seg = 0
    over = False
    chunk = prefix

    def line_at(p: int) -> int:
        nonlocal lineno, counted
        lineno += chunk.count(b"\n", counted, p)
        counted = p
        return lineno

    def add(piece: bytes) -> None:
        nonlocal size, over
        size += len(piece)
        if over or size > limit:
            over = True
            parts.clear()  # type: ignore[union-attr]  # add() runs while a message is open: a list
        else:
            parts.append(piece)  # type: ignore[union-attr]  # (the same)

    while True:
        if not chunk:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
        pos = counted = seg = 0
        if skip_next:  # the character after a backslash that ended the last chunk
            pos, skip_next = 1, False
        n = len(chunk)
        while pos < n:
            if in_string:
                m = _STRING_END.search(chunk, pos)
                if m is None:
                    break
                if m.group() == b"\\":
                    pos = m.end() + 1
                    skip_next = pos > n
                    continue
                in_string, pos = False, m.end()
                continue
            if depth == 0:
                m = _TOP.search(chunk, pos)
                end = m.start() if m else n
                junk = chunk[pos:end].strip(_BLANK)
                if junk:  # text outside any message: report it as one
                    at = pos + chunk[pos:end].index(junk[:1])
                    yield line_at(at), junk[:limit], len(junk)
                if m is None:
                    break
                pos = m.end()
                if m.group() == b"[" and not in_array:
                    in_array = True
                elif m.group() == b"]":
                    if not in_array:
                        yield line_at(m.start()), b"]", 1
                    in_array = False
                else:  # a message starts
                    start_line, seg, depth = line_at(m.start()), m.start(), 1
                    parts, size, over = [], 0, False
                continue
            m = _TOKEN.search(chunk, pos)
            if m is None:
                break
            pos = m.end()
            tok = m.group()
            if tok == b'"':
                in_string = True
            elif tok in (b"{", b"["):
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    add(chunk[seg:pos])
                    yield start_line, None if over else b"".join(parts), size  # type: ignore[arg-type]  # open: a list
                    parts = None
        if parts is not None:
            add(chunk[seg:])
        line_at(n)
        chunk = b""
    if parts is not None:  # a message that never closes: the parser says why
        yield start_line, None if over else b"".join(parts), size


def _messages(stream: _CountingReader, fmt: str, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """The input's messages as (line number, text or None when over ``limit``, size)."""
    if fmt == "jsonl":
        yield from _read_lines(stream, limit)
        return
    # auto / json: the first non-blank line decides (read in a small head first, so a huge
    # single-line array is not held whole just to look at its first character)
    prefix: list[bytes] = []
    line = b""
    while True:
        line = stream.readline(_HEAD)
        if not line:
            break
        prefix.append(line)
        if line.strip():
            break
    first = line.lstrip()[:1]
    if fmt == "json" or first == b"[":
        yield from _read_documents(stream, b"".join(prefix), limit)
        return
    if len(line) == _HEAD and not line.endswith(b"\n"):  # a long first line: up to the limit
        line += stream.readline(limit + 1 - len(line))
        prefix[-1] = line
    truncated = len(line) > limit and not line.endswith(b"\n")
    if first == b"{" and (truncated or not _parses(line)):
        yield from _read_documents(stream, b"".join(prefix), limit)
        return
    lineno = len(prefix)
    for i, text in enumerate(prefix[:-1], 1):  # blank lines
        yield i, text, len(text)
    if prefix:
        yield (lineno, None, _drain_line(stream, line)) if truncated else (lineno, line, len(line))
    yield from _read_lines(stream, limit, lineno)


def _parses(text: bytes) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# ----------------------------------------------------------------------------- progress


class _Progress:
    """A one-line progress bar on stderr: shown only when stderr is a terminal and the input is
    a regular file of at least PROGRESS_MIN_BYTES (so pipes, CI logs and --json consumers never
    see control characters)."""

    def __init__(self, total: int | None, stream: IO[str]):
        self.total = total
        self.stream = stream
        self.done = 0
        self.shown = False
        self.start = self.last = time.monotonic()

    @classmethod
    def for_input(cls, source: IO[bytes], stream: IO[str], enabled: bool) -> _Progress | None:
        if not enabled or not _isatty(stream):
            return None
        try:
            st = os.fstat(source.fileno())
        except (OSError, ValueError, AttributeError):
            return None
        import stat

        if not stat.S_ISREG(st.st_mode) or st.st_size < PROGRESS_MIN_BYTES:
            return None
        return cls(st.st_size, stream)

    def update(self, done: int, messages: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        frac = min(1.0, self.done / self.total) if self.total else 0.0
        width = 30
        bar = "#" * int(frac * width)
        rate = self.done / max(now - self.start, 1e-9) / 1e6
        self.stream.write(f"\r[{bar:<{width}}] {frac * 100:5.1f}%  {messages} messages  {rate:.0f} MB/s ")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# ----------------------------------------------------------------------------- validate


def _event_type_of(text: bytes | str | dict[str, Any] | None) -> str:
    """The eventType of a message whose validation failed, if it can be read at all."""
    data = text
    if isinstance(text, (bytes, str)):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return NO_EVENT_TYPE
    if isinstance(data, dict) and isinstance(data.get("eventType"), str) and data["eventType"]:
        return data["eventType"]  # type: ignore[no-any-return]  # a str (checked above)
    return NO_EVENT_TYPE


def _check_one(text: bytes, field: str | None, strict: bool, max_bytes: int) -> tuple[str, list[dict[str, str]] | None]:
    """Validate one message: (its event type, its errors or None)."""
    from ._runtime import ProtocolError
    from .models.envelope_schema import EventMsg

    source: Any = text
    if field is not None:
        try:
            doc = text.decode("utf-8")
            outer = json.loads(doc)
        except (ValueError, RecursionError) as exc:
            return NO_EVENT_TYPE, [{"path": "", "message": f"not JSON: {exc}", "type": "json_invalid"}]
        if not isinstance(outer, dict) or field not in outer:
            what = "an object" if isinstance(outer, dict) else f"a JSON {type(outer).__name__}, not an object"
            return NO_EVENT_TYPE, [{"path": "", "message": f"no member {field!r} holding the message (the line is {what}); check --field", "type": "field_missing"}]
        source = outer[field]
        if isinstance(source, dict):  # the message as written in the line: read with the rules of text
            start, end = _member_span(doc, field)
            source = doc[start:end].encode("utf-8")
        elif not isinstance(source, str):
            return NO_EVENT_TYPE, [{"path": "", "message": f"member {field!r} is a JSON {type(source).__name__}; it must hold the message as an object or as JSON text", "type": "field_type"}]
    try:
        msg = EventMsg.loads(source, strict=strict, max_bytes=max_bytes)
    except ProtocolError as err:
        return _event_type_of(source), err.errors
    return msg.event_type, None


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip_ws(doc: str, i: int) -> int:
    m = _WS.match(doc, i)
    return m.end() if m else i


def _member_span(doc: str, name: str) -> tuple[int, int]:
    """Where the value of member ``name`` is written in ``doc``, the text of a JSON object that
    json.loads read and found ``name`` in: (start, end) of its last occurrence (json.loads keeps
    the last of repeated keys). Walks the object's top level with the json module's own decoder
    (each key and value read by ``raw_decode``), so the member's text is exactly what the line
    holds."""
    found = (0, 0)
    i = _skip_ws(doc, 0) + 1  # after "{"
    while True:
        i = _skip_ws(doc, i)
        if doc[i] == "}":
            return found
        key, i = _DECODER.raw_decode(doc, i)
        i = _skip_ws(doc, _skip_ws(doc, i) + 1)  # after ":"
        _, end = _DECODER.raw_decode(doc, i)
        if key == name:
            found = (i, end)
        i = _skip_ws(doc, end)
        if doc[i] == ",":
            i += 1


def _shown_type(event_type: str) -> str:
    """An event type as the report shows it: its first MAX_EVENT_TYPE_CHARS characters (then
    "..."), not yet escaped."""
    if len(event_type) > MAX_EVENT_TYPE_CHARS:
        return event_type[:MAX_EVENT_TYPE_CHARS] + "..."
    return event_type


def _safe_errors(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"path": escape(e["path"]), "message": escape(e["message"]), "type": escape(e["type"])} for e in errors]


class _Summary:
    """Valid and invalid messages per event type, in bounded memory: each type by its shown
    form (cut to MAX_EVENT_TYPE_CHARS), at most MAX_EVENT_TYPES rows, then OTHER_EVENT_TYPES."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}
        self.cut = 0  # messages whose event type was cut
        self.other = 0  # messages counted under OTHER_EVENT_TYPES

    def add(self, shown: str, cut: bool, invalid: bool) -> None:
        if cut:
            self.cut += 1
        row = self.counts.get(shown)
        if row is None:
            if len(self.counts) >= MAX_EVENT_TYPES:
                self.other += 1
                row = self.counts.setdefault(OTHER_EVENT_TYPES, [0, 0])
            else:
                row = self.counts[shown] = [0, 0]
        row[1 if invalid else 0] += 1

    def notes(self) -> list[str]:
        notes = []
        if self.cut:
            notes.append(f"{self.cut} message(s) have an event type over {MAX_EVENT_TYPE_CHARS} characters "
                         f"(never valid): they are cut to their first {MAX_EVENT_TYPE_CHARS} characters and marked ...")  # fmt: skip
        if self.other:
            notes.append(f"more than {MAX_EVENT_TYPES} distinct event types: {self.other} message(s) of the "
                         f"types after the first {MAX_EVENT_TYPES} are counted as {OTHER_EVENT_TYPES}")  # fmt: skip
        return notes


class _Report:
    """Writes the per-message problems and the summary, as text or as one JSON document that is
    streamed out (so memory stays bounded however many messages are bad). Every string that
    comes from the input (file name, event type, path, message) is written through ``escape``,
    so no control or bidi character reaches the terminal or log, nor a line break that would
    forge a report line; JSON is written as ASCII (valid whatever the output's encoding)."""

    def __init__(self, out: IO[str], as_json: bool, name: str, quiet: bool):
        self.out = out
        self.as_json = as_json
        self.name = escape(name)
        self.quiet = quiet
        self.first = True
        if as_json:
            out.write("{" + f'"file": {json.dumps(self.name)}, "invalidMessages": [')

    def invalid(self, line: int, event_type: str, errors: list[dict[str, str]]) -> None:
        if self.as_json:
            item = {"line": line, "eventType": escape(event_type), "errors": _safe_errors(errors)}
            self.out.write(("\n  " if self.first else ",\n  ") + json.dumps(item))
            self.first = False
            return
        if self.quiet:
            return
        shown = escape(event_type)
        for err in errors:
            path = escape(err["path"]) or "<message>"
            self.out.write(f"{self.name}:{line}: {shown}: {path}: {escape(err['message'])}\n")

    def summary(self, summary: _Summary, total: int, bad: int) -> None:
        counts: dict[str, list[int]] = {}
        for t, (v, i) in summary.counts.items():  # two types may read the same escaped ("\x1b", ESC)
            row = counts.setdefault(escape(t), [0, 0])
            row[0] += v
            row[1] += i
        if self.as_json:
            by_type = {t: {"valid": v, "invalid": i} for t, (v, i) in sorted(counts.items())}
            limits = {"eventTypeChars": MAX_EVENT_TYPE_CHARS, "eventTypes": MAX_EVENT_TYPES,
                      "cutEventTypes": summary.cut, "otherMessages": summary.other}  # fmt: skip
            tail = {"total": total, "valid": total - bad, "invalid": bad, "byEventType": by_type, "summaryLimits": limits}
            self.out.write(("" if self.first else "\n") + "],\n" + json.dumps(tail)[1:] + "\n")
            return
        width = max([len("event type"), *(len(t) for t in counts)])
        self.out.write(f"\n{'event type':<{width}}  {'valid':>8}  {'invalid':>8}\n")
        for t, (v, i) in sorted(counts.items()):
            self.out.write(f"{t:<{width}}  {v:>8}  {i:>8}\n")
        for note in summary.notes():
            self.out.write(f"note: {note}\n")
        verdict = "all valid" if bad == 0 else f"{bad} invalid"
        self.out.write(f"{total} message(s) in {self.name}: {verdict}\n")


def cmd_validate(args: argparse.Namespace, out: IO[str], err: IO[str], stdin: IO[bytes] | None) -> int:
    from ._runtime import DEFAULT_MAX_BYTES

    max_bytes = args.max_bytes if args.max_bytes is not None else DEFAULT_MAX_BYTES
    if max_bytes <= 0:
        raise UsageError("--max-bytes must be a positive number of bytes")
    if args.file == "-":
        source = stdin if stdin is not None else sys.stdin.buffer
        name = "<stdin>"
        close = False
    else:
        path = Path(args.file)
        if path.is_dir():
            raise UsageError(f"{escape(args.file)} is a directory; pass a capture file (JSON Lines or one JSON message), or - to read standard input")
        try:
            source = open(path, "rb")
        except OSError as exc:
            raise UsageError(f"cannot open {escape(args.file)}: {escape(str(exc.strerror or exc))}; pass a capture file (JSON Lines or one JSON message), or - to read standard input") from None
        name = args.file
        close = True
    report = _Report(out, args.json, name, args.quiet)
    progress = _Progress.for_input(source, err, enabled=not args.no_progress)
    reader = _CountingReader(source)
    summary = _Summary()
    total = bad = 0
    hinted = args.field is not None
    errors: list[dict[str, str]] | None
    try:
        for lineno, text, size in _messages(reader, args.format, max_bytes):
            if progress is not None:
                progress.update(reader.count, total)
            if text is not None and not text.strip():
                continue
            total += 1
            if text is None:
                event_type, errors = NO_EVENT_TYPE, [{"path": "", "message": f"message is {size} bytes, over the limit of {max_bytes} (see --max-bytes)", "type": "too_large"}]
            else:
                try:
                    event_type, errors = _check_one(text, args.field, args.strict, max_bytes)
                except Exception as exc:  # noqa: BLE001  # a bug of the command or the runtime: say so, check the next one
                    event_type = NO_EVENT_TYPE
                    errors = [{"path": "", "message": f"internal error, please report it: {type(exc).__name__}: {exc}", "type": INTERNAL_ERROR}]
            if not hinted:
                hinted = True
                _hint_field(text, err)
            shown = _shown_type(event_type)
            summary.add(shown, shown is not event_type, bool(errors))
            if errors:
                bad += 1
                report.invalid(lineno, shown, errors)
    except KeyboardInterrupt:
        err.write(f"\n{PROG}: interrupted after {total} message(s)\n")
        return 130
    finally:
        if progress is not None:
            progress.close()
        if close:
            source.close()
    report.summary(summary, total, bad)
    if total == 0:
        err.write(f"{PROG}: warning: {escape(name)} holds no messages\n")
    return EXIT_INVALID if bad else EXIT_OK


def _hint_field(text: bytes | None, err: IO[str]) -> None:
    """Captures such as neetbox's wire vectors wrap each message in a record with the message
    text in a member (``frame``); without --field the record itself would be validated."""
    if text is None:
        return
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    if not isinstance(data, dict):
        return
    for key in ("frame", "message", "msg", "data"):
        value = data.get(key)
        if isinstance(value, str) and value.lstrip().startswith("{") or isinstance(value, dict) and "eventType" in value:
            err.write(f"{PROG}: note: each record has a {key!r} member that looks like a message; "
                      f"if it holds the message, pass --field {key}\n")  # fmt: skip
            return


# ----------------------------------------------------------------------------- schema, version


def cmd_schema(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from ._schemas import BUNDLE, schema, schema_names

    names = schema_names()
    if args.bundle and args.name:
        raise UsageError(f"give a schema NAME or --bundle, not both (the bundle is also the schema named {BUNDLE!r})")
    name = BUNDLE if args.bundle else args.name
    if name is not None:
        stem = name.removesuffix(".schema.json")
        if stem not in names:
            raise UsageError(f"no schema named {name!r}; run `{PROG} schema` to list them (known: {', '.join(names)})")
        selected = [stem]
    else:
        selected = names
    if args.out is not None:
        root = Path(args.out)
        if root.exists() and not root.is_dir():
            raise UsageError(f"--out {args.out} is not a directory; give a directory to write the schema files into")
        for stem in selected:
            target = root.joinpath(*f"{stem}.schema.json".split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(schema(stem), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            out.write(f"{target}\n")
        return EXIT_OK
    if name is None:  # no name: list them
        for stem in names:
            out.write(f"{stem}\n")
        return EXIT_OK
    out.write(json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _versions() -> dict[str, str]:
    import pydantic

    from . import PROTOCOL_VERSION, __version__

    return {"package": __version__, "protocol": PROTOCOL_VERSION, "pydantic": pydantic.VERSION,
            "python": platform.python_version()}  # fmt: skip


def cmd_version(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    v = _versions()
    if args.json:
        out.write(json.dumps(v) + "\n")
    else:
        out.write(f"{PROG} {v['package']}\nprotocol {v['protocol']}\npydantic {v['pydantic']}, Python {v['python']}\n")
    return EXIT_OK


# ----------------------------------------------------------------------------- argparse


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit 2, and point at --help
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {escape(message)}\nRun `{self.prog} --help` for the options.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Tools for the neetbox wire protocol: validate captured messages, export the JSON Schemas.",
        epilog=f"Run `{PROG} COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="store_true", help="print the package and protocol versions and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    v = sub.add_parser(
        "validate",
        help="check a capture of messages (JSON Lines, or one JSON message)",
        description=(
            "Check every message of a capture against the protocol. The input is JSON Lines (one "
            "message per line), or one JSON message (possibly pretty-printed over several lines), a "
            "sequence of them, or a JSON array of them. For each invalid message it prints "
            "FILE:LINE: EVENT_TYPE: FIELD.PATH: PROBLEM, then a count per event type. The input is "
            "streamed, so a file of any size is checked in bounded memory. Control, bidi and other "
            "characters that are not printable are shown escaped (\\x1b, \\u202e)."
        ),
        epilog=(
            "exit status: 0 every message is valid, 1 some message is invalid, 2 usage error.\n"
            "examples:\n"
            f"  {PROG} validate capture.jsonl\n"
            f"  {PROG} validate --field frame neetbox-0.6.0-wire.jsonl\n"
            f"  some-producer | {PROG} validate --strict --json -"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("file", metavar="FILE", help="the capture to check; - reads standard input")
    v.add_argument("--field", metavar="NAME",
                   help="each line is a record whose member NAME holds the message (as JSON text or an object), "
                        "e.g. --field frame for neetbox's wire vectors")  # fmt: skip
    v.add_argument("--strict", action="store_true", help="reject event types this protocol version does not know")
    v.add_argument("--json", action="store_true",
                   help='print one JSON document (ASCII): {"file", "invalidMessages": [{"line", "eventType", "errors": [{"path", "message", "type"}]}], '
                        '"total", "valid", "invalid", "byEventType", "summaryLimits"}')  # fmt: skip
    v.add_argument("--format", choices=("auto", "jsonl", "json"), default="auto",
                   help="jsonl: one message per line; json: JSON documents that may span lines; "
                        "auto (default): json when the first line starts a document it does not finish, or with [")  # fmt: skip
    v.add_argument("-q", "--quiet", action="store_true", help="print only the summary (with --json: no effect)")
    v.add_argument("--max-bytes", type=int, metavar="N", help="largest message accepted, in bytes (default 16 MiB)")
    v.add_argument("--no-progress", action="store_true", help="never show the progress bar (shown on a terminal for files over 16 MiB)")

    s = sub.add_parser(
        "schema",
        help="list, print or export the published JSON Schemas",
        description=(
            "Without arguments, list the published schemas' names. With NAME (e.g. message, "
            "payloads/scalar) or --bundle (every schema in one document), print that schema. "
            "With --out DIR, write the schemas (all of them, or the one named) into DIR as "
            "NAME.schema.json files and print their paths."
        ),
        epilog=f"examples:\n  {PROG} schema\n  {PROG} schema payloads/scalar\n  {PROG} schema --bundle > neetbox.schema.json\n  {PROG} schema --out schemas/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("name", nargs="?", metavar="NAME", help="the schema to print or export (see the list)")
    s.add_argument("--bundle", action="store_true", help="the bundle: every schema embedded in one file")
    s.add_argument("--out", metavar="DIR", help="write the schema files into DIR instead of printing")

    ver = sub.add_parser("version", help="print the package and protocol versions",
                         description="Print the package's version, the protocol's version (x-protocol-version), and pydantic's and Python's.")  # fmt: skip
    ver.add_argument("--json", action="store_true", help="print them as a JSON object")
    return parser


def main(argv: list[str] | None = None, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None,
         stdin: IO[bytes] | None = None) -> int:  # fmt: skip
    """Run the command line; returns the exit status (the console script exits with it)."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    for stream in (out, err):  # a terminal that is not UTF-8: a character it cannot show is written as \xNN
        if stream is sys.stdout or stream is sys.stderr:
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # a TextIOWrapper
    parser = build_parser()
    try:  # argparse prints --help and usage errors to sys.stdout / sys.stderr
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.version:
            return cmd_version(argparse.Namespace(json=False), out, err)
        if args.command == "validate":
            return cmd_validate(args, out, err, stdin)
        if args.command == "schema":
            return cmd_schema(args, out, err)
        if args.command == "version":
            return cmd_version(args, out, err)
        parser.print_help(err)
        err.write(f"\n{PROG}: error: give a command (validate, schema or version)\n")
        return EXIT_USAGE
    except UsageError as exc:
        err.write(f"{PROG}: error: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # `... | head`: stop quietly, as a process killed by SIGPIPE would
        try:  # (Python's advice: point stdout at devnull so the flush at exit cannot fail again)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_BROKEN_PIPE
