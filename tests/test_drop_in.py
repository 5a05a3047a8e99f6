"""What neetbox 0.6.0 needs from its protocol module beyond the wire format (README, "Drop-in").

* Validators and serializers are built at import: the first message of a process costs what later
  ones do, or neetbox's client widens its startup race (it can flush queued sends before its own
  handshake; the server then drops the socket and the run loses its actions and hyperparameters).
  The time itself is measured by ``make bench`` (first-message row), not asserted here.
* A message hands its user plain data in the strict-JSON form (a non-finite float as "NaN", ...),
  so whatever a service does with it (stdlib ``json.dumps``, sqlite, a JSON response) stays strict
  JSON; the typed view (``typed_payload``) reads those tokens as floats.
* What an ML user passes to neetbox's client API by accident (None, bools, numpy scalars, NaN,
  big ints, numbers where a name is wanted) is sent, never raised into the training loop. The
  calls below are the ones neetbox 0.6.0's client makes (``ws_send``, client/_client.py:281).
* ``VERSION`` follows an upgrade of neetbox: re-read on access once older than 60 s.
"""

import json
import math
import subprocess
import sys

import pytest
from fastapi.encoders import jsonable_encoder
from support import ROOT

import neetbox_protocol
from neetbox_protocol import EventMsg, ProtocolError

np = pytest.importorskip("numpy")

PID, RID = "p1", "r1"
NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------------------------- start-up


