"""Tests of compat.py, the breaking-change checker for the JSON Schemas.

All tests build their schema sets in temporary directories, except
test_current_schema_compatible_with_baseline, which gates the real schema/.
"""
import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import examples

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import compat

CASES = json.loads((Path(__file__).with_name("cases.json")).read_text(encoding="utf-8"))["cases"]
DEMO_FILE = "payloads/demo.schema.json"


def _sets(case):
    """The (old, new) schema sets of a case from cases.json."""
    if "old_files" in case:
        return case["old_files"], case["new_files"]
    return {DEMO_FILE: case["old"]}, {DEMO_FILE: case["new"]}


def _pointer(pointer):
    return DEMO_FILE + pointer if pointer.startswith("#") else pointer


# ---------------------------------------------------------------- the rule table

@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    old, new = _sets(case)
    changes = compat.compare(old, new)
    got = sorted((c.rule, c.severity, c.pointer) for c in changes)
    want = sorted((rule, severity, _pointer(pointer)) for rule, severity, pointer in case["expect"])
    assert got == want, "\n".join(str(c) for c in changes)
    for change in changes:
        assert change.severity == compat.RULES[change.rule]
        assert change.detail


def test_every_rule_has_a_case():
    covered = {rule for case in CASES for rule, _, _ in case["expect"]}
    assert set(compat.RULES) - covered == set()
    assert len(CASES) >= 24


def test_severities_are_the_two_known_ones():
    assert set(compat.RULES.values()) == {compat.BREAKING, compat.NON_BREAKING}


def test_change_line_format():
    change = compat.Change("envelope.schema.json#/properties/x", "FIELD_REMOVED", "breaking", "gone")
    assert str(change) == "BREAKING envelope.schema.json#/properties/x FIELD_REMOVED: gone"
    change = compat.Change("a.schema.json#/description", "DESCRIPTION_CHANGED", "non-breaking", "d")
    assert str(change) == "ok a.schema.json#/description DESCRIPTION_CHANGED: d"


# ---------------------------------------------------------------- identical sets

def _schema_set(version="0.1.0"):
    """A small schema set shaped like the project's."""
    return {
        "protocol.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Protocol", "x-protocol-version": version,
            "$ref": "envelope.schema.json",
        },
        "envelope.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "EventMsg", "type": "object",
            "properties": {
                "eventType": {"type": "string", "minLength": 1, "maxLength": 128},
                "eventId": {"type": "integer", "default": -1},
                "series": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
                "payload": {"default": None},
            },
            "required": ["eventType"],
            "additionalProperties": True,
        },
        "event-type.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "EventType", "type": "string",
            "anyOf": [
                {"const": "log", "title": "EVENT_TYPE_NAME_LOG", "description": "A log line."},
                {"const": "scalar", "title": "EVENT_TYPE_NAME_SCALAR", "description": "A point."},
            ],
        },
        "payloads/scalar.schema.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "ScalarPayload",
            "$defs": {"ScalarPoint": {
                "type": "object",
                "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                "required": ["x", "y"],
            }},
            "$ref": "#/$defs/ScalarPoint",
        },
    }


def test_identical_sets_give_no_changes():
    schemas = _schema_set()
    assert compat.compare(schemas, copy.deepcopy(schemas)) == []
    assert compat.compare({}, {}) == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_sides_compared_with_themselves(case):
    old, new = _sets(case)
    assert compat.compare(old, copy.deepcopy(old)) == []
    assert compat.compare(new, copy.deepcopy(new)) == []


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=5,
)
_schemas = st.recursive(
    st.booleans() | st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["string", "integer", "number", "null", ["string", "null"]]),
        "const": _json_values, "enum": st.lists(_json_values, max_size=3), "default": _json_values,
        "minimum": st.integers(-3, 3), "maxLength": st.integers(0, 3), "pattern": st.sampled_from(["^a", "b$"]),
        "description": st.text(max_size=3), "x-note": _json_values, "uniqueItems": st.booleans(),
    }),
    lambda inner: st.fixed_dictionaries({}, optional={
        "properties": st.dictionaries(st.sampled_from(["a", "b", "c/d"]), inner, max_size=3),
        "required": st.lists(st.sampled_from(["a", "b", "c/d"]), max_size=3, unique=True),
        "$defs": st.dictionaries(st.sampled_from(["A", "B"]), inner, max_size=2),
        "additionalProperties": inner, "items": inner, "not": inner,
        "anyOf": st.lists(inner, min_size=1, max_size=3), "oneOf": st.lists(inner, min_size=1, max_size=3),
        "allOf": st.lists(inner, min_size=1, max_size=3),
    }),
    max_leaves=8,
)


