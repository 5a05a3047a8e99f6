"""Drop-in parity with neetbox 0.6.0's `neetbox._protocol`, from shared/reference/seed-names.json."""

import datetime
import re

import pytest
from support import seed_names

import neetbox_protocol as np_
from neetbox_protocol import EventMsg, IdentityType

SEED = seed_names()
CONSTANTS = {k: v for k, v in SEED["constants"].items() if k not in ("VERSION", "NEETBOX_VERSION")}


def star() -> dict:
    ns: dict = {}
    exec("from neetbox_protocol import *", ns)  # exactly what neetbox's modules do
    return ns


@pytest.mark.parametrize("name,value", sorted(CONSTANTS.items()))
def test_constant_value(name, value):
    assert getattr(np_, name) == value
    assert type(getattr(np_, name)) is str
    assert star()[name] == value


def test_no_missing_constants_and_the_extra_ones_are_the_schemas():
    """Every name of the original is here (parity); any other constant is one the schemas add
    (an event type a later protocol version knows, e.g. `error`)."""
    from neetbox_protocol import constants, schema

    assert set(CONSTANTS) <= set(constants.__all__)
    from_schemas = {b["title"] for name in ("keys", "event-type", "constants") for b in schema(name)["anyOf"]}
    assert set(constants.__all__) - set(CONSTANTS) <= from_schemas


@pytest.mark.parametrize("name", ["json", "dataclass", "Union"])
def test_star_import_keeps_the_helpers_neetbox_uses(name):
    import dataclasses
    import json
    import typing

    assert star()[name] is {"json": json, "dataclass": dataclasses.dataclass, "Union": typing.Union}[name]


def test_versions_are_neetbox_distribution_version_or_documented_fallback():
    from importlib.metadata import PackageNotFoundError, version

    try:
        expected = version("neetbox")
    except PackageNotFoundError:
        expected = np_.VERSION_FALLBACK
    assert np_.VERSION == np_.NEETBOX_VERSION == expected
    assert np_.VERSION_FALLBACK == np_.__version__
    assert "VERSION" in star() and "NEETBOX_VERSION" in star()


@pytest.mark.parametrize("member,spec", sorted(SEED["IdentityType"].items()))
def test_identity_type(member, spec):
    m = getattr(IdentityType, member)
    assert m.value == spec["value"] and m == spec["value"] and repr(m) == spec["repr"]
    assert isinstance(m, str)
    assert IdentityType(spec["value"]) is m


def test_identity_type_has_no_other_members():
    assert [m.name for m in IdentityType] == list(SEED["IdentityType"])


def test_envelope_fields_defaults_and_order():
    fields = EventMsg.model_fields
    for spec in SEED["EventMsg"]["fields"]:
        info = fields[spec["name"]]
        assert (info.alias or spec["name"]) == spec["wire_key"]
        if spec["default"] not in ("<required>", "<import-time timestamp>"):
            assert info.default == spec["default"], spec
    msg = EventMsg(project_id="p", run_id="r", event_type="log", payload={"whom": "a", "message": "b"})
    assert list(msg.json) == SEED["EventMsg"]["json_key_order"]


def test_required_constructor_arguments():
    for missing in ("project_id", "run_id", "event_type"):
        kwargs = {"project_id": "p", "run_id": "r", "event_type": "handshake"}
        del kwargs[missing]
        with pytest.raises(TypeError, match=missing):
            EventMsg(**kwargs)


def test_positional_arguments_follow_the_original_dataclass():
    msg = EventMsg("p", "r", "scalar", "loss", {"x": 1, "y": 2.0}, 7, "cli", "2024-01-02T03:04:05.000006", 5, 9)
    assert msg.json == {"projectId": "p", "runId": "r", "eventType": "scalar", "eventId": 7, "identityType": "cli",
                        "series": "loss", "payload": {"x": 1, "y": 2.0}, "timestamp": "2024-01-02T03:04:05.000006",
                        "historyLen": 5, "id": 9}  # fmt: skip


def test_timestamp_default_is_per_instance_and_formatted():
    a = EventMsg(project_id="p", run_id="r", event_type="handshake")
    b = EventMsg(project_id="p", run_id="r", event_type="handshake")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", a.timestamp)
    assert a.timestamp <= b.timestamp
    later = EventMsg.loads('{"eventType": "handshake"}').timestamp
    assert later >= a.timestamp


def test_get_timestamp():
    fixed = datetime.datetime(2024, 1, 2, 3, 4, 5, 6789)
    assert np_.get_timestamp(fixed) == "2024-01-02T03:04:05.006789"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", np_.get_timestamp())


def test_json_is_a_property_returning_a_fresh_dict():
    msg = EventMsg(project_id="p", run_id="r", event_type="log", payload={"whom": "a", "message": "b"})
    assert isinstance(type(msg).json, property)
    d = msg.json
    assert d is not msg.json  # a new dict each time
    d["projectId"] = "changed"
    assert msg.project_id == "p"
    # as in the original, the payload in it is the message's own (docs/differences.md): no copy
    assert d["payload"] is msg.payload


def test_loads_accepts_str_bytes_and_dict():
    frame = '{"projectId":"p","runId":"r","eventType":"log","payload":{"whom":"a","message":"中"}}'
    for src in (frame, frame.encode(), bytearray(frame.encode()), {"projectId": "p", "runId": "r", "eventType": "log",
                                                                   "payload": {"whom": "a", "message": "中"}}):
        assert EventMsg.loads(src).payload == {"whom": "a", "message": "中"}


def test_frontend_frames_take_defaults():
    m = EventMsg.loads('{"eventType":"handshake","identityType":"web","projectId":"p","eventId":5}')
    assert (m.run_id, m.series, m.payload, m.history_len, m.id, m.event_id) == (None, None, None, -1, None, 5)
    assert m.identity_type is IdentityType.WEB


def test_handshake_reply_merge_like_neetbox_server():
    req = EventMsg.loads('{"eventType":"handshake","identityType":"web","projectId":"p","eventId":5}')
    reply = EventMsg.merge(req, {"payload": {"result": 200, "reason": "join success"}, "identityType": IdentityType.SERVER})
    assert reply.json["payload"] == {"result": 200, "reason": "join success"}
    assert reply.identity_type == "server" and reply.event_id == 5 and reply.timestamp == req.timestamp
    assert req.identity_type == "web" and req.payload is None  # unchanged


def test_server_side_mutations_used_by_neetbox():
    msg = EventMsg(project_id="p", run_id="r", event_type="image", identity_type=IdentityType.CLI, series="img")
    msg.payload = msg.payload or {}  # server/fastapi/routers/project/_crud.py
    msg.id = 3
    msg.identity_type = IdentityType.CLI
    assert msg.json["payload"] == {} and msg.json["id"] == 3
