"""`make bench-server`: the real neetbox 0.6.0 server under load, the original `neetbox._protocol`
against a candidate build of ours, alternated.

    .venv/bin/python bench/server.py [--candidate build/candidate] [--clients 1,4,16] [--runs 2]
                                     [--flood 9000] [--paced-rate 500] [--paced-seconds 2] [--out FILE]

Per run (one mode, one N), everything on 127.0.0.1 in a fresh temp HOME, every process started by
this script and stopped by its PID (and killed with it: PR_SET_PDEATHSIG), every wait bounded:

1. the server: ``../shared/tools/dropin/scenario/run_server.py`` (uvicorn serving
   ``neetbox.server.fastapi.serverapp``, one process) in the drop-in venv, with the drop-in shim on
   PYTHONPATH: ``DROPIN_MODE=original``, or ``candidate`` with the candidate dir after the shim, so
   ``import neetbox._protocol`` gives ``neetbox_protocol`` (checked from the shim's records);
2. N training scripts (``bench/server/client.py``): ``import neetbox`` in a workspace made by
   ``neet init``, each a run of the same project, swapped the same way; each waits for neetbox's
   handshake reply before it reports ready;
3. 2 web peers (``bench/server/web_peer.py``) that handshake on ``/ws/project/`` as the frontend
   does and record the receive time of every forwarded frame;
4. the latency phase: every client sends ``--paced-rate``/N scalars per second for
   ``--paced-seconds`` (below the server's capacity), each carrying ``time.time()`` at the
   ``add_scalar`` call; latency = web peer receive - that time, over both peers;
5. the throughput phase: every client sends ``--flood``/N scalars as fast as neetbox sends them,
   with a ``logger.log`` line every 10th step; from the go (``t_go``) until both peers hold every
   flood scalar (``t_end``): ingest msg/s = the frames the server forwarded to web peer 0 in that
   window / (t_end - t_go); the server's CPU seconds (utime + stime from /proc/<pid>/stat) over the
   window per 1000 of those frames; the clients' CPU the same way;
6. peak RSS: VmHWM of the server process (/proc/<pid>/status) at the end.

Prints a Markdown table (median over the runs of each mode, and the min-max spread) and writes every
run's figures to bench/server-results.json (gitignored). The order is mode-alternated: for each
round, for each N: original, then ours.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIO = HERE / "server"
CLK_TCK = os.sysconf("SC_CLK_TCK")
WEB_PEERS = 2
LOG_EVERY = 10


class RunFailed(RuntimeError):
    pass


def _die_with_parent() -> (
    None
):  # preexec_fn: the child gets SIGKILL when this script dies
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def cpu_times(pid: int) -> tuple[float, float]:
    """(utime, stime) of a process (all its threads), in seconds: fields 14 and 15 of proc(5)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def cpu_seconds(pid: int) -> float:
    return sum(cpu_times(pid))


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RunFailed("no VmHWM")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    predicate,
    timeout: float,
    what: str,
    procs: list[subprocess.Popen] | None = None,
    poll: float = 0.01,
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        for p in procs or []:
            if p.poll() is not None:
                raise RunFailed(
                    f"{what}: a process ({p.args[1] if len(p.args) > 1 else p.args}) exited with {p.returncode}"
                )
        if time.monotonic() > deadline:
            raise RunFailed(f"{what}: not within {timeout:.0f} s")
        time.sleep(poll)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[
        min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    ]  # nearest rank


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.venv_py = Path(args.venv) / "bin" / "python"
        self.dropin = Path(args.dropin).resolve()
        self.candidate = Path(args.candidate).resolve()
        self.root = Path(tempfile.mkdtemp(prefix="bench-server-", dir=args.tmp))
        self.template = self.root / "workspace-template"
        self.procs: list[subprocess.Popen] = []

    # -- environment -------------------------------------------------------------------------
    def env(self, mode: str, home: Path, subst: Path, role: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
        }
        for k in ("PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
            env.pop(k, None)
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
                   XDG_CACHE_HOME=str(home / ".cache"), PYTHONUNBUFFERED="1",
                   PYTHONPYCACHEPREFIX=str(self.root / "pycache"),  # the candidate dir stays clean; compiled once per bench
                   NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
                   DROPIN_MODE=mode, DROPIN_REPORT_DIR=str(subst), DROPIN_ROLE=role)  # fmt: skip
        shim = str(self.dropin / "shim")
        env["PYTHONPATH"] = f"{shim}:{self.candidate}" if mode == "candidate" else shim
        return env

    def start(
        self,
        cmd: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        log: Path,
        stdin: bool = False,
    ) -> subprocess.Popen:
        with open(log, "w") as out:  # the child keeps its own copy of the descriptor
            stdin_ = subprocess.PIPE if stdin else subprocess.DEVNULL
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=stdin_, text=True,
                                 preexec_fn=_die_with_parent)  # noqa: PLW1509 (this script starts no threads)  # fmt: skip
        self.procs.append(p)
        return p

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 5
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []

    def make_template(self) -> str:
        """One `neet init` workspace (the original module; its toml is the same either way), copied per run."""
        home = self.root / "init-home"
        self.template.mkdir(parents=True)
        home.mkdir()
        env = self.env("original", home, self.root, "neet-init")
        subprocess.run([str(self.venv_py.parent / "neet"), "init", "--name", "bench-server"], cwd=self.template, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=True)  # fmt: skip
        text = (self.template / "neetbox.toml").read_text()
        for line in text.splitlines():
            if line.startswith("projectId"):
                return line.split("=", 1)[1].strip().strip('"')
        raise RunFailed("neet init wrote no projectId")

    # -- one run -----------------------------------------------------------------------------
    def run(self, mode: str, n: int, tag: str) -> dict[str, Any]:
        a = self.args
        base = self.root / tag
        home, work, run, logs, subst = (
            base / d for d in ("home", "workspace", "run", "logs", "subst")
        )
        for d in (home, run, logs, subst, base / "server_cwd"):
            d.mkdir(parents=True)
        shutil.copytree(self.template, work)
        port = free_port()
        point_client = ("import sys, toml; p = sys.argv[1]; c = toml.load(p); "
                        "c['client'].update(host='127.0.0.1', port=int(sys.argv[2])); toml.dump(c, open(p, 'w'))")  # fmt: skip
        subprocess.run(
            [
                str(self.venv_py),
                "-c",
                point_client,
                str(work / "neetbox.toml"),
                str(port),
            ],
            check=True,
            timeout=30,
        )
        paced = max(1, round(a.paced_rate * a.paced_seconds / n))
        t_start = time.time()
        flood = -(-a.flood // n)
        try:
            server = self.start([str(self.venv_py), str(self.dropin / "scenario" / "run_server.py"), str(port)],
                                cwd=base / "server_cwd", env=self.env(mode, home, subst, "server"), log=logs / "server.log")  # fmt: skip

            def hello() -> bool:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/server/hello", timeout=1
                    ) as r:
                        return r.status == 200
                except OSError:
                    return False

            wait_for(hello, 60, "server up", [server], poll=0.1)
            client_env = self.env(mode, home, subst, "client")
            client_args = [
                str(run),
                str(paced),
                str(a.paced_rate / n),
                str(flood),
                str(LOG_EVERY),
            ]
            clients = [
                self.start(
                    [
                        str(self.venv_py),
                        str(SCENARIO / "client.py"),
                        str(i),
                        *client_args,
                    ],
                    cwd=work,
                    env=client_env,
                    log=logs / f"client-{i}.log",
                    stdin=True,
                )
                for i in range(n)
            ]

            def ready(kind: str, k: str, count: int) -> int:
                return sum((run / f"{kind}-{i}.{k}").exists() for i in range(count))

            wait_for(
                lambda: ready("client", "ready", n) == n,
                60 + 5 * n,
                "clients ready",
                [server, *clients],
                poll=0.05,
            )
            web_env = self.env("", home, subst, "web")
            web_env["PYTHONPATH"] = ""  # the web peers do not import neetbox
            web_args = [
                f"127.0.0.1:{port}",
                a.project_id,
                str(run),
                str(paced * n),
                str(flood * n),
            ]
            webs = [
                self.start(
                    [
                        str(self.venv_py),
                        str(SCENARIO / "web_peer.py"),
                        str(k),
                        *web_args,
                    ],
                    cwd=run,
                    env=web_env,
                    log=logs / f"web-{k}.log",
                    stdin=True,
                )
                for k in range(WEB_PEERS)
            ]
            everyone = [server, *clients, *webs]
            wait_for(
                lambda: ready("web", "ready", WEB_PEERS) == WEB_PEERS,
                30,
                "web peers ready",
                everyone,
                poll=0.05,
            )
            t_ready = time.time()
            time.sleep(0.5)

            def command(procs: list[subprocess.Popen], line: str) -> None:
                for p in procs:
                    assert p.stdin is not None
                    p.stdin.write(line + "\n")
                    p.stdin.flush()

            # latency phase
            command(clients, "paced")
            wait_for(
                lambda: ready("web", "paced", WEB_PEERS) == WEB_PEERS,
                a.paced_seconds + 60,
                "paced scalars at both web peers",
                everyone,
            )
            time.sleep(0.3)
            # throughput phase
            profiler = None
            if a.profile:
                profiler = self.start([a.py_spy, "record", "--pid", str(server.pid), "--rate", "250", "--format", "raw",
                                       "--nonblocking", "--output", str(Path(a.profile) / f"{tag}.txt")],
                                      cwd=base, env=dict(os.environ), log=logs / "py-spy.log")  # fmt: skip
                time.sleep(1.0)  # py-spy attaches
            user0, sys0 = cpu_times(server.pid)
            cpu0 = user0 + sys0
            clients_cpu0 = sum(cpu_seconds(c.pid) for c in clients)
            t_go = time.time()
            command(clients, "flood")
            wait_for(
                lambda: ready("web", "flood", WEB_PEERS) == WEB_PEERS,
                180,
                "flood scalars at both web peers",
                everyone,
            )
            user1, sys1 = cpu_times(server.pid)
            cpu1 = user1 + sys1
            clients_cpu1 = sum(cpu_seconds(c.pid) for c in clients)
            if profiler is not None:
                profiler.send_signal(
                    signal.SIGINT
                )  # py-spy writes its samples and exits
                profiler.wait(timeout=30)
            rss = peak_rss_mib(server.pid)
            command(clients, "exit")
            command(webs, "exit")
            for p in [*clients, *webs]:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        finally:
            self.stop_all()

        subst_records = [
            json.loads(p.read_text()) for p in subst.glob("subst-*-protocol.json")
        ]
        server_records = [r for r in subst_records if r.get("role") == "server"]
        want = "candidate" if mode == "candidate" else "original"
        roles = [r.get("role") for r in subst_records]
        if (
            roles.count("server") != 1 or roles.count("client") != n
        ):  # one record per process
            raise RunFailed(
                f"the shim recorded {roles}, not the server and {n} clients"
            )
        if any(r.get("source") != want for r in subst_records):
            raise RunFailed(
                f"a process's neetbox._protocol is not the {want}: {subst_records}"
            )
        if mode == "candidate" and not all(
            str(r.get("file", "")).startswith(str(self.candidate))
            for r in subst_records
        ):
            raise RunFailed(
                f"a process took neetbox._protocol from elsewhere than {self.candidate}: {subst_records}"
            )

        peers = [
            json.loads((run / f"web-{k}.json").read_text()) for k in range(WEB_PEERS)
        ]
        t_end = max(
            float((run / f"web-{k}.flood").read_text()) for k in range(WEB_PEERS)
        )
        window = [r for r in peers[0] if t_go < r[0] <= t_end]
        latencies = [
            (r[0] - r[4]) * 1000
            for peer in peers
            for r in peer
            if r[1] == "scalar" and r[2] == "paced"
        ]
        flood_latencies = [
            (r[0] - r[4]) * 1000
            for peer in peers
            for r in peer
            if r[1] == "scalar" and r[2] == "flood"
        ]
        kinds: dict[str, int] = {}
        for r in window:
            kinds[r[1]] = kinds.get(r[1], 0) + 1
        messages = len(window)
        return {
            "mode": mode,
            "clients": n,
            "paced_per_client": paced,
            "flood_per_client": flood,
            "window_s": t_end - t_go,
            "startup_s": t_ready - t_start,
            "clients_sent_s": max(
                float((run / f"client-{i}.flood").read_text().split()[1])
                for i in range(n)
            )
            - t_go,
            "messages": messages,
            "messages_by_event_type": kinds,
            "msg_per_s": messages / (t_end - t_go),
            "server_cpu_s": cpu1 - cpu0,
            "server_cpu_s_per_1000": (cpu1 - cpu0) / messages * 1000,
            "server_user_s": user1 - user0,
            "server_sys_s": sys1 - sys0,
            "clients_cpu_s_per_1000": (clients_cpu1 - clients_cpu0) / messages * 1000,
            "latency_ms": {
                "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99),
                "samples": len(latencies),
            },
            "flood_latency_ms": {
                "p50": percentile(flood_latencies, 50),
                "p99": percentile(flood_latencies, 99),
            },
            "server_peak_rss_mib": rss,
            "protocol_file": server_records[0].get("file"),
        }


