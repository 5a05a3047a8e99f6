#!/usr/bin/env python3
"""What does neetbox 0.6.0's client send for values an ML user passes by accident?

For each public client API (add_scalar, add_hyperparams, logger.*, progress, @action registration
and the action's results/exceptions, add_image, add_figure) and each accidental value (None, bools,
numpy scalars and 0-d arrays, NaN/+-inf, ints beyond 2**53 and 2**63, strings, nested containers,
torch tensors if torch is installed) this calls the real neetbox code in-process and records the
exact text neetbox would put on the wire, or the exception the user's call raised. Two modes run the
same code path: ORIGINAL (neetbox's own `_protocol`) and CANDIDATE (`neetbox_protocol` swapped in
for `neetbox._protocol` before neetbox is imported, as tools/dropin/shim/sitecustomize.py does).

Capture points (no server, no daemon): the websocket is a fake whose `send(text)` records `text`,
i.e. `self.wsApp.send(self.message_query[0].dumps())` in neetbox/utils/connection.py:64; a message
whose dumps() raised there is swallowed by neetbox and stays queued ("stuck": it blocks every later
send). add_image's upload goes to a fake httpx client that records the `metadata` form field
(neetbox/client/apis/_image.py:161-165). The web calling an action is a frame fed to
NeetboxClient.on_ws_message. Errors neetbox swallows are shown too: log-writer failures (warnings),
and warning/error logs of neetbox's CLIENT logger, which never go on the wire.
Safety: HOME and cwd are a temp dir holding a neetbox.toml with extensions off (no hardware
thread); sockets may connect to loopback only; the daemon auto-spawn is blocked; each case has an
alarm timeout; --table runs each mode in a subprocess under a timeout.

Run from the repo root with the dropin venv (PY=~/.cache/dropin-venv/bin/python), after `make
candidate` (the package as the wheel installs it, in build/candidate/):
  $PY tools/accidental_values.py --mode original [--json]
  $PY tools/accidental_values.py --mode candidate --candidate build/candidate [--json]
  $PY tools/accidental_values.py --table [--candidate build/candidate] [--diff-only] [--json]
--table --json gives per case: api, value, kind, verdict (same | differs | candidate raises |
candidate drops: original sent, candidate sent nothing | candidate sends), must_not_raise (the
issue's rule: a call with None/bool/number/NaN/inf that the original sent now raises), both records.
"""
import argparse, collections, importlib.abc, importlib.machinery, importlib.util, json, os, re, shutil
import signal, socket, subprocess, sys, tempfile, types, warnings

ALL = ["None", "True", "False", "np.float32(0.5)", "np.float64(0.1)", "np.int64(7)",
       "np.bool_(True)", "np.array(0.5)", "np.array(3)", "np.array(True)", "float('nan')",
       "float('inf')", "float('-inf')", "np.float64('nan')", "np.float32('inf')",
       "np.float64('-inf')", "2**53 + 1", "2**63", "-(2**63) - 1", "'0.5'", "'abc'",
       "[1, None, 2.5]", "(1, 2)", "{'a': 1, 'b': [None, True]}", "{1, 2}",
       "[np.float32(1.5), float('nan')]", "{1: 'int key'}", "{(1, 2): 'tuple key'}",
       "torch.tensor(0.5)", "torch.tensor(True)", "torch.tensor(3)", "torch.tensor([1.0, 2.0])"]
FEW = ["None", "True", "np.float32(0.5)", "float('nan')", "2**63", "{'a': [1, None]}"]
EXC = ["ValueError('boom')", "ValueError(float('nan'))", "KeyError(np.float32(1.5))",
       "ZeroDivisionError()"]
GUARDED = ("none", "bool", "number", "nonfinite")  # the issue: a call with these that worked
# with the original (sent its frame) must not raise with the candidate
CAP, LOCAL, NB, NP = [], [], None, None  # wire texts, CLIENT-logger logs; neetbox, numpy


def _kind(e):
    if "Error(" in e:
        return "exception"
    if e.startswith(("[", "(", "{", "torch.tensor([")):
        return "container"
    if e.startswith("'"):
        return "string"
    if e == "None":
        return "none"
    return "bool" if "True" in e or "False" in e else "nonfinite" if "nan" in e or "inf" in e else "number"