@settings(max_examples=examples(200), deadline=None, database=None)
@given(_schemas)
def test_random_schema_compared_with_itself_gives_no_changes(schema):
    assert compat.compare({"s.json": schema}, {"s.json": copy.deepcopy(schema)}) == []


@settings(max_examples=examples(200), deadline=None, database=None)
@given(_schemas, _schemas)
def test_random_schema_pairs_give_known_rules_and_valid_pointers(old, new):
    for change in compat.compare({"s.json": old}, {"s.json": new}):
        assert change.severity == compat.RULES[change.rule]
        assert change.pointer.startswith("s.json#")
        pointer = change.pointer[len("s.json#"):]
        assert pointer == "" or pointer.startswith("/")


# ---------------------------------------------------------------- the gate

def _change(severity):
    if severity == D:  # wording
        return compat.Change("a.schema.json#/properties/x/description", "DESCRIPTION_CHANGED", compat.NON_BREAKING, "x")
    rule = "FIELD_REMOVED" if severity == compat.BREAKING else "FIELD_ADDED_OPTIONAL"
    return compat.Change("a.schema.json#/properties/x", rule, severity, "x")


B, N, D = compat.BREAKING, compat.NON_BREAKING, "description"
GATE_CASES = [
    # old, new, severities of the changes, ok, warned
    ("1.2.3", "1.2.3", [], True, False),
    ("1.2.3", "1.2.3", [B], False, False),
    ("1.2.3", "1.3.0", [B], False, False),
    ("1.2.3", "1.2.4", [B, N], False, False),
    ("1.2.3", "2.0.0", [B], True, False),
    ("1.2.3", "2.0.0", [B, N], True, False),
    ("1.2.3", "1.2.3", [N], True, True),
    ("1.2.3", "1.2.4", [N], True, True),
    ("1.2.3", "1.3.0", [N], True, False),
    ("1.2.3", "2.0.0", [N], True, False),
    ("1.2.3", "1.2.4", [], True, False),
    # 0.x: the minor number is the major
    ("0.1.0", "0.1.1", [B], False, False),
    ("0.1.0", "0.2.0", [B], True, False),
    ("0.1.0", "1.0.0", [B], True, False),
    ("0.1.0", "0.1.0", [N], True, True),
    ("0.1.0", "0.1.1", [N], True, False),
    ("0.1.5", "0.2.0", [N], True, False),
    # wording: a PATCH bump covers it
    ("1.2.3", "1.2.3", [D], True, True),
    ("1.2.3", "1.2.4", [D], True, False),
    ("1.2.3", "1.2.4", [D, N], True, True),
    ("1.2.3", "1.3.0", [D, N], True, False),
    ("0.1.0", "0.1.0", [D], True, True),
    ("0.1.0", "0.1.1", [D], True, False),
    ("1.2.3", "1.2.4", [D, B], False, False),
    # going backwards always fails
    ("1.2.3", "1.2.2", [], False, False),
    ("0.2.0", "0.1.9", [N], False, False),
]


@pytest.mark.parametrize("old, new, severities, ok, warned", GATE_CASES)
def test_gate(old, new, severities, ok, warned):
    result, messages = compat.gate(old, new, [_change(s) for s in severities])
    assert result is ok
    assert any(m.startswith("warning:") for m in messages) is warned
    assert any(m.startswith("error:") for m in messages) is (not ok)


