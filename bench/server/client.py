"""A training script for `make bench-server` (bench/server.py starts N of them): the real neetbox
0.6.0 client API (`neetbox.add_scalar`, `neetbox.logger`) in a loop, in a workspace made by
`neet init`, with `neetbox._protocol` swapped by the drop-in shim in candidate mode.

usage: client.py INDEX RUN_DIR PACED_COUNT PACED_RATE FLOOD_COUNT LOG_EVERY

Each scalar carries its send time: x = the step, y = time.time() taken just before the
`add_scalar` call, so a web peer can measure client send -> web peer receive.
Commands come one per line on stdin (a blocked read costs no CPU while waiting):
  paced  PACED_COUNT scalars of series "paced" at PACED_RATE per second (the latency phase)
  flood  FLOOD_COUNT scalars of series "flood" as fast as neetbox sends them, plus a
         `logger.log` line every LOG_EVERY steps (0: none) (the throughput phase)
  exit   leave (neetbox's atexit hook closes the websocket)
Files written to RUN_DIR: client-INDEX.ready (after neetbox's handshake was answered),
client-INDEX.paced, client-INDEX.flood (when the phase's sends returned)."""

import os
import sys
import threading
import time

import neetbox
from neetbox import logger
from neetbox.client import connection

INDEX, RUN = int(sys.argv[1]), sys.argv[2]
PACED, RATE, FLOOD, LOG_EVERY = (
    int(sys.argv[3]),
    float(sys.argv[4]),
    int(sys.argv[5]),
    int(sys.argv[6]),
)


def mark(name: str) -> None:
    with open(os.path.join(RUN, f"client-{INDEX}.{name}"), "w") as f:
        f.write(f"{os.getpid()} {time.time()}\n")


# the server answers neetbox's own handshake (sent from on_open); sending before that answer
# would hit neetbox's startup race and drop the socket, so the load starts only after it
shaken = threading.Event()
connection.subscribe("handshake", lambda message: shaken.set())
if not connection.wait_should_online:
    sys.exit(f"client {INDEX}: neetbox is not online")
if not shaken.wait(60):
    sys.exit(f"client {INDEX}: no handshake reply within 60 s")
time.sleep(
    0.2
)  # let the client's own follow-up (status config, platform, hardware) go out
mark("ready")

for line in sys.stdin:
    command = line.strip()
    if command == "paced":
        t0 = time.time()
        for step in range(PACED):
            wait = t0 + step / RATE - time.time()
            if wait > 0:
                time.sleep(wait)
            neetbox.add_scalar("paced", step, time.time())
        mark("paced")
    elif command == "flood":
        for step in range(FLOOD):
            neetbox.add_scalar("flood", step, time.time())
            if LOG_EVERY and step % LOG_EVERY == LOG_EVERY - 1:
                logger.log(f"step {step}: flood")
        mark("flood")
    elif command == "exit":
        break