def _has(mod):
    return importlib.util.find_spec(mod) is not None


def _loop(it, n=2):  # at most n steps: progress(2**63) must not run forever
    for _, _x in zip(range(n), it):
        pass


def _act(name="act", description=None, blocking=True, fn=None):
    def act():
        return None
    return NB.action(name=name, description=description, blocking=blocking)(fn or act)


def _web_calls(fn):  # register `fn` as blocking action "act"; the web then calls it
    _act(fn=fn)
    CAP.clear()
    from neetbox.config import get_project_id, get_run_id
    frame = {"projectId": get_project_id(), "runId": get_run_id(), "eventType": "action",
             "eventId": 42, "identityType": "web", "series": None, "payload": {"name": "act",
             "args": {}}, "timestamp": "2024-01-01T00:00:00.000000", "historyLen": -1, "id": None}
    NB.client.connection.on_ws_message(_FakeWs(), json.dumps(frame))


def _raiser(e):
    def act():
        raise e
    return act


def _mention(v):
    NB.logger.mention()(lambda a: a)(v)


FIG = "add_figure('fig', v)" + ("" if _has("matplotlib") else " [matplotlib not installed]")
# (api label, values, call, the event type whose frames are shown, the part of the frame shown)
APIS = [
    ("add_scalar('loss', 1, v)", ALL, lambda v: NB.add_scalar("loss", 1, v), "scalar", "payload"),
    ("add_scalar('loss', v, 0.5)", ALL, lambda v: NB.add_scalar("loss", v, 0.5), "scalar", "payload"),
    ("add_scalar(v, 1, 0.5)", ALL, lambda v: NB.add_scalar(v, 1, 0.5), "scalar", "series"),
    ("add_hyperparams({'lr': v})", ALL, lambda v: NB.add_hyperparams({"lr": v}),
     "hyperparameters", "payload"),
    ("add_hyperparams({'lr': 0.1}, name=v)", ALL,
     lambda v: NB.add_hyperparams({"lr": 0.1}, name=v), "hyperparameters", "series+payload"),
    ("logger.log(v)", FEW, lambda v: NB.logger.log(v), "log", "log"),
    ("logger.log('m', series=v)", ALL, lambda v: NB.logger.log("m", series=v), "log", "log"),
    *[(f"logger.{lv}(v)", FEW, (lambda lv: lambda v: getattr(NB.logger, lv)(v))(lv), "log", "log")
      for lv in ("info", "ok", "debug", "warn", "err")],
    ("logger.mention()(f)(v)", FEW, _mention, "log", "log"),
    ("for _ in progress(v)", ALL, lambda v: _loop(NB.progress(v)), "progress", "progress"),
    ("for _ in progress([v])", FEW, lambda v: _loop(NB.progress([v])), "progress", "progress"),
    ("for _ in progress(2, name=v)", FEW, lambda v: _loop(NB.progress(2, name=v)), "progress",
     "progress"),
    ("@action(name=v)", ALL, lambda v: _act(name=v), "status", "payload"),
    ("@action(description=v)", FEW, lambda v: _act(description=v), "status", "payload"),
    ("@action(blocking=v)", ALL, lambda v: _act(blocking=v), "status", "payload"),
    ("web calls action returning v", ALL, lambda v: _web_calls(lambda: v), "action", "payload"),
    ("web calls action raising v", EXC, lambda v: _web_calls(_raiser(v)), "action", "payload"),
    ("add_image(v, img)", ALL, lambda v: NB.add_image(v, NP.zeros((3, 4, 4))), "image", "series"),
    ("add_image('img', v)", FEW, lambda v: NB.add_image("img", v), "image", "series"),
    (FIG, ["None"], lambda v: NB.add_figure("fig", v), "image", "series"),
]


class _FakeWs:  # stands in for websocket.WebSocketApp: always connected; send() records the text
    sock = types.SimpleNamespace(connected=True)
    send = staticmethod(lambda text, *a, **kw: CAP.append(text))


class _FakeHttp:  # stands in for neetbox's httpx client: records add_image's metadata field
    @staticmethod
    def post(url, *a, data=None, files=None, **kw):
        CAP.append((data or {}).get("metadata"))
        return types.SimpleNamespace(status_code=200, json=lambda: {"result": "ok", "id": 1})


