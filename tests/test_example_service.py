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