PROFILE_CATEGORIES = [  # (label, substrings of a frame), the first that any frame of a stack matches
    ("protocol module", ("neetbox_protocol/", "neetbox/_protocol.py")),
    ("sqlite (neetbox's ProjectDB)", ("db/project/_project_db.py",)),
    (
        "websocket send/receive (starlette, uvicorn, websockets)",
        ("send_json", "receive_text", "websockets/", "/protocols/websockets/"),
    ),
    ("event loop (asyncio)", ("asyncio/",)),
]


def profile_shares(path: Path) -> dict[str, float]:
    """Shares of py-spy's samples (collapsed stacks, one "frame;frame;... count" per line) by category."""
    counts: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        label = next(
            (lab for lab, keys in PROFILE_CATEGORIES if any(k in stack for k in keys)),
            "other",
        )
        counts[label] = counts.get(label, 0) + int(n)
    return (
        {
            label: counts.get(label, 0) / total
            for label in [*(lab for lab, _ in PROFILE_CATEGORIES), "other"]
        }
        if total
        else {}
    )


def summarize(
    runs: list[dict[str, Any]], clients: list[int]
) -> tuple[str, dict[str, Any]]:
    metrics = [  # key, label, format, better
        ("msg_per_s", "ingest msg/s", "{:.0f}", "higher"),
        ("latency_p50", "p50 latency ms", "{:.2f}", "lower"),
        ("latency_p99", "p99 latency ms", "{:.2f}", "lower"),
        ("server_cpu_s_per_1000", "server CPU s / 1000 msg", "{:.3f}", "lower"),
        ("server_peak_rss_mib", "server peak RSS MiB", "{:.1f}", "lower"),
    ]

    def value(run: dict[str, Any], key: str) -> float:
        if key.startswith("latency_"):
            return float(run["latency_ms"][key.split("_")[1]])
        return float(run[key])

    summary: dict[str, Any] = {}
    lines = [
        "| clients | measurement | original (median; min-max) | ours (median; min-max) | ours vs original |",
        "|---|---|---|---|---|",
    ]
    for n in clients:
        summary[str(n)] = {}
        for key, label, fmt, better in metrics:
            cell = {}
            for mode in ("original", "candidate"):
                vals = [
                    value(r, key)
                    for r in runs
                    if r["clients"] == n and r["mode"] == mode
                ]
                cell[mode] = (
                    {
                        "median": statistics.median(vals),
                        "min": min(vals),
                        "max": max(vals),
                        "runs": vals,
                    }
                    if vals
                    else None
                )
            summary[str(n)][key] = cell
            o, c = cell["original"], cell["candidate"]

            def show(x: dict[str, float] | None, fmt: str = fmt) -> str:
                if not x:
                    return "n/a"
                return f"{fmt.format(x['median'])} ({fmt.format(x['min'])}-{fmt.format(x['max'])})"

            change = (
                f"{(c['median'] / o['median'] - 1) * 100:+.1f} %"
                if o and c and o["median"]
                else "n/a"
            )
            lines.append(f"| {n} | {label} | {show(o)} | {show(c)} | {change} |")
    return "\n".join(lines), summary


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--candidate",
        default=str(ROOT / "build" / "candidate"),
        help="the dir holding neetbox_protocol (make candidate)",
    )
    ap.add_argument(
        "--clients", default="1,4,16", help="comma-separated client counts N"
    )
    ap.add_argument(
        "--runs", type=int, default=2, help="runs of each mode for each N (alternated)"
    )
    ap.add_argument(
        "--flood",
        type=int,
        default=9000,
        help="scalars sent in the throughput phase, over all clients",
    )
    ap.add_argument(
        "--paced-rate",
        type=float,
        default=500.0,
        help="scalars per second in the latency phase, over all clients",
    )
    ap.add_argument("--paced-seconds", type=float, default=2.0)
    ap.add_argument(
        "--venv",
        default=os.environ.get(
            "DROPIN_VENV", str(Path.home() / ".cache" / "dropin-venv")
        ),
    )
    ap.add_argument(
        "--dropin", default=str(ROOT.parent / "shared" / "tools" / "dropin")
    )
    ap.add_argument("--out", default=str(HERE / "server-results.json"))
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the temp dir (logs, sqlite DBs, records)",
    )
    ap.add_argument("--tmp", metavar="DIR", help="where the temp dirs (HOME with the server's sqlite DB, workspace) go "
                    "(default: /dev/shm when it exists, so that the disk, shared with whatever else runs, stays out of the figures; "
                    "the system's temp dir otherwise)")  # fmt: skip
    ap.add_argument("--profile", metavar="DIR", help="py-spy record the server during each flood into DIR/<run>.txt (collapsed "
                    "stacks; sampling adds overhead: compare profiled runs with profiled runs only)")  # fmt: skip
    ap.add_argument(
        "--py-spy",
        default=str(Path(sys.executable).parent / "py-spy"),
        help="py-spy (the [bench] extra)",
    )
    args = ap.parse_args()
    if (
        args.tmp is None
        and os.path.isdir("/dev/shm")
        and os.access("/dev/shm", os.W_OK)
    ):
        args.tmp = "/dev/shm"
    clients = [int(x) for x in args.clients.split(",")]
    bench = Bench(args)
    if not bench.venv_py.exists():
        print(
            f"bench-server: no drop-in venv at {args.venv}; run {args.dropin}/setup.sh",
            file=sys.stderr,
        )
        return 2
    if not (bench.candidate / "neetbox_protocol").exists():
        print(
            f"bench-server: no neetbox_protocol in {bench.candidate}; run make candidate",
            file=sys.stderr,
        )
        return 2
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    failures: list[str] = []
    t0 = time.time()
    try:
        args.project_id = bench.make_template()
        for rnd in range(args.runs):
            for n in clients:
                for mode in ("original", "candidate"):
                    tag = f"r{rnd}-n{n}-{mode}"
                    try:
                        r = bench.run(mode, n, tag)
                    except RunFailed as e:
                        failures.append(f"{tag}: {e}")
                        print(
                            f"bench-server: {tag} FAILED: {e} (logs: {bench.root / tag / 'logs'})",
                            file=sys.stderr,
                            flush=True,
                        )
                        args.keep = True
                        continue
                    r["round"] = rnd
                    if args.profile:
                        r["profile_shares"] = profile_shares(
                            Path(args.profile) / f"{tag}.txt"
                        )
                    runs.append(r)
                    print(f"bench-server: {tag}: {r['msg_per_s']:.0f} msg/s, p50 {r['latency_ms']['p50']:.2f} ms, "
                          f"p99 {r['latency_ms']['p99']:.2f} ms, {r['server_cpu_s_per_1000']:.3f} CPU s/1000, "
                          f"{r['server_peak_rss_mib']:.1f} MiB", file=sys.stderr, flush=True)  # fmt: skip
    finally:
        bench.stop_all()
        if not args.keep:
            shutil.rmtree(bench.root, ignore_errors=True)
    table, summary = summarize(runs, clients)
    header = (f"neetbox 0.6.0 server (uvicorn, 1 process) on 127.0.0.1: N training-script clients + {WEB_PEERS} web peers; "
              f"original neetbox._protocol vs ours ({bench.candidate}); {args.runs} runs each, alternated; "
              f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()} (bench), "
              f"{time.time() - t0:.0f} s")  # fmt: skip
    print(header)
    print(f"latency: {args.paced_rate:.0f} scalars/s over all clients for {args.paced_seconds:g} s, client add_scalar -> web peer receive, "
          f"both peers; ingest and CPU: {args.flood} scalars over all clients as fast as they go (+ a log line every {LOG_EVERY}th step), "
          "every frame forwarded to web peer 0 counted\n")  # fmt: skip
    print(table)
    if args.profile:
        print(
            "\nwhere the server's time went during the flood (py-spy samples, mean over the runs):\n"
        )
        labels = [*(lab for lab, _ in PROFILE_CATEGORIES), "other"]
        print("| clients | module | " + " | ".join(labels) + " |")
        print("|---|---|" + "---|" * len(labels))
        for n in clients:
            for mode in ("original", "candidate"):
                shares = [
                    r["profile_shares"]
                    for r in runs
                    if r["clients"] == n
                    and r["mode"] == mode
                    and r.get("profile_shares")
                ]
                if shares:
                    cells = [
                        f"{statistics.mean(sh[lab] for sh in shares) * 100:.1f} %"
                        for lab in labels
                    ]
                    print(
                        f"| {n} | {'ours' if mode == 'candidate' else 'original'} | "
                        + " | ".join(cells)
                        + " |"
                    )
    Path(args.out).write_text(json.dumps({"machine": {"cores": os.cpu_count(), "platform": platform.platform()}, "args": vars(args),
                                          "summary": summary, "runs": runs, "failures": failures}, indent=1, default=str))  # fmt: skip
    print(f"\nresults: {args.out}" + (f"; kept {bench.root}" if args.keep else ""))
    if failures:
        print("FAILED runs:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