class _Loader(importlib.abc.Loader):  # as dropin's shim: hands out a ready module object
    def __init__(self, mod):
        self.mod, self.own_spec = mod, mod.__spec__

    def create_module(self, spec):
        return self.mod

    def exec_module(self, module):  # module_from_spec() overwrote __spec__; give it back
        module.__spec__ = self.own_spec


def _daemon_start(*a, **kw):
    raise RuntimeError("accidental_values: neetbox tried to spawn its daemon server; blocked")


class _Finder(importlib.abc.MetaPathFinder):  # neetbox._protocol -> candidate; daemon -> stub
    def __init__(self, cand):
        self.mods = {"neetbox.server._daemon_server_launch_script": types.ModuleType("blocked")}
        self.mods["neetbox.server._daemon_server_launch_script"].start = _daemon_start
        if cand is not None:
            self.mods["neetbox._protocol"] = cand

    def find_spec(self, name, path=None, target=None):
        mod = self.mods.get(name)
        return importlib.machinery.ModuleSpec(name, _Loader(mod)) if mod else None


def _guard_sockets():  # loopback (and AF_UNIX) only
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(addr):
        if not isinstance(addr, (str, bytes)) and not str(addr[0]).startswith(("127.", "::1", "localhost")):
            raise OSError(f"accidental_values: non-loopback connect to {addr!r} blocked")
    socket.socket.connect = lambda s, addr: (check(addr), connect(s, addr))[1]
    socket.socket.connect_ex = lambda s, addr: (check(addr), connect_ex(s, addr))[1]


def _local_log(log):  # neetbox's CLIENT logger skips the ws writer: its errors never reach the web
    if log.caller_name_alias == "CLIENT" and log.series in ("warning", "error"):
        LOCAL.append(f"{log.series}: {log.message}")


def _setup(mode, candidate, tmp):
    """Sandbox HOME/cwd in tmp, swap the protocol module, import neetbox, fake its connection."""
    global NB, NP
    candidate = os.path.abspath(candidate)
    home, ws = os.path.join(tmp, "home"), os.path.join(tmp, "ws")
    os.makedirs(home), os.makedirs(ws)
    os.environ.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share",
                      XDG_CACHE_HOME=f"{home}/.cache", NO_PROXY="127.0.0.1,localhost")
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        os.environ.pop(k, None)
    from importlib.metadata import version
    with open(os.path.join(ws, "neetbox.toml"), "w") as f:  # what `neet init` writes, extensions off
        f.write(f'name = "accidental-values"\nversion = "{version("neetbox")}"\n'
                'projectId = "00000000-0000-4000-8000-000000000000"\n[extension]\nautoload = false\n'
                '[client]\nenable = true\nhost = "127.0.0.1"\nport = 9\nallowIpython = false\n'
                'mute = true\nmode = "detached"\nuploadInterval = 1\n'
                '[extension.machine.hardware]\ninterval = 0\n')
    os.chdir(ws)
    _guard_sockets()
    cand = None
    if mode == "candidate":
        sys.path.insert(0, candidate)
        import neetbox_protocol as cand
    sys.meta_path.insert(0, _Finder(cand))
    import numpy as NP
    import neetbox as NB
    import neetbox.client._client as cc
    from neetbox.config import get_project_id
    from neetbox.logging._logger import LogWriters
    from neetbox.utils.connection import WebsocketClient
    proto = sys.modules["neetbox._protocol"]
    if (proto is cand) != (mode == "candidate"):
        raise SystemExit(f"protocol swap failed: neetbox._protocol is {proto!r}")
    wsc = WebsocketClient.__new__(WebsocketClient)  # no WebSocketApp, no thread, no socket
    wsc.wsApp, wsc.message_query, wsc.offline_message_buffer_size = _FakeWs(), [], 100
    cc.connection.websocket, cc.connection.online_mode, cc.connection._is_initialized = wsc, True, True
    cc.httpxClient = _FakeHttp()
    LogWriters._register(name="accidental-values", overwrite=True, what=_local_log)
    get_project_id()  # load the workspace now, not inside the first case
    return {"mode": mode, "protocol_file": proto.__file__, "neetbox": version("neetbox"),
            "numpy": NP.__version__, "torch": _has("torch"), "matplotlib": _has("matplotlib")}


