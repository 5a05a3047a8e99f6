"""Laws, checked on messages generated from the schemas: round trips and merge."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import EVENT_TYPES, messages
from support import examples, same

from neetbox_protocol import EVENT_CLASSES, EventMsg
from neetbox_protocol._registry import Registry

SETTINGS = settings(max_examples=examples(40), deadline=None, suppress_health_check=list(HealthCheck))


def dump(m):
    return m.model_dump(by_alias=True)


@pytest.mark.parametrize("event_type", EVENT_TYPES)
@SETTINGS
@given(data=st.data())
def test_round_trips(event_type, data):
    d = data.draw(messages(event_type))
    m = EventMsg.loads(d)
    assert type(m) is EVENT_CLASSES[event_type]
    assert same(dump(EventMsg.loads(m.dumps())), dump(m))
    assert same(dump(EventMsg.loads(m.json)), dump(m))
    assert same(dump(EventMsg.loads(m.dumps().encode())), dump(m))
    for key in d:  # nothing given is lost (numbers keep their kind)
        assert key in m.json


@st.composite
def same_type_triple(draw):
    """Three messages of one event type; where the series selects the payload's shape (status),
    series that select the same shape: merging keys of one into another keeps a valid message."""
    event_type = draw(st.sampled_from(EVENT_TYPES))
    first = draw(messages(event_type))
    tag_of = Registry.series_taggers.get(EVENT_CLASSES[event_type])
    if tag_of is None:
        same_shape = messages(event_type)
    else:
        same_shape = messages(event_type).filter(lambda d: tag_of(d) == tag_of(first))
    return [EventMsg.loads(d) for d in (first, draw(same_shape), draw(same_shape))]


def subset(draw, d, must=()):
    keys = [k for k in d if draw(st.booleans()) or k in must]
    return {k: d[k] for k in keys}


@SETTINGS
@given(same_type_triple(), st.data())
def test_merge_laws(triple, data):
    x, b, c = triple
    x_before = copy.deepcopy(dump(x))
    assert same(dump(EventMsg.merge(x, {})), dump(x))  # identity
    y = subset(data.draw, b.json)
    y_before = copy.deepcopy(y)
    merged = EventMsg.merge(x, y)
    for key in y:  # every key of y wins
        assert same(merged.json[key], b.json[key])
    for key in set(x.json) - set(y):  # every other key of x stays
        assert same(merged.json[key], x.json[key])
    # associativity for dicts y, z that together carry every key (a message carries all its keys)
    z = {**subset(data.draw, c.json), **{k: c.json[k] for k in c.json if k not in y}}
    left = EventMsg.merge(EventMsg.merge(x, y), z)
    right = EventMsg.merge(x, EventMsg.merge(y, z))
    assert same(dump(left), dump(right))
    assert same(dump(x), x_before) and same(y, y_before)  # inputs unchanged
    assert same(dump(EventMsg.merge(x, b)), dump(b) | {k: v for k, v in dump(x).items() if k not in dump(b)})
