"""The README's promises under attack (issue 21): every door ends in the same gate.

One section per family of attack: wire names, size, cost, the object model, depth and text. Each
test reproduces an attack that once broke a promise; the data comes from the schemas (the
registry's envelope fields) and the wire corpus, so adding an event type needs no edit here.
Speed is measured by ``make bench`` (the worst-case rows), never asserted here.
"""

from __future__ import annotations

import json

import pytest
from test_pydantic_doors import DOORS, GOOD, door_outcome

from neetbox_protocol import EVENT_CLASSES, EventMsg, ProtocolError
from neetbox_protocol._registry import Registry

# ----------------------------------------------------------------------------- wire names

#: One frame per known event type (the first of the corpus and the schemas' examples).
ONE_PER_TYPE = list({json.loads(t)["eventType"]: t for t in reversed(GOOD) if json.loads(t)["eventType"] in EVENT_CLASSES}.values())
RENAMED = [f for f in Registry.fields if f.name != f.wire]  # the envelope keys whose Python name differs
WIRE_DOORS = [*DOORS, "loads dict", "merge"]


def _outcome(door, text):
    data = json.loads(text)
    try:
        if door == "loads dict":
            msg = EventMsg.loads(data)
        elif door == "merge":
            msg = EventMsg.merge(data, {})
        else:
            return door_outcome(door, text)
    except ProtocolError as err:
        return ("error", sorted({e["path"] for e in err.errors}))
    return ("ok", type(msg).__name__, msg.json)


@pytest.mark.parametrize("door", WIRE_DOORS)
@pytest.mark.parametrize("field", RENAMED, ids=lambda f: f.name)
def test_python_names_are_not_wire_names(door, field):
    """A frame whose key is the Python name (``event_type``) instead of the wire name
    (``eventType``) is read as the schema reads it: an unknown key, the field itself missing
    (refused where the field is required, its default otherwise), through every dispatch."""
    for text in ONE_PER_TYPE:
        frame = json.loads(text)
        if field.wire not in frame:
            continue
        renamed = {(field.name if k == field.wire else k): v for k, v in frame.items()}
        without = _outcome("loads", json.dumps({k: v for k, v in frame.items() if k != field.wire}))
        outcome = _outcome(door, json.dumps(renamed))
        if without[0] == "error":
            assert outcome[0] == "error" and field.wire in outcome[1], (door, renamed, outcome)
            continue
        assert outcome[0] == "ok", (door, renamed, outcome)
        assert outcome[1] == without[1], (door, renamed, outcome)  # the same class as without the key
        drop = {"timestamp"}
        expected = {k: v for k, v in without[2].items() if k not in drop}
        assert {k: v for k, v in outcome[2].items() if k not in drop} == {**expected, field.name: frame[field.wire]}, (door, renamed)