class _CaseTimeout(BaseException):
    pass


def _exc(e):
    mod, msg = type(e).__module__, " ".join(str(e).split())
    name = type(e).__qualname__ if mod == "builtins" else f"{mod}.{type(e).__qualname__}"
    return f"{name}: {msg[:400]}{'...' if len(msg) > 400 else ''}"


def _frame(text):  # parsed frame with what differs on every run masked (addresses, progress rate)
    f = json.loads(re.sub(r" at 0x[0-9a-f]+", " at 0x...", text))
    p = f.get("payload")
    if f.get("eventType") == "progress" and isinstance(p, dict) and p.get("rate") not in (-1, -1.0):
        p["rate"] = "<rate>"
    return f


def _canon(text):  # the frame minus timestamps and ids
    try:
        f = _frame(text)
    except (TypeError, ValueError):
        return repr(text)
    keep = ("eventType", "series", "payload", "eventId", "identityType", "historyLen", "id")
    return json.dumps({k: f.get(k) for k in keep}, sort_keys=True)


def _cell(rec, kind):
    parts = []
    for t in rec["frames"]:
        try:
            f = _frame(t)
        except (TypeError, ValueError):
            parts.append(f"unparsable frame {t!r:.200}")
            continue
        p, series = f.get("payload") or {}, f.get("series")
        if f.get("eventType") == rec["event"]:
            shown = {"series": {"series": series}, "series+payload": {"series": series, "payload": p},
                     "log": {"series": series, "message": p.get("message")},
                     "progress": {k: p.get(k) for k in ("step", "current", "total", "rate")}}
            parts.append(json.dumps(shown.get(kind, f.get("payload")), ensure_ascii=False))
        elif f.get("eventType") == "log" and series in ("warning", "error"):
            parts.append(f"log[{series}]: {p.get('message')}")
    if rec["stuck"]:
        parts.append("NOT SENT, stuck in queue (dumps raised, swallowed by neetbox): " + rec["stuck"])
    parts += [f"local CLIENT log, not sent: {m}" for m in rec["local"]]
    parts += ["warning: " + w for w in rec["warnings"]]
    if rec["error"]:
        parts.append("RAISES " + rec["error"])
    return "; ".join(parts) or "(nothing sent)"


def run_mode(mode, candidate, timeout):
    tmp = tempfile.mkdtemp(prefix="accidental-values-")
    try:
        return _run_cases(_setup(mode, candidate, tmp), timeout)
    finally:
        os.chdir("/")
        shutil.rmtree(tmp, ignore_errors=True)


def _run_cases(meta, timeout):
    torch = __import__("torch") if meta["torch"] else None
    from neetbox.client.apis._action import ActionManager
    pool, queue = ActionManager.ACTION_POOL, NB.client.connection.websocket.message_query
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(_CaseTimeout()))
    results = []
    for api, values, fn, event, kind in APIS:
        for expr in values:
            if expr.startswith("torch.") and torch is None:
                continue
            before = set(pool.__dict__)
            rec = {"api": api, "value": expr, "kind": _kind(expr), "event": event, "error": None}
            CAP.clear(), LOCAL.clear(), queue.clear()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                signal.alarm(timeout)
                try:
                    fn(eval(expr, {"np": NP, "torch": torch}))
                except _CaseTimeout:
                    rec["error"] = f"timeout after {timeout}s"
                except Exception as e:
                    rec["error"] = _exc(e)
                finally:
                    signal.alarm(0)
            rec["warnings"] = [" ".join(str(w.message).split())[:400] for w in caught
                               if not str(w.message).startswith("log writer stdout")]  # not protocol
            rec["stuck"], rec["local"] = None, list(LOCAL)
            if queue:
                try:
                    queue[0].dumps()
                    rec["stuck"] = "queued"
                except Exception as e:
                    rec["stuck"] = _exc(e)
            rec["frames"] = [t if isinstance(t, str) else repr(t) for t in CAP]
            rec["canon"] = [_canon(t) for t in rec["frames"]]
            rec["sent"] = sum(c.startswith("{") and json.loads(c)["eventType"] == event for c in rec["canon"])
            rec["cell"] = _cell(rec, kind)
            results.append(rec)
            for k in set(pool.__dict__) - before:  # unregister this case's actions
                del pool.__dict__[k]
    return {"meta": meta, "results": results}