def test_gate_message_names_the_needed_version():
    ok, messages = compat.gate("0.3.1", "0.3.2", [_change(B)])
    assert not ok and "0.4.0" in messages[0]
    ok, messages = compat.gate("2.3.1", "2.4.0", [_change(B)])
    assert not ok and "3.0.0" in messages[0]
    ok, messages = compat.gate("2.3.1", "2.3.1", [_change(N)])
    assert ok and "2.4.0" in messages[0]
    ok, messages = compat.gate("2.3.1", "2.3.1", [_change(D)])
    assert ok and "2.3.2" in messages[0] and "description" in messages[0]


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "1.0.0-rc.1", "01.0.0", "", None, 1])
def test_gate_rejects_invalid_versions(bad):
    with pytest.raises(compat.CompatError):
        compat.gate(bad, "1.0.0", [])


# ---------------------------------------------------------------- versions and baselines

def test_protocol_version_prefers_protocol_schema():
    schemas = {"a.schema.json": {"x-protocol-version": "9.9.9"},
               "protocol.schema.json": {"x-protocol-version": "1.2.3"}}
    assert compat.protocol_version(schemas) == "1.2.3"


def test_protocol_version_is_read_from_protocol_schema_only():
    schemas = {"protocol.schema.json": {"title": "no version here"},
               "b.schema.json": {"x-protocol-version": "0.4.0"}}
    with pytest.raises(compat.CompatError, match="x-protocol-version"):
        compat.protocol_version(schemas)


@pytest.mark.parametrize("schemas", [
    {},
    {"a.schema.json": {"type": "string"}},
    {"protocol.schema.json": {"x-protocol-version": "1.2"}},
    {"protocol.schema.json": {"x-protocol-version": 1}},
    {"a.schema.json": {"properties": {"x-protocol-version": {"type": "string"}}}},
])
def test_protocol_version_missing_or_invalid(schemas):
    with pytest.raises(compat.CompatError):
        compat.protocol_version(schemas)


def test_latest_baseline_uses_semver_order(tmp_path):
    assert compat.latest_baseline(tmp_path) is None
    for name in ["0.9.0", "0.10.0", "0.2.11", "notes", "1.0"]:
        (tmp_path / "baselines" / name).mkdir(parents=True)
    assert compat.latest_baseline(tmp_path).name == "0.10.0"


# ---------------------------------------------------------------- CLI

def _write(schema_dir, schemas):
    for rel, doc in schemas.items():
        path = schema_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


def _edit(schema_dir, rel, change):
    path = schema_dir / rel
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


def _set_version(version):
    def change(doc):
        doc["x-protocol-version"] = version
    return change


@pytest.fixture
def schema_dir(tmp_path):
    directory = tmp_path / "schema"
    _write(directory, _schema_set("0.1.0"))
    return directory


def _run(capsys, *argv):
    code = compat.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_without_baseline_passes(schema_dir, capsys):
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0
    assert "no baseline" in out


def test_record_then_check(schema_dir, capsys):
    code, out, _ = _run(capsys, "record", "--schema-dir", str(schema_dir))
    assert code == 0, out
    baseline = schema_dir / "baselines" / "0.1.0"
    recorded = sorted(p.relative_to(baseline).as_posix() for p in baseline.rglob("*.json"))
    assert recorded == sorted(_schema_set())
    assert (baseline / "payloads/scalar.schema.json").read_bytes() == \
        (schema_dir / "payloads/scalar.schema.json").read_bytes()

    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0
    assert "0 breaking, 0 non-breaking" in out

    # a breaking change without a bump fails ...
    _edit(schema_dir, "payloads/scalar.schema.json",
          lambda d: d["$defs"]["ScalarPoint"]["properties"].pop("y"))
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 1
    assert ("BREAKING payloads/scalar.schema.json#/$defs/ScalarPoint/properties/y FIELD_REMOVED:"
            in out)
    assert "error:" in out and "FAILED" in out
    # ... and passes with a 0.x major bump
    _edit(schema_dir, "protocol.schema.json", _set_version("0.2.0"))
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0, out
    assert "x-protocol-version" not in out  # the version is what the changes are gated on, not a change
    assert "1 breaking, 0 non-breaking" in out

    # record the new version; both baselines are kept, the newest is used
    code, out, _ = _run(capsys, "record", "--schema-dir", str(schema_dir))
    assert code == 0
    assert sorted(p.name for p in (schema_dir / "baselines").iterdir()) == ["0.1.0", "0.2.0"]
    assert not (schema_dir / "baselines" / "0.2.0" / "baselines").exists()
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0 and "0.2.0 -> 0.2.0" in out

    # an explicit older baseline can still be checked against
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir), "--baseline", "0.1.0")
    assert code == 0 and "0.1.0 -> 0.2.0" in out