def test_every_validator_and_serializer_is_built_by_the_import():
    """In a fresh interpreter, right after the import, nothing is left to build on first use."""
    code = (
        "import neetbox_protocol as n\n"
        "from pydantic._internal._mock_val_ser import MockValSer\n"
        "from neetbox_protocol import _envelope, _loads\n"
        "classes = [n.EventMsg, *n.EVENT_CLASSES.values()]\n"
        "lazy = [c.__name__ for c in classes if not c.__pydantic_complete__\n"
        "        or isinstance(c.__dict__.get('__pydantic_validator__'), MockValSer)\n"
        "        or isinstance(c.__dict__.get('__pydantic_serializer__'), MockValSer)]\n"
        "lazy += ['loads union'] if _envelope._fast_loads is None else []\n"
        "lazy += ['typed_payload adapters'] if _loads.adapter.cache_info().currsize < len(n.EVENT_CLASSES) else []\n"
        "print(lazy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------- strict JSON

NAN_FRAMES = [  # (frame text, where the token is)
    ('{"eventType": "scalar", "series": "loss", "payload": {"x": 5, "y": NaN}}', ("payload", "y")),
    ('{"eventType": "scalar", "series": "loss", "payload": {"x": 5, "y": -Infinity}}', ("payload", "y")),
    ('{"eventType": "scalar", "series": "loss", "payload": {"x": 5, "y": "Infinity"}}', ("payload", "y")),
    ('{"eventType": "hyperparameters", "payload": {"lr": NaN, "grid": [1, Infinity]}}', ("payload", "grid", 1)),
    ('{"eventType": "progress", "series": "l", "payload": {"name": "l", "step": 1, "current": "c", "total": 2, "rate": NaN}}',
     ("payload", "rate")),
    ('{"eventType": "some_future_type", "payload": {"v": [NaN]}}', ("payload", "v", 0)),
    ('{"eventType": "scalar", "payload": {"x": 1, "y": 2}, "someNewKey": -Infinity}', ("someNewKey",)),
]  # fmt: skip


def _at(data, path):
    for part in path:
        data = data[part]
    return data


@pytest.mark.parametrize("text,path", NAN_FRAMES, ids=[p[-1] if isinstance(p[-1], str) else str(p) for _, p in NAN_FRAMES])
@pytest.mark.parametrize("form", ["str", "bytes", "bytearray", "dict"])
def test_plain_data_of_a_loaded_nan_frame_is_strict_json(text, path, form):
    src = {"str": text, "bytes": text.encode(), "bytearray": bytearray(text.encode()), "dict": json.loads(text)}[form]
    msg = EventMsg.loads(src)
    wire = msg.model_dump(by_alias=True)
    assert _at(wire, path) in ("NaN", "Infinity", "-Infinity")
    # what neetbox's server does with it: stdlib json.dumps into sqlite, then the history endpoint
    json.dumps(msg.payload, allow_nan=False)
    json.dumps(msg.json, allow_nan=False)
    json.dumps(jsonable_encoder(msg), allow_nan=False)  # a FastAPI response of the message
    json.loads(msg.model_dump_json(), parse_constant=_refuse)
    assert EventMsg.loads(msg.dumps()) == msg  # and it reads back as the same message


def _refuse(token):
    raise ValueError(f"bare {token} in output")


def test_typed_payload_reads_the_tokens_as_floats_and_writes_them_as_tokens():
    msg = EventMsg.loads('{"eventType": "scalar", "series": "loss", "payload": {"x": 5, "y": NaN}}')
    assert msg.payload == {"x": 5, "y": "NaN"}
    assert math.isnan(msg.typed_payload.y)
    assert json.loads(msg.typed_payload.model_dump_json()) == {"x": 5, "y": "NaN"}
    assert msg.typed_payload.model_dump(mode="json") == {"x": 5, "y": "NaN"}  # FastAPI's response path
    json.dumps(jsonable_encoder(msg.typed_payload), allow_nan=False)
    hw = EventMsg.loads(EventMsg(PID, RID, "hardware", payload={
        "cpus": [{"id": 0, "percentage": NAN, "frequency": [INF, 1, 2]}],
        "cpustat": {"ctxSwitches": 1, "interrupts": 2, "softInterrupts": 3, "syscalls": 0},
        "ram": {"total": 1, "available": 1, "used": 1, "free": -INF}}).dumps())  # fmt: skip
    assert hw.payload["cpus"][0]["percentage"] == "NaN" and math.isnan(hw.typed_payload.cpus[0].percentage)
    assert hw.typed_payload.ram.free == -INF and hw.typed_payload.model_dump(mode="json")["ram"]["free"] == "-Infinity"


def test_python_non_finite_floats_are_held_as_tokens_through_every_python_door():
    msg = EventMsg(PID, RID, "scalar", "loss", {"x": 1, "y": NAN}, extra=[INF])
    assert msg.payload["y"] == "NaN" and msg.model_extra == {"extra": ["Infinity"]}
    msg.payload = {"x": np.float32("inf"), "y": np.float64("-inf")}
    assert msg.payload == {"x": "Infinity", "y": "-Infinity"}
    merged = EventMsg.merge(msg, {"payload": {"x": 2, "y": NAN}})
    assert merged.payload == {"x": 2, "y": "NaN"}
    assert EventMsg.loads({"eventType": "hyperparameters", "payload": {"lr": NAN}}).payload == {"lr": "NaN"}


# ---------------------------------------------------------------------------------- accidental values

SCALARS = [  # (value as an ML user passes it, what is sent) for a number position
    (None, None), (True, 1), (False, 0), (np.bool_(True), 1), (np.array(False), 0),
    (np.float32(0.5), 0.5), (np.float64(0.1), 0.1), (np.int64(7), 7), (np.array(0.5), 0.5), (np.array(3), 3),
    (NAN, "NaN"), (INF, "Infinity"), (-INF, "-Infinity"), (np.float32("nan"), "NaN"), (np.float64("-inf"), "-Infinity"),
    (2**53 + 1, 2**53 + 1), (2**63, 2**63), (-(2**63) - 1, -(2**63) - 1), ("0.5", "0.5"), (1e-300, 1e-300), (-0.0, -0.0),
]  # fmt: skip
NAMES = [  # (value passed where neetbox wants a name, the series sent)
    (None, None), ("loss", "loss"), (True, "true"), (False, "false"), (np.bool_(True), "true"), (np.float32(0.5), "0.5"),
    (np.float64(0.1), "0.1"), (np.int64(7), "7"), (np.array(3), "3"), (NAN, "NaN"), (INF, "Infinity"), (-INF, "-Infinity"),
    (2**63, "9223372036854775808"),
]  # fmt: skip


def ws_send(event_type, series=None, payload=None, event_id=-1):
    """neetbox 0.6.0's client/_client.py:281 ``ws_send``: every websocket message is built so."""
    return EventMsg(project_id=PID, run_id=RID, event_type=event_type, event_id=event_id,
                    identity_type=neetbox_protocol.IdentityType.CLI, series=series, payload=payload,
                    timestamp=neetbox_protocol.get_timestamp(), history_len=-1)  # fmt: skip


def sent(msg):
    """What goes on the wire, read back as a peer reads it (strict JSON)."""
    return json.loads(msg.dumps(), parse_constant=_refuse)


def same(a, b):
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.copysign(1, a) == math.copysign(1, b) and a == b))


@pytest.mark.parametrize("value,expected", SCALARS, ids=repr)
@pytest.mark.parametrize("key", ["x", "y"])
def test_add_scalar_sends_any_number_like_value(key, value, expected):
    # client/apis/_scalar.py:24: ws_send(event_type="scalar", series=name, payload={"x": x, "y": y})
    payload = {"x": 1, "y": 0.5, key: value}
    out = sent(ws_send("scalar", "loss", payload))["payload"][key]
    assert same(out, expected), (out, expected)


@pytest.mark.parametrize("value,expected", NAMES, ids=repr)
def test_a_number_or_bool_given_as_a_name_is_sent_as_its_json_text(value, expected):
    # add_scalar(name, ...), logger.log(..., series=), add_image(name, ...), add_hyperparams(..., name=)
    assert sent(ws_send("scalar", value, {"x": 1, "y": 2}))["series"] == expected
    assert sent(ws_send("log", value, {"message": "m", "whom": "w"}))["series"] == expected
    msg = ws_send("log", None, {"message": "m", "whom": "w"})
    msg.series = value
    assert sent(msg)["series"] == expected