def _verdict(o, c):
    cls = lambda r: r["error"] and r["error"].split(":")[0]
    if o["canon"] == c["canon"] and cls(o) == cls(c) and bool(o["stuck"]) == bool(c["stuck"]):
        return "same"
    if c["error"] and not o["error"]:
        return "candidate raises"
    ok = lambda r: r["sent"] and not r["error"] and not r["stuck"]
    if ok(o) != ok(c):
        return "candidate drops" if ok(o) else "candidate sends"
    return "differs"


def run_table(args):
    runs = {}
    for mode in ("original", "candidate"):
        cmd = [sys.executable, os.path.abspath(__file__), "--mode", mode, "--json",
               "--case-timeout", str(args.case_timeout), "--candidate", os.path.abspath(args.candidate)]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.mode_timeout)
        if p.returncode != 0:
            sys.exit(f"{mode} run failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
        runs[mode] = json.loads(p.stdout)
    cases = []
    for o, c in zip(runs["original"]["results"], runs["candidate"]["results"]):
        v, worked = _verdict(o, c), o["sent"] and not o["error"] and not o["stuck"]
        cases.append({"api": o["api"], "value": o["value"], "kind": o["kind"], "verdict": v,
                      "must_not_raise": bool(v == "candidate raises" and worked and o["kind"] in GUARDED),
                      "original": o, "candidate": c})
    if args.json:
        return print(json.dumps({m: runs[m]["meta"] for m in runs} | {"cases": cases}, indent=1))

    def md(s):  # exception class without its module (the JSON has it); cut; escape for a table
        s = re.sub(r"RAISES [\w.]+\.(\w+)", r"RAISES \1", s)
        s = s if len(s) <= args.width else s[:args.width] + "..."
        return "`" + s.replace("|", "\\|").replace("`", "'") + "`"
    for m in runs:
        print(f"- {m}: " + ", ".join(f"{k}={v}" for k, v in runs[m]["meta"].items()))
    print("\n| API | value | original sends | candidate sends | verdict |\n|---|---|---|---|---|")
    for c in cases:
        if not (args.diff_only and c["verdict"] == "same"):
            mark = c["verdict"] + (" (value the issue guards)" if c["must_not_raise"] else "")
            print(f"| {md(c['api'])} | {md(c['value'])} | {md(c['original']['cell'])} | "
                  f"{md(c['candidate']['cell'])} | {mark if c['verdict'] == 'same' else f'**{mark}**'} |")
    counts = collections.Counter(c["verdict"] for c in cases)
    print(f"\n{len(cases)} cases: " + ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
          + f"; {sum(c['must_not_raise'] for c in cases)} raise for None/bool/number/NaN/inf.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("original", "candidate"), help="run one mode in this process")
    ap.add_argument("--table", action="store_true", help="run both modes (subprocesses), print Markdown")
    ap.add_argument("--candidate", default=os.path.join(os.path.dirname(__file__), "..", "build", "candidate"),
                    help="dir from which `import neetbox_protocol` works (default: ../build/candidate, made by `make candidate`)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of text")
    ap.add_argument("--diff-only", action="store_true", help="--table: only rows that differ")
    ap.add_argument("--width", type=int, default=150, help="--table: cut cells after this many chars")
    ap.add_argument("--case-timeout", type=int, default=10, help="seconds per case (default 10)")
    ap.add_argument("--mode-timeout", type=int, default=300, help="seconds per mode subprocess")
    args = ap.parse_args()
    if args.table:
        return run_table(args)
    if not args.mode:
        ap.error("give --mode original|candidate, or --table")
    out = os.dup(1)  # neetbox's stdout log writer prints: keep it off our output
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    try:
        res = run_mode(args.mode, args.candidate, args.case_timeout)
    finally:
        sys.stdout.flush()
        os.dup2(out, 1)
    print(json.dumps(res) if args.json else
          "\n".join(f"{r['api']} | {r['value']} | {r['cell']}" for r in res["results"]))


if __name__ == "__main__":
    main()
