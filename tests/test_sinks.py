"""What a validated message guarantees the server's sinks (README, "What a validated message
guarantees downstream"): neetbox 0.6.0's server makes ``eventType`` an unquoted SQL table name and
names its DB file ``<projectId>.projectdb``. Checked here against SQLite itself and against Python's
own list of Windows' reserved names; tests/conformance/vectors.json (``*/sink/*``) holds the same
rules as vectors every validator must agree on."""

import ntpath
import re
import sqlite3
from pathlib import PureWindowsPath

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from neetbox_protocol import EventMsg, ProtocolError, schema
from neetbox_protocol.registry import EventTypeName, Identifier

NAME = TypeAdapter(EventTypeName)
ID = TypeAdapter(Identifier)
COMMON = schema("common")["$defs"]


def accepts(adapter: TypeAdapter, value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


# ----------------------------------------------------------------- eventType: an SQL table name

def neetbox_create_table(db: sqlite3.Connection, table: str) -> None:
    """The statement neetbox 0.6.0's ProjectDB.write_json runs for a new event type (unquoted)."""
    db.execute(f"CREATE TABLE IF NOT EXISTS {table} ( id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT NON NULL, "
               "series TEXT, runId INTEGER, json TEXT NON NULL)")  # fmt: skip


def tables(db: sqlite3.Connection) -> list[str]:
    return [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]


event_type_names = st.from_regex(COMMON["EventTypeName"]["pattern"], fullmatch=True).filter(lambda s: len(s) <= 63)


@settings(max_examples=300, deadline=None)
@given(event_type_names)
def test_an_event_type_is_an_unquoted_table_name_that_names_one_table(name):
    """Unquoted, as neetbox 0.6.0 writes it, a valid event type creates exactly the table of that
    name, or fails as a reserved word (``order``, ``sqlite_x``; the server's to quote): it never
    creates another table or runs something else. Quoted, it is always that table's name."""
    assume(accepts(NAME, name))
    db = sqlite3.connect(":memory:")
    try:
        neetbox_create_table(db, name)
    except sqlite3.DatabaseError as exc:  # OperationalError; ``if`` gives "malformed database schema (if) ... syntax error"
        assert re.search(r"syntax error|reserved for internal use", str(exc)), (name, exc)
        assert tables(db) == []
    else:
        assert tables(db) == [name]
    if not name.startswith("sqlite_"):  # SQLite reserves these names even quoted
        quoted = sqlite3.connect(":memory:")
        neetbox_create_table(quoted, f'"{name}"')
        assert tables(quoted) == [name]


@pytest.mark.parametrize("name", ["scalar", "hyperparameters", "_x", "wavehands", "some_later_type", "a" * 63])
def test_no_case_variant_of_an_event_type_is_valid(name):
    """SQL folds an unquoted name's case: were `Scalar` valid, it would share the `scalar` table
    (and an unknown event type's payload is not checked)."""
    assert accepts(NAME, name)
    variants = {name.upper(), name.title(), name.swapcase(), name[:1].upper() + name[1:]} - {name}
    assert [v for v in variants if accepts(NAME, v)] == []
    db = sqlite3.connect(":memory:")
    neetbox_create_table(db, name)
    neetbox_create_table(db, name.upper())
    assert tables(db) == [name]  # what it would do: one table for both


@pytest.mark.parametrize("name", ["0a", "2d", "a-b", "-a", "a.b", "a b", "a;", "a(", "a'", 'a"'])
def test_every_name_sqlite_cannot_read_as_a_plain_table_name_is_invalid(name):
    with pytest.raises(sqlite3.OperationalError):
        neetbox_create_table(sqlite3.connect(":memory:"), name)
    assert not accepts(NAME, name)


# ----------------------------------------------------------------- ids: file names

DEVICES = ["CON", "PRN", "AUX", "NUL", *(f"COM{d}" for d in range(10)), *(f"LPT{d}" for d in range(10))]


def windows_reserved(name: str) -> bool:
    """Python's own reading of Windows' reserved names (ntpath.isreserved from 3.13,
    PureWindowsPath.is_reserved before it)."""
    isreserved = getattr(ntpath, "isreserved", None)
    return isreserved(name) if isreserved else PureWindowsPath(name).is_reserved()


@pytest.mark.parametrize("device", DEVICES)
def test_no_windows_device_name_is_an_id(device):
    for case in (device, device.lower(), device.title(), device[:1].lower() + device[1:]):
        for extension in ("", ".txt", ".projectdb", ".tar.gz"):
            assert not accepts(ID, case + extension), case + extension
    assert accepts(ID, device + "0") and accepts(ID, "x" + device) and accepts(ID, device + "-1")


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}\Z") | st.sampled_from(DEVICES).map(lambda d: d + "." * (len(d) % 2)))
def test_no_id_names_a_reserved_windows_file(candidate):
    """A valid id, and the DB file neetbox 0.6.0 names after it, is nothing Python's ntpath calls
    reserved (a device name, a trailing dot)."""
    if accepts(ID, candidate):
        assert not windows_reserved(candidate) and not windows_reserved(candidate + ".projectdb"), candidate


def test_the_python_doors_reject_a_device_name_as_json_does():
    msg = EventMsg("p1", "r1", "some_later_type", payload={"v": 1})
    with pytest.raises(ProtocolError) as err:
        msg.project_id = "nul.txt"
    assert [e["path"] for e in err.value.errors] == ["projectId"]
    with pytest.raises(ProtocolError, match="Windows device name"):
        EventMsg("CON", "r1", "some_later_type")
    with pytest.raises(ProtocolError, match="runId"):
        EventMsg.merge(msg, {"runId": "Com1"})
    with pytest.raises(ValidationError):
        TypeAdapter(EventMsg).validate_python({"eventType": "some_later_type", "projectId": "LPT9"})


def test_pydantic_json_schema_keeps_the_rules():
    """model_json_schema() (FastAPI's OpenAPI) says what the models check: the device names and
    the line-break guard of the id, the event type's pattern beside its not-a-known-type rule."""
    identifier = ID.json_schema()
    assert identifier["pattern"] == COMMON["Identifier"]["pattern"] and identifier["allOf"] == COMMON["Identifier"]["allOf"]
    event_type = EventMsg.model_json_schema()["properties"]["eventType"]
    assert event_type["pattern"] == COMMON["EventTypeName"]["pattern"] and event_type["maxLength"] == 63
    assert event_type["not"] == {"pattern": "\\n"} and "scalar" in event_type["allOf"][0]["not"]["enum"]
