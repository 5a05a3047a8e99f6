"""Running the Node parts of the suite (tsc, ajv, @asyncapi/parser) from pytest.

`make test` installs them first (`npm ci`, from package-lock.json); run alone, pytest installs
them the same way when node_modules/ is missing. Node 20 or later is required."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from support import ROOT


def node_ready() -> None:
    if shutil.which("node") is None:
        pytest.fail("Node.js (20 or later) is required for the TypeScript, ajv and AsyncAPI tests")
    if not (ROOT / "node_modules" / ".installed").exists():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        (ROOT / "node_modules" / ".installed").touch()


def run_node(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    node_ready()
    return subprocess.run(["node", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def run_bin(name: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A package's command from node_modules/.bin (what `npx` would run, without its network fallback)."""
    return run_node(str(ROOT / "node_modules" / ".bin" / name), *args, timeout=timeout)