@pytest.mark.parametrize("value", [v for v, _ in SCALARS] + [[1, None, {"a": NAN}], {"k": (1, 2)}, {1, 2}], ids=repr)
def test_hyperparameters_and_action_results_take_any_value(value):
    # _scalar.py:39 add_hyperparams; _action.py:109 the action's reply {name, result|error}
    assert "lr" in sent(ws_send("hyperparameters", None, {"lr": value}))["payload"]
    assert "result" in sent(ws_send("action", None, {"name": "act", "result": value}, event_id=3))["payload"]


DESCRIPTIONS = [(None, None), (True, "true"), (np.float32(0.5), "0.5"), (NAN, "NaN"), (2**63, "9223372036854775808")]
FLAGS = [(True, True), (False, False), (None, False), (np.bool_(True), True), (0, False), (0.1, True), (np.float32(0.5), True),
         (np.int64(0), False), (NAN, True), (INF, True), (2**63, True)]  # fmt: skip


@pytest.mark.parametrize("description,expected", DESCRIPTIONS, ids=repr)
def test_action_registration_takes_any_scalar_description(description, expected):
    # _action.py:161: ws_send(event_type="status", series="action", payload=get_action_dict())
    payload = {"act": {"description": description, "args": {"lr": "float"}, "blocking": False}}
    assert sent(ws_send("status", "action", payload))["payload"]["act"]["description"] == expected


@pytest.mark.parametrize("blocking,expected", FLAGS, ids=repr)
def test_action_registration_reads_blocking_as_neetbox_does(blocking, expected):
    # neetbox runs the action with ``if not target_action.blocking`` (_action.py:91): its truth value
    payload = {"act": {"description": None, "args": {}, "blocking": blocking}}
    assert sent(ws_send("status", "action", payload))["payload"]["act"]["blocking"] is expected


def test_progress_total_given_as_a_bool_is_a_number():
    # _progress.py:71: progress(True) iterates once with total True
    payload = {"name": "l", "step": 1, "current": "int object", "total": True, "rate": -1.0}
    assert sent(ws_send("progress", "l", payload))["payload"]["total"] == 1


@pytest.mark.parametrize("call,path,accepted", [
    (lambda: ws_send("scalar", "loss", {"x": 1, "y": "abc"}), "payload.y", "Input should be a number"),
    (lambda: ws_send("scalar", "loss", {"x": [1, 2], "y": 1}), "payload.x", "Input should be a number"),
    (lambda: ws_send("scalar", [1, 2], {"x": 1, "y": 1}), "series", "valid string"),
    (lambda: ws_send("status", "action", {"act": {"description": None, "args": {}, "blocking": "yes"}}), "payload.act.blocking",
     "valid boolean"),
    (lambda: ws_send("hyperparameters", None, {(1, 2): 1}), "payload", "written as its JSON text"),
])  # fmt: skip
def test_what_still_raises_names_the_field_and_what_is_accepted(call, path, accepted):
    with pytest.raises(ProtocolError) as info:
        call()
    assert [e["path"] for e in info.value.errors] == [path], info.value.errors
    assert accepted in str(info.value)


def test_json_true_is_still_not_a_number():
    """Only Python's bool is an int; the JSON door follows the schema (true is not a number)."""
    with pytest.raises(ProtocolError, match="payload.y"):
        EventMsg.loads('{"eventType": "scalar", "payload": {"x": 1, "y": true}}')
    assert EventMsg.loads('{"eventType": "scalar", "payload": {"x": null, "y": null}}').payload == {"x": None, "y": None}


# ---------------------------------------------------------------------------------- VERSION


def test_version_is_re_read_once_older_than_60_seconds(monkeypatch):
    tracker = neetbox_protocol._neetbox_version
    now = [1000.0]
    installed = ["0.6.0"]
    monkeypatch.setattr(tracker, "clock", lambda: now[0])
    monkeypatch.setattr(tracker, "reader", lambda dist: installed[0])
    monkeypatch.setattr(tracker, "_value", None)
    assert neetbox_protocol.VERSION == "0.6.0"
    installed[0] = "0.6.1"  # neetbox upgraded under a running server
    now[0] += 59.9
    assert neetbox_protocol.VERSION == neetbox_protocol.NEETBOX_VERSION == "0.6.0"
    now[0] += 0.1
    assert neetbox_protocol.VERSION == "0.6.1"
    installed[0] = None  # uninstalled: the fallback
    now[0] += 60
    assert neetbox_protocol.NEETBOX_VERSION == neetbox_protocol.VERSION_FALLBACK
