"""examples/fastapi_service over a real socket: uvicorn serves the app on 127.0.0.1 (a free port)
and the `websockets` client talks to it: a handshake, typed events, a bad frame, a good one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from support import ROOT, wire_vectors

from neetbox_protocol import ErrorEvent, EventMsg, HandshakeEvent

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
sync_client = pytest.importorskip("websockets.sync.client")

APP_DIR = ROOT / "examples" / "fastapi_service"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(APP_DIR),
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"uvicorn exited with {proc.returncode}: {proc.stdout.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("uvicorn did not accept connections within 30 s")
                time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def frames_of(event_type: str, direction: str = "cli->server") -> list[str]:
    return [v["frame"] for v in wire_vectors() if v["eventType"] == event_type and v["direction"] == direction]


def stats(server: str) -> dict:
    with urllib.request.urlopen(f"http://{server}/api/stats", timeout=10) as resp:
        return json.loads(resp.read())


def test_handshake_events_bad_frame_then_good(server):
    before = stats(server)
    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10) as ws:
        # handshake: answered as neetbox's server does
        request = frames_of("handshake")[0]
        ws.send(request)
        reply = EventMsg.loads(ws.recv(timeout=10))
        assert isinstance(reply, HandshakeEvent)
        expected = EventMsg.merge(EventMsg.loads(request), {"identityType": "server", "payload": {"result": 200, "reason": "join success"}})
        assert reply.json == expected.json
        assert reply.identity_type == "server" and reply.payload == {"result": 200, "reason": "join success"}

        # several typed events: accepted without a reply, counted per type
        sent = {"scalar": frames_of("scalar")[:3], "log": frames_of("log")[:2], "progress": frames_of("progress")[:1],
                "hardware": frames_of("hardware")[:1]}  # fmt: skip
        for frames in sent.values():
            for frame in frames:
                ws.send(frame)

        # a bad frame: an error reply naming the field, with the request's event type and ids
        bad = json.loads(frames_of("scalar")[0])
        bad["payload"]["x"] = "abc"
        ws.send(json.dumps(bad))
        err = EventMsg.loads(ws.recv(timeout=10))
        assert err.event_type == "error" and err.identity_type == "server"
        assert isinstance(err, ErrorEvent)
        assert err.project_id == bad["projectId"] and err.run_id == bad["runId"] and err.event_id == bad["eventId"]
        assert err.payload["error"] == 400 and err.payload["reason"].startswith("payload.x: ")
        assert [e["path"] for e in err.payload["errors"]] == ["payload.x"]

        # not JSON at all, and a bad id: still answered, only valid keys echoed
        ws.send("{not json")
        err = EventMsg.loads(ws.recv(timeout=10))
        assert err.event_type == "error" and err.payload["errors"][0]["path"] == ""
        ws.send(json.dumps({**bad, "payload": {"x": 1, "y": 2}, "projectId": "../etc"}).encode())  # a binary frame
        err = EventMsg.loads(ws.recv(timeout=10))
        assert err.payload["reason"].startswith("projectId: ") and err.project_id is None and err.run_id == bad["runId"]

        # the connection is still usable: a good event, then another handshake gets its reply
        ws.send(frames_of("scalar")[1])
        ws.send(request)
        assert EventMsg.loads(ws.recv(timeout=10)).payload == {"result": 200, "reason": "join success"}

    after = stats(server)
    for event_type, frames in sent.items():
        extra = 1 if event_type == "scalar" else 0
        assert after["valid"].get(event_type, 0) - before["valid"].get(event_type, 0) == len(frames) + extra, event_type
    assert after["valid"]["handshake"] - before["valid"].get("handshake", 0) == 2
    assert after["invalid"] - before["invalid"] == 3


def test_web_handshake_frame(server):
    """The web UI's partial frame (no payload, runId or timestamp) is valid and answered too."""
    request = frames_of("handshake", "web->server")[0]
    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10) as ws:
        ws.send(request)
        reply = json.loads(ws.recv(timeout=10))
    assert reply["eventType"] == "handshake" and reply["identityType"] == "server"
    assert reply["eventId"] == json.loads(request)["eventId"] and reply["payload"]["result"] == 200


# ----------------------------------------------------------------------------- hostile frames


