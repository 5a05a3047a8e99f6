"""The suite against the built wheel on the oldest and newest supported Pythons (`make matrix`).

`make matrix` first builds dist/*.whl and dist/*.tar.gz with `python -m build`; each session here
then makes a clean virtualenv, installs that WHEEL (never the source tree, never editable) with
its `test` extra, checks that `neetbox_protocol` is imported from the virtualenv, and runs the
test suite (tests/ and the codegen/compat scripts come from the checkout; the package does not).

The two sessions are the two ends of what a user may have: the oldest Python with the LOWEST
resolution of the direct dependencies (`uv pip install --resolution lowest-direct`: pydantic,
typing-extensions and fastapi at the floors of their ranges in pyproject.toml, the pinned tools
at their pins), and the newest Python with the HIGHEST resolution (the newest releases in range).

Interpreters: `NOX_PYTHON_3_10=/path/to/python3.10` (and `NOX_PYTHON_3_13`) override; otherwise
pyenv's ~/.pyenv/versions/3.10.*/ and 3.13.*/ are put first on PATH; otherwise PATH decides.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import nox
from uv import find_uv_bin

try:
    import tomllib
except ImportError:  # Python 3.10: the test extra's tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
PYTHONS = ["3.10", "3.13"]  # the oldest and the newest supported (requires-python >= 3.10)
# (Python, uv's resolution of the direct dependencies): the oldest with the lowest, the newest with the highest
ENDS = [("3.10", "lowest-direct"), ("3.13", "highest")]

nox.options.default_venv_backend = "venv"  # a plain stdlib venv: nothing preinstalled
nox.options.reuse_existing_virtualenvs = False
nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["wheel"]


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(p) if p.isdigit() else -1 for p in version.split("."))


def _expose_interpreters() -> None:
    """Put a real pythonX.Y for each of PYTHONS first on PATH (pyenv's shims refuse versions
    that are not selected, so nox could not use them)."""
    dirs = []
    pyenv = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for version in PYTHONS:
        override = os.environ.get(f"NOX_PYTHON_{version.replace('.', '_')}")
        if override:
            dirs.append(str(Path(override).parent))
            continue
        found = sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"), key=_version_key)
        if found:
            dirs.append(str(Path(found[-1]).parent))
    if dirs:
        os.environ["PATH"] = os.pathsep.join([*dirs, os.environ.get("PATH", "")])


_expose_interpreters()


def _built(pattern: str) -> Path:
    found = sorted(DIST.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"expected one {pattern} in {DIST}, found {[p.name for p in found]}: run `make matrix` (it builds them)")
    return found[0]


def _direct_requirements() -> list[str]:
    """The package's runtime dependencies and its `test` extra, as pyproject.toml states them:
    given to uv as direct requirements, so `lowest-direct` takes each range at its floor."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


@nox.session
@nox.parametrize(("python", "resolution"), ENDS, ids=[f"{p}-{r.split('-')[0]}" for p, r in ENDS])
def wheel(session: nox.Session, resolution: str) -> None:
    """Install the built wheel into a clean virtualenv (uv, at one end of the dependency ranges)
    and run the test suite against it."""
    whl = _built("neetbox_protocol-*.whl")
    python = str(Path(session.virtualenv.location) / "bin" / "python")
    session.run(find_uv_bin(), "pip", "install", "--quiet", "--python", python, "--resolution", resolution,
                f"{whl}[test]", *_direct_requirements(), external=True)  # fmt: skip
    where = session.run(
        "python", "-c",
        "import neetbox_protocol, sys, pydantic, pydantic_core, fastapi, typing_extensions as te, importlib.metadata as m;"
        "print(neetbox_protocol.__file__, sys.version.split()[0], pydantic.VERSION, pydantic_core.__version__, fastapi.__version__,"
        " m.version('typing-extensions'))",
        silent=True,
    ).split()  # fmt: skip
    session.log(f"neetbox_protocol from {where[0]} (Python {where[1]}; {resolution}: pydantic {where[2]}, "
                f"pydantic-core {where[3]}, fastapi {where[4]}, typing-extensions {where[5]})")  # fmt: skip
    if not where[0].startswith(session.virtualenv.location) or "site-packages" not in where[0]:
        session.error(f"neetbox_protocol was imported from {where[0]}, not from the wheel in {session.virtualenv.location}")
    session.run("neetbox-protocol", "version")
    session.run("neetbox-protocol", "validate", "-q", "--field", "frame", str(ROOT / "tests" / "data" / "neetbox-0.6.0-wire.jsonl"))
    workers = os.environ.get("PYTEST_WORKERS", "2")
    session.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", "-n", workers, *session.posargs,
        env={"NEETBOX_PROTOCOL_WHEEL": str(whl), "NEETBOX_PROTOCOL_SDIST": str(_built("neetbox_protocol-*.tar.gz")),
             "NEETBOX_PROTOCOL_INSTALLED": "1",
             # a quarter of the hypothesis examples: this run checks the wheel on another Python;
             # `make test` searches at full strength (tests/support.py: examples())
             "NEETBOX_PROTOCOL_EXAMPLES_SCALE": os.environ.get("NEETBOX_PROTOCOL_EXAMPLES_SCALE", "0.25")},
    )  # fmt: skip
