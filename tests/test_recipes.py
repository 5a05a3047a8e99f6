"""The README's recipes for a maintainer, performed on a copy of the repository, each ending where
the README says it ends: `codegen.py` (what `make generate` runs), `codegen.py --check` and
`compat.py check` (what `make check` runs), then the suites the change touches, run in the copy
against the copy's package. No test is edited for a recipe: every suite derives what it checks
(event types, constants, versions, artifacts) from the schemas.

- "Adding an event type" (README), literally: a `metric` event type, then a minor bump;
- "Evolving the protocol" (README) after a release of the current version (`compat.py record`): a
  PATCH bump for a description edit (no warning: the version field is not a change of its own), a
  MINOR bump for a compatible addition (and without it, a warning), a MAJOR bump for a breaking
  change (the gate's consent: without it the gate fails).

Each recipe starts after a release (`make baseline`) of one of two histories: the current version
as it is (x.y.0 today), and that version followed by a PATCH release (a reworded description,
x.y.z+1, recorded too): no recipe may assume the released version ends in .0. Adding an event
type, which runs every suite, runs after the second only.

The copy shares this checkout's interpreter and node_modules (nothing is installed); its package is
built with setup.py's build_py (the wheel's layout: generated/neetbox_protocol plus runtime/) and
put first on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

import schema_model

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NEETBOX_PROTOCOL_INSTALLED")),
    reason="the recipes are a maintainer's workflow on the checkout (`make test`); `make matrix` checks the installed wheel",
)

IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "build", "dist", ".nox", "__pycache__", ".pytest_cache",
                                ".hypothesis", ".mypy_cache", ".ruff_cache", "*.egg-info", ".benchmarks")  # fmt: skip
EVERY_SUITE = ["tests/test_parity.py", "tests/test_wire_vectors.py", "tests/test_conformance.py", "tests/test_codegen.py",
               "tests/test_typescript.py", "tests/test_published_schemas.py"]  # fmt: skip
# what carries the version: the package, the published schemas, the npm package
VERSION_SUITES = ["tests/test_published_schemas.py", "tests/test_typescript.py"]
# left out in the copy: test_codegen's checks of the drift detector itself ("stale": they do not
# depend on the schemas and regenerate a dozen times), and its fresh-run-equals-committed check
# ("deterministic"), which is what `codegen.py --check` has just done there
DESELECT = "not stale and not deterministic"


class Copy:
    """A copy of the repository in a temporary directory, and the commands a maintainer runs there."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(ROOT, root, ignore=IGNORE)
        (root / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
        if (ROOT.parent / "shared").is_dir():  # ../shared, as beside this checkout (test_wire_vectors compares copies)
            (root.parent / "shared").symlink_to(ROOT.parent / "shared", target_is_directory=True)

    def run(self, *args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "PYTHONPATH"}
        return subprocess.run([sys.executable, *args], cwd=self.root, capture_output=True, text=True,
                              env={**clean, **(env or {})}, timeout=timeout)  # fmt: skip

    def ok(self, *args: str, env: dict | None = None) -> str:
        proc = self.run(*args, env=env)
        assert proc.returncode == 0, f"{' '.join(args)}: exit {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        return proc.stdout

    def schema(self, rel: str) -> dict:
        return json.loads((self.root / "schema" / rel).read_text(encoding="utf-8"))

    def edit(self, rel: str, change) -> None:
        path = self.root / "schema" / rel
        doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        change(doc)
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def version(self) -> tuple[int, int, int]:
        return schema_model.parse_version(self.schema(schema_model.PROTOCOL_FILE)[schema_model.VERSION_KEY])

    def bump(self, version: str) -> None:
        self.edit(schema_model.PROTOCOL_FILE, lambda d: d.update({schema_model.VERSION_KEY: version}))

    def generate_and_check(self) -> str:
        """`make generate` then `make check`: codegen, its drift check, the compat gate's output."""
        self.ok("codegen.py")
        self.ok("codegen.py", "--check")
        return self.ok("compat.py", "check")

    def package(self) -> Path:
        """The copy's package as the wheel lays it out (setup.py's build_py), outside the copy."""
        out = self.root.parent / "package"
        shutil.rmtree(out, ignore_errors=True)
        self.ok("setup.py", "-q", "build_py", "--build-lib", str(out))
        return out

    def suites(self, *files: str) -> str:
        """pytest in the copy, with the copy's package first on the path; every test must pass, none
        skip (xdist is not used: this test already runs in a worker)."""
        env = {"PYTHONPATH": str(self.package())}
        probe = self.ok("-c", "import neetbox_protocol; print(neetbox_protocol.__file__)", env=env)
        assert probe.startswith(str(self.root.parent / "package")), probe
        out = self.ok("-m", "pytest", "-p", "no:cacheprovider", "-rs", "-k", DESELECT, *files, env=env)
        assert " passed" in out and " failed" not in out and " skipped" not in out, out
        return out


HISTORIES = ["release", "patch-release"]


@pytest.fixture(params=HISTORIES)
def repo(tmp_path, request) -> Copy:
    copy = Copy(tmp_path / "repo")
    copy.history = request.param
    return copy


def record(repo: Copy) -> str:
    """`make baseline`: schema/ recorded as the baseline of its version."""
    out = repo.ok("compat.py", "record")
    version = ".".join(map(str, repo.version()))
    assert (repo.root / "schema" / "baselines" / version).is_dir(), out
    return version


def released(repo: Copy) -> str:
    """The repository's history up to the recipe: the current version released, and for the
    "patch-release" history then a PATCH release of a reworded description (the README's PATCH
    recipe, released). Returns the last released version."""
    current = ".".join(map(str, repo.version()))
    version = current if (repo.root / "schema" / "baselines" / current).is_dir() else record(repo)  # released already, or now
    if repo.history == "patch-release":
        major, minor, patch = repo.version()
        repo.edit("payloads/log.schema.json", lambda d: d["$defs"]["LogLine"].update(description="A line of a run's log."))
        repo.bump(f"{major}.{minor}.{patch + 1}")
        assert "0 breaking, 1 non-breaking" in repo.ok("compat.py", "check")
        version = record(repo)
    return version


# ------------------------------------------------------------------------ adding an event type

# the README's example, `metric`; should the protocol have a `metric` event type by then, the
# same recipe with the first free name (metric2, ...)
NAME = next(n for n in ("metric", *(f"metric{i}" for i in range(2, 99))) if n not in schema_model.event_types(schema_model.load()))
CLASS = NAME.capitalize()  # Metric: the payload shape; MetricEvent, MetricMessage: its message types
EXAMPLE = {"projectId": "p1", "runId": "r1", "eventType": NAME, "eventId": -1, "identityType": "cli", "series": "lr",
           "payload": {"value": 0.1}, "timestamp": "2026-11-24T06:00:00.000000", "historyLen": -1, "id": None}  # fmt: skip


def add_metric_event(repo: Copy) -> str:
    """README "Adding an event type", steps 1 to 4, as written there."""
    # 1. event-type.schema.json: a branch; the title becomes the constant, the description its docstring
    repo.edit("event-type.schema.json", lambda d: d["anyOf"].append(
        {"const": NAME, "title": f"EVENT_TYPE_NAME_{NAME.upper()}", "description": "A named metric value."}))  # fmt: skip
    # 2. payloads/metric.schema.json: $schema, $id, title, description, anyOf: [{"$ref": "#/$defs/Metric"}]
    base = repo.schema("protocol.schema.json")["$id"].rsplit("/", 1)[0]
    repo.edit(f"payloads/{NAME}.schema.json", lambda d: d.update({
        "$schema": schema_model.DIALECT, "$id": f"{base}/payloads/{NAME}.schema.json",
        "title": f"{CLASS}Payload", "description": "A metric value.",
        "anyOf": [{"$ref": f"#/$defs/{CLASS}"}],
        "$defs": {CLASS: {"title": CLASS, "description": "One value of the metric named by the envelope's series.",
                          "type": "object", "required": ["value"],
                          "properties": {"value": {"$ref": "../common.schema.json#/$defs/Number", "description": "The value."}}}},
    }))  # fmt: skip

    # 3. message.schema.json: a $defs/MetricEvent branch (title, description, eventType const, payload
    #    $ref, required, x-directions with an example frame), and its $ref in KnownMessage.else.oneOf
    def branch(d):
        d["$defs"][f"{CLASS}Event"] = {
            "title": f"{CLASS}Event", "description": f"A `{NAME}` event.",
            "x-directions": [{"channel": "project", "from": "cli", "to": "server", "description": "A metric value; the server stores it.",
                              "example": EXAMPLE}],
            "properties": {"eventType": {"const": NAME}, "payload": {"$ref": f"payloads/{NAME}.schema.json"}},
            "required": ["eventType", "payload"],
        }  # fmt: skip
        d["$defs"]["KnownMessage"]["else"]["oneOf"].append({"$ref": f"#/$defs/{CLASS}Event"})

    repo.edit("message.schema.json", branch)
    # 4. a minor bump (a new event type is a compatible addition)
    major, minor, _ = repo.version()
    bumped = f"{major}.{minor + 1}.0"
    repo.bump(bumped)
    return bumped


# the costliest recipe (every suite) runs once, after the longer history: a release, then a PATCH one
@pytest.mark.parametrize("repo", ["patch-release"], indirect=True)
def test_adding_an_event_type_as_the_readme_says(repo):
    released(repo)  # after a release, so the gate sees this change alone
    version = add_metric_event(repo)
    compat_out = repo.generate_and_check()  # 5. make generate, then make test (make check, then the suites)
    assert "warning:" not in compat_out and "0 breaking" in compat_out, compat_out
    assert f"message.schema.json#/$defs/{CLASS}Event DEFINITION_ADDED" in compat_out
    repo.suites(*EVERY_SUITE)

    # what the README says the recipe gives: the constant, a typed event, its TypeScript type, its
    # AsyncAPI operation and its section of docs/protocol.md
    probe = (
        "import json, neetbox_protocol as n\n"
        f"m = n.EventMsg.loads({json.dumps(json.dumps(EXAMPLE))})\n"
        f"print(type(m).__name__, n.EVENT_TYPE_NAME_{NAME.upper()}, m.typed_payload.value, n.PROTOCOL_VERSION)\n"
        f"try:\n    n.EventMsg.loads({{'eventType': {NAME!r}, 'payload': {{'value': 'x'}}}})\n"
        "except n.ProtocolError as e:\n    print(e.errors[0]['path'])\n"
    )
    printed = repo.ok("-c", probe, env={"PYTHONPATH": str(repo.package())}).split()
    assert printed == [f"{CLASS}Event", NAME, "0.1", version, "payload.value"]
    assert f"export interface {CLASS}Message extends EnvelopeFields" in (repo.root / "generated" / "typescript" / "index.d.ts").read_text()
    assert f"receive{CLASS}FromCli" in json.loads((repo.root / "generated" / "asyncapi.json").read_text())["operations"]
    assert f"`{NAME}`" in (repo.root / "docs" / "protocol.md").read_text()


# ------------------------------------------------------------------------ evolving the protocol


def test_patch_bump_for_a_description_edit(repo):
    released(repo)
    major, minor, patch = repo.version()

    def reword(d):
        d["$defs"]["LogLine"]["properties"]["whom"]["description"] = "Who logged: `module > class > function`, or a logger's alias."

    repo.edit("payloads/log.schema.json", reword)
    repo.bump(f"{major}.{minor}.{patch + 1}")
    out = repo.generate_and_check()
    assert "warning:" not in out and "0 breaking, 1 non-breaking" in out and "DESCRIPTION_CHANGED" in out, out
    assert "x-protocol-version" not in out, out  # the version field is not a change of its own
    assert "logger's alias." in (repo.root / "generated" / "neetbox_protocol" / "models" / "payloads" / "log_schema.py").read_text()
    repo.suites(*VERSION_SUITES)


def test_minor_bump_for_a_compatible_addition(repo):
    since = released(repo)
    major, minor, _ = repo.version()

    def add_field(d):  # an optional field: a compatible addition
        d["$defs"]["LogLine"]["properties"]["elapsed"] = {"$ref": "../common.schema.json#/$defs/Number",
                                                          "description": "Seconds since the run started."}  # fmt: skip

    repo.edit("payloads/log.schema.json", add_field)
    out = repo.ok("compat.py", "check")  # without a bump: allowed, with a warning naming the bump
    assert f"warning: 1 non-breaking change(s) since {since} call for a bump to {major}.{minor + 1}.0" in out, out
    repo.bump(f"{major}.{minor + 1}.0")
    out = repo.generate_and_check()
    assert "warning:" not in out and "0 breaking, 1 non-breaking" in out and "FIELD_ADDED_OPTIONAL" in out, out
    assert "elapsed?: DecodedNumber;" in (repo.root / "generated" / "typescript" / "index.d.ts").read_text()
    repo.suites(*VERSION_SUITES, "tests/test_wire_vectors.py")


def test_major_bump_for_a_breaking_change_with_the_gates_consent(repo):
    released(repo)
    major, _, _ = repo.version()
    repo.edit("payloads/progress.schema.json", lambda d: d["$defs"]["ProgressStep"].update(additionalProperties=False))
    refused = repo.run("compat.py", "check")  # without a major bump the gate refuses ...
    assert refused.returncode == 1 and f"need a major bump (to {major + 1}.0.0 or later)" in refused.stdout, refused.stdout
    assert "ADDITIONAL_PROPERTIES_CLOSED" in refused.stdout
    repo.bump(f"{major + 1}.0.0")  # ... a major bump is its consent
    out = repo.generate_and_check()
    assert "1 breaking, 0 non-breaking" in out and ": ok" in out, out
    proc = repo.run("-c", "import neetbox_protocol as n; n.EventMsg.loads({'eventType': 'progress', 'payload': "
                    "{'name': 'l', 'step': 1, 'current': 'c', 'total': 2, 'rate': 1.0, 'extra': 1}})",
                    env={"PYTHONPATH": str(repo.package())})  # fmt: skip
    assert proc.returncode == 1 and "ProtocolError" in proc.stderr, proc.stderr  # the models follow the new schema
    repo.suites(*VERSION_SUITES, "tests/test_wire_vectors.py", "tests/test_conformance.py")