def test_quiet_check_lists_the_changes_only_when_the_gate_fails(schema_dir, capsys):
    """`make check` (--quiet): a passing gate prints its one-line verdict (and any warning), a
    failing one the changes too; `make compat` (no --quiet) always lists them."""
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    _edit(schema_dir, "payloads/scalar.schema.json", lambda d: d["$defs"]["ScalarPoint"]["properties"].pop("y"))
    removed = "BREAKING payloads/scalar.schema.json#/$defs/ScalarPoint/properties/y FIELD_REMOVED:"
    code, out, _ = _run(capsys, "check", "--quiet", "--schema-dir", str(schema_dir))
    assert code == 1 and removed in out and "FAILED" in out, out
    _edit(schema_dir, "protocol.schema.json", _set_version("0.2.0"))  # the gate's consent
    code, out, _ = _run(capsys, "check", "--quiet", "--schema-dir", str(schema_dir))
    assert code == 0 and out.splitlines() == ["compat: 0.1.0 -> 0.2.0: 1 breaking, 0 non-breaking change(s): ok (`make compat` lists them)"], out
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0 and removed in out, out


def test_non_breaking_change_without_bump_warns(schema_dir, capsys):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    _edit(schema_dir, "event-type.schema.json",
          lambda d: d["anyOf"].append({"const": "image", "title": "EVENT_TYPE_NAME_IMAGE"}))
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0
    assert "ok event-type.schema.json#/anyOf/2 ANYOF_BRANCH_ADDED:" in out
    assert "warning:" in out


def test_a_patch_bump_covers_a_description_edit(schema_dir, capsys):
    """The version field is not a change of its own: a wording fix with a PATCH bump is quiet."""
    _edit(schema_dir, "protocol.schema.json", _set_version("1.0.0"))
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    _edit(schema_dir, "event-type.schema.json", lambda d: d["anyOf"][0].update(description="A log line, reworded."))
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0 and "warning: 1 description change(s) since 1.0.0 call for a bump to 1.0.1" in out, out
    _edit(schema_dir, "protocol.schema.json", _set_version("1.0.1"))
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0 and "warning:" not in out, out
    assert "0 breaking, 1 non-breaking" in out and "DESCRIPTION_CHANGED" in out


def test_record_refuses_to_overwrite_unless_forced(schema_dir, capsys):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    stale = schema_dir / "baselines" / "0.1.0" / "stale.schema.json"
    stale.write_text("{}", encoding="utf-8")
    code, _, err = _run(capsys, "record", "--schema-dir", str(schema_dir))
    assert code == 2
    assert "already exists" in err and "--force" in err
    assert stale.exists()
    code, _, _ = _run(capsys, "record", "--schema-dir", str(schema_dir), "--force")
    assert code == 0
    assert not stale.exists()


@pytest.mark.parametrize("command", ["check", "record"])
def test_missing_version_exits_2(schema_dir, capsys, command):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    _edit(schema_dir, "protocol.schema.json", lambda d: d.pop("x-protocol-version"))
    code, _, err = _run(capsys, command, "--schema-dir", str(schema_dir))
    assert code == 2
    assert "x-protocol-version" in err


@pytest.mark.parametrize("command", ["check", "record"])
def test_invalid_version_exits_2(schema_dir, capsys, command):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    _edit(schema_dir, "protocol.schema.json", _set_version("0.1"))
    code, _, err = _run(capsys, command, "--schema-dir", str(schema_dir))
    assert code == 2
    assert "'0.1'" in err


def test_check_without_baseline_needs_no_version_yet(schema_dir, capsys):
    _edit(schema_dir, "protocol.schema.json", lambda d: d.pop("x-protocol-version"))
    code, out, _ = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 0
    assert "no baseline" in out


