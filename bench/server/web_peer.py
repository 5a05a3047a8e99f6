"""A web peer for `make bench-server`: connects to the real neetbox 0.6.0 server's
`/ws/project/` as the neetbox frontend does (projectWebsocket.ts: a handshake
`JSON.stringify({...msg, projectId, eventId})`, then it only listens) and records the receive time
of every frame the server forwards. It does not import neetbox (no protocol module involved).

usage: web_peer.py INDEX SERVER_HOSTPORT PROJECT_ID RUN_DIR PACED_TOTAL FLOOD_TOTAL

Writes RUN_DIR/web-INDEX.ready after the server's 200 reply; web-INDEX.paced / web-INDEX.flood when
PACED_TOTAL / FLOOD_TOTAL scalars of that series have arrived; on "exit" (stdin) or a closed socket,
RUN_DIR/web-INDEX.json: [[t_recv, eventType, series, x, y], ...] for every frame received."""

import json
import os
import random
import sys
import threading
import time

import websocket

INDEX, SERVER, PROJECT, RUN = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
EXPECT = {"paced": int(sys.argv[5]), "flood": int(sys.argv[6])}


def mark(name: str) -> None:
    with open(os.path.join(RUN, f"web-{INDEX}.{name}"), "w") as f:
        f.write(f"{time.time()}\n")


ws = websocket.create_connection(f"ws://{SERVER}/ws/project/", timeout=30)
event_id = random.randrange(0, 100000000) * 1000
ws.send(json.dumps({"eventType": "handshake", "identityType": "web", "projectId": PROJECT, "eventId": event_id},
                   separators=(",", ":")))  # fmt: skip
reply = json.loads(ws.recv())
if (reply.get("payload") or {}).get("result") != 200:
    sys.exit(f"web peer {INDEX}: handshake refused: {reply}")
ws.settimeout(None)
records: list[list] = []
counts = {"paced": 0, "flood": 0}


def reader() -> None:
    while True:
        try:
            text = ws.recv()
        except (websocket.WebSocketException, OSError):  # closed: the run is over
            return
        t = time.time()
        if not text:
            continue
        m = json.loads(text)
        series = m.get("series")
        payload = m.get("payload") if isinstance(m.get("payload"), dict) else {}
        records.append(
            [t, m.get("eventType"), series, payload.get("x"), payload.get("y")]
        )
        if m.get("eventType") == "scalar" and series in counts:
            counts[series] += 1
            if counts[series] == EXPECT[series]:
                mark(series)


thread = threading.Thread(target=reader, daemon=True)
thread.start()
mark("ready")
for line in sys.stdin:
    if line.strip() == "exit":
        break
with open(os.path.join(RUN, f"web-{INDEX}.json"), "w") as f:
    json.dump(records[:], f)