def load_app_module():
    """The example's module, for its documented bounds (imported by path: it is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("example_service_app", APP_DIR / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def still_answers(ws) -> None:
    """The connection is open and served: a handshake gets its reply."""
    ws.send(frames_of("handshake")[0])
    assert EventMsg.loads(ws.recv(timeout=60)).payload == {"result": 200, "reason": "join success"}


@pytest.mark.parametrize("key_char", ["x", "\x01"], ids=["plain", "escaped-in-json"])
def test_an_error_reply_is_bounded_whatever_the_frame(server, key_char):
    """A frame whose full error reply would be over the size limit (9 keys of 1 MB, each a
    problem named by its path, twice: in the reason and in errors) used to make the reply
    refuse itself and the app drop the connection without a close frame."""
    bounds = load_app_module()
    size = 1_000_000 if key_char == "x" else 150_000  # \x01 is written \u0001: 6 bytes in JSON
    frame = json.dumps({"eventType": "action", "projectId": "p", "series": "s" * 1000,
                        "payload": {"name": "a", "args": {f"k{i}" + key_char * size: i for i in range(9)}}})  # fmt: skip
    assert 8_000_000 < len(frame.encode()) < 16 * 1024 * 1024
    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10, max_size=None) as ws:
        ws.send(frame)
        text = ws.recv(timeout=60)
        assert len(text.encode()) <= bounds.ERROR_REPLY_MAX_BYTES
        err = EventMsg.loads(text)
        assert isinstance(err, ErrorEvent) and err.payload["error"] == 400
        assert err.project_id == "p" and err.series is None  # a series over ECHO_MAX_CHARS is not echoed
        assert err.payload["errors"][0]["path"].startswith("payload.args.k0") and err.payload["errors"][0]["path"].endswith("...")
        assert all(len(e["path"]) <= bounds.REPLY_TEXT_CHARS + 3 for e in err.payload["errors"])
        assert len(err.payload["reason"]) <= bounds.REPLY_REASON_CHARS + 3
        still_answers(ws)


def test_many_problems_are_capped_and_counted(server):
    bounds = load_app_module()
    # (an array or a map of items stops at its first bad item: the problems are bad fields)
    frame = json.dumps({"eventType": "hardware", "projectId": "../x", "runId": "a/b", "eventId": "x", "historyLen": "x", "id": "x",
                        "timestamp": "x", "series": 3, "payload": {"cpus": [{}], "cpustat": {}, "ram": {}, "gpus": [{}]}})
    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10) as ws:
        ws.send(frame)
        err = EventMsg.loads(ws.recv(timeout=60))
    errors = err.payload["errors"]
    assert len(errors) == bounds.REPLY_MAX_ERRORS + 1 and errors[-1]["type"] == "too_many_errors"
    assert errors[-1]["message"].startswith("and ")


def test_a_handshake_whose_reply_would_be_over_the_limit_gets_an_error_event(server):
    """A valid handshake written 10 bytes under the limit: the reply's added keys put it over,
    so merge refuses to build it; the app used to drop the connection without a close frame."""
    from neetbox_protocol import DEFAULT_MAX_BYTES

    head = '{"eventType":"handshake","identityType":"cli","projectId":"p","k":"'
    base = len(EventMsg.loads(head + '"}').dumps().encode())
    frame = head + "x" * (DEFAULT_MAX_BYTES - base - 10) + '"}'
    assert len(EventMsg.loads(frame).dumps().encode()) <= DEFAULT_MAX_BYTES  # a valid message
    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10, max_size=None) as ws:
        ws.send(frame)
        err = EventMsg.loads(ws.recv(timeout=120))
        assert isinstance(err, ErrorEvent) and err.payload["error"] == 413 and err.project_id == "p"
        assert "the reply to this handshake: message is" in err.payload["reason"]
        still_answers(ws)


def test_a_frame_over_the_limit_is_closed_with_1009(server):
    from websockets.exceptions import ConnectionClosed

    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10, max_size=None) as ws:
        ws.send("x" * (16 * 1024 * 1024 + 1))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=60)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_stats_keep_a_bounded_number_of_unknown_event_types(server):
    """Valid event types this version does not know are unbounded in number: /api/stats keeps at
    most MAX_COUNTED_TYPES of them (the known ones always), the rest under OTHER_TYPES."""
    bounds = load_app_module()
    n = bounds.MAX_COUNTED_TYPES + 20
    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10) as ws:
        for i in range(n):
            ws.send(json.dumps({"eventType": f"later_{i}", "payload": {}}))
        still_answers(ws)  # every frame before it was handled
    valid = stats(server)["valid"]
    assert len(valid) <= bounds.MAX_COUNTED_TYPES + 1 + len([t for t in valid if not t.startswith("later_") and t != bounds.OTHER_TYPES])
    assert valid[bounds.OTHER_TYPES] >= 20
    assert "handshake" in valid


def test_a_text_frame_that_is_not_utf8_is_closed_with_1007(server):
    from websockets.exceptions import ConnectionClosed
    from websockets.frames import Frame, Opcode

    with sync_client.connect(f"ws://{server}/ws/project/", open_timeout=10) as ws:
        with ws.send_context():  # the client's str API cannot send invalid UTF-8: write the frame itself
            ws.protocol.send_frame(Frame(Opcode.TEXT, b'{"eventType": "\xff"}'))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1007
