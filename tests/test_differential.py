"""The JSON Schema (jsonschema, the reference validator) and the generated models give the same
verdict: on schema-generated valid messages and on mutated ones. Any disagreement fails."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import EVENT_TYPES, messages
from support import examples, schema_validator

from neetbox_protocol import EventMsg, ProtocolError

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["NaN", "1", "abc\n", "../x", "nan", "2024-01-02T03:04:05.000006"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)  # fmt: skip


LABEL = re.compile(r"^(int|float|str|bool|none|bytes|union\[.*|tagged-union\[.*|literal\[.*|function-.*|\w+Event|\w+Payload)$")


def model_verdict(d) -> bool:
    try:  # the messages are JSON values: the models read them as JSON text, as a peer sends them
        EventMsg.loads(json.dumps(d))
        return True
    except ProtocolError as err:
        for e in err.errors:  # paths name wire keys and indexes only, never pydantic's labels
            segments = [s for s in re.split(r"\.|\[\d+\]", e["path"]) if s]
            assert not any(LABEL.match(s) for s in segments), (e["path"], d)
        return False


@st.composite
def mutated(draw):
    d = draw(messages(draw(st.sampled_from(EVENT_TYPES))))
    path = [d]
    node = d
    for _ in range(draw(st.integers(0, 3))):  # walk down into the payload sometimes
        children = [k for k, v in node.items() if isinstance(v, dict)] if isinstance(node, dict) else []
        if not children:
            break
        node = node[draw(st.sampled_from(sorted(children)))]
        path.append(node)
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node)))
        if draw(st.booleans()):
            node[key] = draw(JSON_VALUES)
        else:
            del node[key]
    return d


SETTINGS = settings(max_examples=examples(300), deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(messages())
def test_agree_on_generated_valid_messages(d):
    assert schema_validator().is_valid(d)
    assert model_verdict(d)


@SETTINGS
@given(mutated())
def test_agree_on_mutated_messages(d):
    assert schema_validator().is_valid(d) == model_verdict(d), d


@pytest.mark.parametrize("d", [
    {"eventType": "scalar", "runId": "abc\n", "payload": {"x": 1, "y": 1}},
    {"eventType": "scalar", "payload": {"x": True, "y": 1}},
    {"eventType": "scalar", "payload": {"x": "NaN", "y": "nan"}},
    {"eventType": "unknown_type", "payload": {"anything": [1]}},
    {"eventType": "handshake"},
    {"eventType": "status", "payload": {"result": 200}},
])  # fmt: skip
def test_agree_on_edge_cases(d):
    assert schema_validator().is_valid(d) == model_verdict(d)