def test_baseline_without_valid_version_exits_2(schema_dir, capsys):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    _edit(schema_dir / "baselines" / "0.1.0", "protocol.schema.json", _set_version("one"))
    code, _, err = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 2
    assert "'one'" in err


def test_missing_schema_dir_exits_2(tmp_path, capsys):
    assert _run(capsys, "check", "--schema-dir", str(tmp_path / "nope"))[0] == 2
    assert _run(capsys, "record", "--schema-dir", str(tmp_path / "nope"))[0] == 2


def test_unknown_baseline_exits_2(schema_dir, capsys):
    code, _, err = _run(capsys, "check", "--schema-dir", str(schema_dir), "--baseline", "7.0.0")
    assert code == 2
    assert "7.0.0" in err


def test_unreadable_or_invalid_schema_exits_2(schema_dir, capsys):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    (schema_dir / "broken.schema.json").write_text("{not json", encoding="utf-8")
    assert _run(capsys, "check", "--schema-dir", str(schema_dir))[0] == 2
    (schema_dir / "broken.schema.json").write_text('{"type": 12}', encoding="utf-8")
    code, _, err = _run(capsys, "check", "--schema-dir", str(schema_dir))
    assert code == 2
    assert "not a valid JSON Schema" in err


def test_load_schemas_skips_baselines(schema_dir, capsys):
    assert _run(capsys, "record", "--schema-dir", str(schema_dir))[0] == 0
    assert sorted(compat.load_schemas(schema_dir)) == sorted(_schema_set())


def test_command_line_entry_point(schema_dir):
    script = str(ROOT / "compat.py")
    run = subprocess.run([sys.executable, script, "record", "--schema-dir", str(schema_dir)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    _edit(schema_dir, "envelope.schema.json", lambda d: d["required"].append("payload"))
    run = subprocess.run([sys.executable, script, "check", "--schema-dir", str(schema_dir)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "BREAKING envelope.schema.json#/required REQUIRED_ADDED:" in run.stdout


# ---------------------------------------------------------------- the real schema/

def test_current_schema_compatible_with_baseline():
    schema_dir = ROOT / "schema"
    baseline = compat.latest_baseline(schema_dir)
    assert baseline is not None, "schema/baselines/ lost the released baseline (`make baseline` records one)"
    old, new = compat.load_schemas(baseline), compat.load_schemas(schema_dir)
    changes = compat.compare(old, new)
    ok, messages = compat.gate(compat.protocol_version(old), compat.protocol_version(new), changes)
    assert ok, "\n".join([*(str(c) for c in changes), *messages])


def _edit_log_line(schema_dir, edit):
    path = schema_dir / "payloads" / "log.schema.json"
    doc = json.loads(path.read_text())
    edit(doc["$defs"]["LogLine"])
    path.write_text(json.dumps(doc))


def _released_copy(tmp_path):
    """A copy of the real schema/ whose current version is recorded as released (the state right
    after `make baseline`), so the next change is gated against exactly this schema."""
    schema_dir = tmp_path / "schema"
    shutil.copytree(ROOT / "schema", schema_dir)
    compat.record(schema_dir, force=True)
    return schema_dir


def test_real_schema_removing_a_payload_field_fails_naming_pointer_and_rule(tmp_path, capsys):
    schema_dir = _released_copy(tmp_path)

    def drop_whom(line):
        del line["properties"]["whom"]
        line["required"].remove("whom")

    _edit_log_line(schema_dir, drop_whom)
    assert compat.check(schema_dir) == 1
    out = capsys.readouterr().out
    assert "payloads/log.schema.json#/$defs/LogLine/properties/whom FIELD_REMOVED" in out


def test_real_schema_adding_an_optional_payload_field_passes(tmp_path, capsys):
    schema_dir = _released_copy(tmp_path)
    _edit_log_line(schema_dir, lambda line: line["properties"].update(color={"type": "string"}))
    assert compat.check(schema_dir) == 0
    out = capsys.readouterr().out
    assert "LogLine/properties/color FIELD_ADDED_OPTIONAL" in out
