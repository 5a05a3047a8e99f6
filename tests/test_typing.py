"""Static types, as a service's type checker sees them (mypy --strict and pyright in strict mode).

* tests/typing/service.py and neetbox_style.py, written the way a FastAPI service and neetbox 0.6.0
  use the package (constructing events, ``EventMsg.loads``, narrowing, ``typed_payload``,
  ``merge``, ``dumps``, constants by star import and by name, ``TypeAdapter(Message)``), pass
  both with no error; their ``assert_type`` calls pin what each checker infers;
* every line of tests/typing/mistakes.py marked ``# mistake:`` (a typo in a field, a wrong payload
  type, a wrong event-type literal...) is reported by both, and no other line;
* the package itself passes both; every ignore in it says why on its line.

mypy (pinned in the ``test`` extra) checks the scripts without pydantic's plugin (``pydantic.mypy``)
-- what a service gets unless it opts in: the package's types must not depend on it, and each
class declares its ``__init__`` for type checkers, which is what the plugin sees too -- and once
more with the plugin on, for a service that enables it. pyright is the npm package pinned in
package.json, run with node; those tests skip where node is absent. The scripts are checked
against the ``neetbox_protocol`` this interpreter imports (the editable checkout under
``make test``, the installed wheel under ``make matrix``); the package check reads a copy of that
same package (its generated and its hand-written modules, as they are installed together).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from node import node_ready
from support import ROOT

TYPING = ROOT / "tests" / "typing"
SCRIPTS = ["service.py", "neetbox_style.py"]
MISTAKES = "mistakes.py"
MYPY_ERROR = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): error: (?P<message>.*)$", re.M)


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory) -> Path:
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    return tmp_path_factory.mktemp("mypy-cache")


def run_mypy(cache: Path, *targets: str, cwd: Path = TYPING, plugin: bool = False) -> list[tuple[str, int, str]]:
    """(file name, line, message) of each error of ``mypy --strict`` on targets."""
    config = cache / ("plugin.ini" if plugin else "plain.ini")
    config.write_text("[mypy]\n" + ("plugins = pydantic.mypy\n" if plugin else ""))
    cmd = [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config), "--cache-dir", str(cache / "cache"),
           "--no-color-output", "--no-error-summary", "--hide-error-context", *targets]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 2: mypy itself failed
    errors = [(Path(m["file"]).name, int(m["line"]), m["message"]) for m in MYPY_ERROR.finditer(proc.stdout)]
    assert proc.returncode == (1 if errors else 0), proc.stdout + proc.stderr
    return errors


def run_pyright(*targets: Path, config: Path = TYPING) -> list[tuple[str, int, str]]:
    """(file name, line, message) of each error of pyright in strict mode (tests/typing/pyrightconfig.json,
    or the config file given) on targets, with this interpreter's packages."""
    if shutil.which("node") is None:
        pytest.skip("pyright runs with node, which is not installed")
    node_ready()
    pyright = ROOT / "node_modules" / "pyright" / "index.js"
    cmd = ["node", str(pyright), "--outputjson", "-p", str(config), "--pythonpath", sys.executable, *map(str, targets)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"pyright failed: {proc.stdout}{proc.stderr}") from None
    assert report["summary"]["filesAnalyzed"] >= len(targets), report["summary"]
    return [(Path(d["file"]).name, d["range"]["start"]["line"] + 1, f"{d['message']} ({d.get('rule', '')})")
            for d in report["generalDiagnostics"] if d["severity"] == "error"]  # fmt: skip


def mistake_lines() -> dict[int, str]:
    lines = (TYPING / MISTAKES).read_text().splitlines()
    return {n: line.split("# mistake:")[1].strip() for n, line in enumerate(lines, 1) if "# mistake:" in line}


def check_mistakes(errors: list[tuple[str, int, str]]) -> None:
    expected = mistake_lines()
    assert len(expected) >= 15
    reported = {line for name, line, _ in errors if name == MISTAKES}
    missed = {n: why for n, why in expected.items() if n not in reported}
    extra = [e for e in errors if e[0] != MISTAKES or e[1] not in expected]
    assert not missed, f"planted mistakes not reported: {missed}"
    assert not extra, f"errors on correct lines: {extra}"


# ----------------------------------------------------------------------------- a service's code


@pytest.mark.parametrize("plugin", [False, True], ids=["mypy", "mypy-pydantic-plugin"])
def test_service_code_passes_mypy_strict(mypy_cache, plugin):
    assert run_mypy(mypy_cache, *SCRIPTS, plugin=plugin) == []


def test_service_code_passes_pyright_strict():
    assert run_pyright(*(TYPING / s for s in SCRIPTS)) == []


@pytest.mark.parametrize("plugin", [False, True], ids=["mypy", "mypy-pydantic-plugin"])
def test_planted_mistakes_are_reported_by_mypy(mypy_cache, plugin):
    check_mistakes(run_mypy(mypy_cache, MISTAKES, plugin=plugin))


def test_planted_mistakes_are_reported_by_pyright():
    check_mistakes(run_pyright(TYPING / MISTAKES))


# ----------------------------------------------------------------------------- the package itself


@pytest.fixture(scope="module")
def package_root(tmp_path_factory) -> Path:
    """A directory holding only a copy of the package this interpreter imports (the editable
    install's links under ``make test``, the installed wheel under ``make matrix``): the checkers
    read it as source, with nothing else beside it."""
    import neetbox_protocol

    root = tmp_path_factory.mktemp("package")
    shutil.copytree(Path(neetbox_protocol.__file__).parent, root / "neetbox_protocol", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_package_passes_mypy_strict(mypy_cache, package_root):
    assert run_mypy(mypy_cache, "neetbox_protocol", cwd=package_root) == []


def test_package_passes_pyright_strict(tmp_path, package_root):
    # the package's absolute imports (neetbox_protocol._runtime) read the same copy, not the
    # installed package (whose classes pyright would take for other classes)
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "extraPaths": [str(package_root)]}))
    assert run_pyright(package_root / "neetbox_protocol", config=config) == []


def test_every_ignore_in_the_package_says_why(package_root):
    """An inline ignore carries a reason after it; a file-wide pyright setting, on the next line."""
    found = 0
    for path in sorted((package_root / "neetbox_protocol").rglob("*.py")):
        lines = path.read_text().splitlines()
        for n, line in enumerate(lines):
            for m in re.finditer(r"#\s*(type|pyright):\s*ignore(\[[^\]]*\])?", line):
                found += 1
                assert re.match(r"\s+#\s*\S", line[m.end():]), f"{path.name}:{n + 1}: an ignore without a reason: {line.strip()}"
            if re.match(r"#\s*pyright:\s*\w+=", line):  # a file-wide setting
                found += 1
                assert lines[n + 1].startswith("# ("), f"{path.name}:{n + 1}: a pyright setting without a reason on the next line"
    assert found > 0


def test_eventmsg_init_seen_by_type_checkers_has_the_original_order(package_root):
    """The ``__init__`` codegen writes for type checkers (EnvelopeInit.jinja2) takes the original
    dataclass's parameters in the order the runtime's ``__init__`` reads positional arguments."""
    from neetbox_protocol import registry

    tree = ast.parse((package_root / "neetbox_protocol" / "models" / "envelope_schema.py").read_text())
    init = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    names = [a.arg for a in init.args.args[1:]]
    assert tuple(names) == registry.POSITIONAL_ORDER  # the registry's table, which the runtime's __init__ reads
    assert len(init.args.defaults) == len(names) - registry.REQUIRED_ARGUMENTS  # project_id, run_id, event_type are required
