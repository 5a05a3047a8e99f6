"""What the built distributions hold. `make matrix` builds dist/ and runs the suite from the
installed wheel with NEETBOX_PROTOCOL_WHEEL / _SDIST / _INSTALLED set; elsewhere these skip."""

from __future__ import annotations

import os
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from support import ROOT

import neetbox_protocol
from setup import runtime_modules
from neetbox_protocol import schema_names

WHEEL = os.environ.get("NEETBOX_PROTOCOL_WHEEL")
SDIST = os.environ.get("NEETBOX_PROTOCOL_SDIST")


@pytest.mark.skipif(not WHEEL, reason="set by `make matrix` (NEETBOX_PROTOCOL_WHEEL=dist/...whl)")
def test_wheel_holds_the_package_and_schemas_and_no_tests():
    with zipfile.ZipFile(WHEEL) as whl:
        names = set(whl.namelist())
        entry_points = next(whl.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    pkg = "neetbox_protocol/"
    for name in schema_names():
        assert f"{pkg}schemas/{name}.schema.json" in names, name
    assert f"{pkg}schemas/bundle.schema.json" in names
    assert f"{pkg}schemas/payloads/scalar.schema.json" in names
    for module in ("py.typed", "__init__.py", "constants.py", "events.py", "plain.py", "models/envelope_schema.py",
                   *(path.name for path in runtime_modules())):  # fmt: skip  (the hand-written ones: setup.py adds runtime/)
        assert pkg + module in names, module
    top = {n.split("/")[0] for n in names}
    assert top <= {"neetbox_protocol", *(t for t in top if t.endswith(".dist-info"))}, top
    assert not [n for n in names if "tests/" in n or n.startswith(("tests", "examples", "schema/", "runtime/", "generated/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "neetbox-protocol = neetbox_protocol._cli:main" in entry_points


@pytest.mark.skipif(not SDIST, reason="set by `make matrix` (NEETBOX_PROTOCOL_SDIST=dist/...tar.gz)")
def test_sdist_holds_what_a_wheel_is_built_from():
    with tarfile.open(SDIST) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {"pyproject.toml", "setup.py", "README.md", "generated/neetbox_protocol/__init__.py",
            "generated/neetbox_protocol/py.typed", "generated/neetbox_protocol/schemas/bundle.schema.json"} <= names  # fmt: skip
    # the hand-written modules come from runtime/ (setup.py adds them to the package), never a copy
    runtime = {f"runtime/{path.name}" for path in runtime_modules()}
    assert runtime and runtime <= names, runtime - names
    assert not [n for n in names if n.startswith("generated/neetbox_protocol/") and "runtime/" + n.rsplit("/", 1)[-1] in runtime]


@pytest.mark.skipif(not os.environ.get("NEETBOX_PROTOCOL_INSTALLED"), reason="set by `make matrix`")
def test_the_package_is_imported_from_the_installed_wheel():
    where = Path(neetbox_protocol.__file__).resolve()
    # (nox's virtualenvs live under the checkout, in .nox/: what matters is not the source trees)
    sources = [ROOT / d for d in ("generated", "runtime", "build")]
    assert not any(src in where.parents for src in sources), f"neetbox_protocol imported from the checkout: {where}"
    assert Path(sys.prefix).resolve() in where.parents and "site-packages" in where.parts, where
