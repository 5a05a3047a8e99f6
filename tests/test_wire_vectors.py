"""Every frame real neetbox 0.6.0 put on the wire (tests/data/neetbox-0.6.0-wire.jsonl) loads into
its typed event, loses nothing on a round trip, and comes out as strict JSON."""

import json

import pytest
from support import DATA, SHARED, same, schema_validator, wire_vectors

from neetbox_protocol import EVENT_CLASSES, EventMsg

VECTORS = wire_vectors()
IDS = [f"{v['seq']}-{v['direction']}-{v['eventType']}" for v in VECTORS]


def strict_loads(text: str):
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


#: the event types neetbox 0.6.0 produces (histogram, video and wavehands it never sends; `error`
#: is a later protocol's): a fact about the captured corpus, not about the schemas
PRODUCED_BY_NEETBOX_0_6_0 = {"handshake", "log", "action", "scalar", "image", "hyperparameters", "status", "hardware", "progress"}


def test_vectors_cover_every_produced_event_type():
    assert len(VECTORS) == 112
    assert {v["eventType"] for v in VECTORS} == PRODUCED_BY_NEETBOX_0_6_0
    assert PRODUCED_BY_NEETBOX_0_6_0 <= set(EVENT_CLASSES)


@pytest.mark.parametrize("vec", VECTORS, ids=IDS)
def test_frame_loads_into_its_typed_event(vec):
    msg = EventMsg.loads(vec["frame"])
    assert type(msg) is EVENT_CLASSES[vec["eventType"]]
    assert isinstance(msg, EventMsg)
    # the frame's bare NaN/Infinity tokens are held as their strict-JSON strings ("NaN"...)
    original = json.loads(vec["frame"], parse_constant=str)
    for key, value in original.items():  # nothing the frame carried is lost or changed
        assert same(msg.model_dump(by_alias=True)[key], value), key


@pytest.mark.parametrize("vec", VECTORS, ids=IDS)
def test_round_trip_and_strict_json(vec):
    msg = EventMsg.loads(vec["frame"])
    text = msg.dumps()
    strict_loads(text)  # RFC 8259: no NaN/Infinity tokens
    again = EventMsg.loads(text)
    assert type(again) is type(msg)
    assert same(again.model_dump(by_alias=True), msg.model_dump(by_alias=True))
    assert same(EventMsg.loads(msg.json).model_dump(by_alias=True), msg.model_dump(by_alias=True))


@pytest.mark.parametrize("vec", VECTORS, ids=IDS)
def test_json_schema_agrees(vec):
    errors = [e.message for e in schema_validator().iter_errors(json.loads(vec["frame"]))]
    assert errors == []


def test_python_frames_key_order_is_the_wire_order():
    for vec in VECTORS:
        if vec["direction"] in ("cli->server", "server->cli", "server->web"):
            assert list(EventMsg.loads(vec["frame"]).json) == list(json.loads(vec["frame"]))


@pytest.mark.skipif(not (SHARED / "vectors").is_dir(), reason="../shared is not beside this checkout")
def test_copies_match_shared():
    for rel, name in (("vectors/neetbox-0.6.0-wire.jsonl", "neetbox-0.6.0-wire.jsonl"),
                      ("reference/seed-names.json", "seed-names.json")):  # fmt: skip
        assert (SHARED / rel).read_bytes() == (DATA / name).read_bytes()
