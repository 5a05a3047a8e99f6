"""The documentation, run as a user would run it: every fenced block of README.md, docs/*.md and
examples/*/README.md, as written, from the repository's root (a scratch directory holding a link
to each of its top-level entries, so what a block writes lands there, not in the checkout).

- ```python: run in a fresh interpreter (this one). An expression statement whose line ends in a
  comment that starts with a value (a string, number, list, dict, tuple, `nan`, `True`, `None`,
  ...) is checked: the value shown is the value the expression gives (`repr`, or the text of a
  shown string; `...` stands for any text). A `print(...)` line's comment is the text it prints.
  Other comments are prose.
- ```console: `$ command` lines run in bash (the package's commands on PATH); the lines after a
  command are its output (stdout and stderr), compared line by line, `...` standing for any text
  within a line and, alone on a line, for any lines. A command shown without output must succeed
  (unless the next command is `echo $?`, whose output shows its status).
- ```sh: a script run with `bash -e`: every command must succeed.
- ```ts: compiled with `tsc --strict` (tests/typescript/tsconfig.json) against the npm package
  packed and installed as tests/test_typescript.py does, then run with node.
- ```js: run with node as an ES module (the repository's node_modules).
- ```json: a message: `EventMsg.loads` must accept it.

A block that cannot run in a test has, on the line just before its fence,
`<!-- docs-test: skip: <reason> -->` (docs/development.md); any other block, or a language not
listed above, fails. Blocks are self-contained: nothing carries over from one block to the next.

Why not pytest-examples (pydantic's): it checks `print` output written as `#>` lines and formats
the code with ruff or black; it has no value-in-a-comment check, no console, TypeScript or JSON
blocks, so the docs would have to change shape to suit it and still leave most blocks unchecked.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT
from test_typescript import project, tsc  # noqa: F401  (project: the packed npm package, a fixture)

DOCS = ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")),
        *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").glob("*/README.md"))]  # fmt: skip
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[ \t]*$")
SKIP = re.compile(r"^[ \t]*<!-- docs-test: skip: (?P<reason>\S.*?) -->[ \t]*$")
MARKER = re.compile(r"^[ \t]*<!--\s*docs-test")
LANGUAGES = {"python", "console", "sh", "ts", "js", "json"}


@dataclass
class Block:
    file: str
    line: int  # the fence's line, 1-based
    lang: str
    code: str
    skip: str | None  # the marker's reason

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.lang or 'plain'}"


def blocks(rel: str) -> list[Block]:
    lines = (ROOT / rel).read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            assert not MARKER.search(lines[i]) or (i + 1 < len(lines) and FENCE.match(lines[i + 1]) and SKIP.match(lines[i])), (
                f"{rel}:{i + 1}: a docs-test marker must read `<!-- docs-test: skip: <reason> -->` on the line just before a fence")
            i += 1
            continue
        indent, start = m["indent"], i
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        skip = SKIP.match(lines[start - 1]) if start else None
        found.append(Block(rel, start + 1, m["lang"], "\n".join(body) + "\n", skip["reason"] if skip else None))
        i += 1
    return found


ALL = [b for rel in DOCS for b in blocks(rel)]


def test_every_doc_is_read():
    assert {"README.md", "docs/encoding.md", "examples/fastapi_service/README.md"} <= set(DOCS)
    assert len(ALL) > 10


@pytest.fixture
def scratch(tmp_path) -> Path:
    """The repository's root as a block sees it: links to its entries in a fresh directory."""
    work = tmp_path / "root"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name != ".git":
            (work / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return work


# ----------------------------------------------------------------------------- shown values

def ellipsis_match(shown: str, actual: str) -> bool:
    """`shown` equals `actual`, each `...` in `shown` standing for any text."""
    return re.fullmatch(".*?".join(map(re.escape, shown.split("..."))), actual, re.S) is not None


def leading_value(comment: str) -> str | None:
    """The value a comment starts with (`'ScalarEvent' -- a typed subclass` -> `'ScalarEvent'`),
    or None when it starts with prose."""
    if not comment:
        return None
    first = comment[0]
    end = None
    if first in "'\"":
        j = 1
        while j < len(comment) and comment[j] != first:
            j += 2 if comment[j] == "\\" else 1
        end = j + 1 if j < len(comment) else None
    elif first in "[{(" or re.match(r"[A-Za-z_][\w.]*\(", comment):
        depth, quote, j = 0, None, 0
        while j < len(comment):
            c = comment[j]
            if quote:
                j += 1 if c == "\\" else 0
                quote = None if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c in "[{(":
                depth += 1
            elif c in "]})":
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
            j += 1
    else:
        m = re.match(r"-?(?:\d[\w.+-]*|nan|inf|True|False|None)(?![\w])", comment)
        end = m.end() if m else None
    if end is None or (end < len(comment) and not re.match(r"[\s:,;]", comment[end])):
        return None
    return comment[:end]


def check_value(value, shown: str, line: int) -> None:
    if shown[0] in "'\"" and isinstance(value, str):
        try:
            text = ast.literal_eval(shown)
        except (SyntaxError, ValueError):
            text = None
        if text is not None:
            assert ellipsis_match(text, value), f"line {line}: shows {shown}, gives {value!r}"
            return
    assert ellipsis_match(shown, repr(value)), f"line {line}: shows {shown}, gives {value!r}"


def check_print(shown: str, line: int, *args, **kwargs) -> None:
    out = io.StringIO()
    print(*args, **kwargs, file=out)
    text = out.getvalue().rstrip("\n")
    print(text)
    assert ellipsis_match(shown, text), f"line {line}: shows {shown!r}, prints {text!r}"


def instrument(source: str) -> tuple[str, int]:
    """The block with each shown value checked (see the module's docstring); and how many."""
    comments = {tok.start[0]: tok.string[1:].strip() for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                if tok.type == tokenize.COMMENT}  # fmt: skip
    tree = ast.parse(source)
    count = 0

    class Checks(ast.NodeTransformer):
        def visit_Expr(self, node: ast.Expr):
            nonlocal count
            comment = comments.get(node.end_lineno)
            if not comment:
                return node
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print":
                count += 1
                new = ast.Call(ast.Name("__docs_print__", ast.Load()), [ast.Constant(comment), ast.Constant(node.lineno), *call.args], call.keywords)
            else:
                shown = leading_value(comment)
                if shown is None:
                    return node
                count += 1
                new = ast.Call(ast.Name("__docs_value__", ast.Load()), [node.value, ast.Constant(shown), ast.Constant(node.lineno)], [])
            return ast.copy_location(ast.Expr(new), node)

    tree = ast.fix_missing_locations(Checks().visit(tree))
    return ast.unparse(tree), count


PRELUDE = """\
import sys as __docs_sys
__docs_sys.path.insert(0, {tests!r})
from test_docs import check_print as __docs_print__, check_value as __docs_value__
__docs_sys.path.pop(0)
del __docs_sys
"""


def run_python(block: Block, cwd: Path) -> None:
    code, checks = instrument(block.code)
    script = PRELUDE.format(tests=str(ROOT / "tests")) + code
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, f"{block.id} ({checks} shown values):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


# ----------------------------------------------------------------------------- console, sh

def shell_env() -> dict:
    """The environment a user's shell has: none of pytest's variables, nor make's (under `make
    test` a `make` in a block would otherwise print its Entering/Leaving directory lines)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def console_steps(code: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.startswith("> ") and steps and not steps[-1][1] and steps[-1][0].endswith("\\"):  # a continued command
            steps[-1] = (steps[-1][0] + "\n" + line[2:], [])
        else:
            assert steps, f"output before any command: {line!r}"
            steps[-1][1].append(line.rstrip())
    return steps


def output_matches(shown: list[str], actual: str) -> bool:
    parts = []
    for line in shown:
        parts.append(r"(?:[^\n]*\n)*?" if line.strip() == "..." else ".*?".join(map(re.escape, line.split("..."))) + r"\n")
    lines = [ln.rstrip() for ln in actual.splitlines()]
    return re.fullmatch("".join(parts), "".join(ln + "\n" for ln in lines), re.S) is not None


def run_console(block: Block, cwd: Path) -> None:
    steps = console_steps(block.code)
    sep = "@@docs-test-step@@"
    script = "exec 2>&1\n" + "".join(f"{cmd}\n__rc=$?; printf '\\n{sep} %d\\n' $__rc; (exit $__rc)\n" for cmd, _ in steps)
    proc = subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, env=shell_env(), timeout=300)
    chunks = re.split(rf"\n?{sep} (\d+)\n", proc.stdout)
    outputs, codes = chunks[0:-1:2], [int(c) for c in chunks[1::2]]
    assert len(codes) == len(steps), f"{block.id}: the script stopped early:\n{proc.stdout[-3000:]}"
    for k, ((cmd, shown), out, rc) in enumerate(zip(steps, outputs, codes)):
        if shown:
            assert output_matches(shown, out), f"{block.id}: `$ {cmd}` shows\n" + "\n".join(shown) + f"\nprints\n{out}"
        elif not (k + 1 < len(steps) and steps[k + 1][0].startswith("echo $?")):  # else the status is shown
            assert rc == 0, f"{block.id}: `$ {cmd}` exits {rc}:\n{out}"


def run_sh(block: Block, cwd: Path) -> None:
    proc = subprocess.run(["bash", "-e", "-c", block.code], cwd=cwd, capture_output=True, text=True, env=shell_env(), timeout=300)
    assert proc.returncode == 0, f"{block.id}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


# ----------------------------------------------------------------------------- TypeScript, JS, JSON

def run_ts(block: Block, app: Path) -> None:
    name = f"doc_{re.sub(r'[^A-Za-z0-9]', '_', block.file)}_{block.line}"
    (app / f"{name}.ts").write_text(block.code, encoding="utf-8")
    proc = tsc(app, f"{name}.ts")
    assert proc.returncode == 0, f"{block.id}: tsc --strict:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    proc = subprocess.run(["node", str(app / "out" / f"{name}.js")], cwd=app, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{block.id}: node:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"


def run_js(block: Block, cwd: Path) -> None:
    script = cwd / "block.mjs"  # node resolves packages from ./node_modules (the repository's)
    script.write_text(block.code, encoding="utf-8")
    proc = subprocess.run(["node", str(script)], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{block.id}: node:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"


def run_json(block: Block) -> None:
    from neetbox_protocol import EventMsg

    EventMsg.loads(block.code)


@pytest.mark.parametrize("block", ALL, ids=[b.id for b in ALL])
def test_block_runs_as_shown(block: Block, scratch, request):
    if block.skip:
        pytest.skip(f"docs-test: skip: {block.skip}")
    assert block.lang in LANGUAGES, (
        f"{block.id}: a ```{block.lang} block: runnable languages are {sorted(LANGUAGES)}; "
        "a block that cannot run has `<!-- docs-test: skip: <reason> -->` on the line before its fence")
    if block.lang == "python":
        run_python(block, scratch)
    elif block.lang == "console":
        run_console(block, scratch)
    elif block.lang == "sh":
        run_sh(block, scratch)
    elif block.lang == "ts":
        run_ts(block, request.getfixturevalue("project"))
    elif block.lang == "js":
        run_js(block, scratch)
    elif block.lang == "json":
        run_json(block)


# ----------------------------------------------------------------------------- the runner can fail

@pytest.mark.parametrize(("code", "ok"), [
    ("1 + 1  # 2\n", True),
    ("1 + 1  # 3\n", False),
    ("'abc'  # 'a...'\n", True),
    ("[1, 2, 3]  # [1, ..., 3] and prose\n", True),
    ("float('nan')  # nan: prose\n", True),
    ("{'a': 1}  # {'a': 2}\n", False),
    ("print('x', 1)  # x 1\n", True),
    ("print('x')  # y\n", False),
    ("if True:\n    len('ab')  # 3\n", False),  # checked inside compound statements too
    ("len('ab')  # the length, prose\n", True),
    ("undefined_name\n", False),  # a block is self-contained
])
def test_python_runner_checks_each_shown_value(code, ok, scratch):
    block = Block("t.md", 1, "python", code, None)
    if ok:
        run_python(block, scratch)
    else:
        with pytest.raises(AssertionError):
            run_python(block, scratch)


@pytest.mark.parametrize(("code", "ok"), [
    ("$ echo a; echo b\na\nb\n", True),
    ("$ echo a; echo b\na\nc\n", False),
    ("$ printf 'x\\ny\\nz\\n'\nx\n...\n", True),
    ("$ echo 'long line'\nlong ...\n", True),
    ("$ false\n", False),  # shown without output: must succeed
    ("$ false\n$ echo $?\n1\n", True),
    ("$ echo a \\\n>   b\na b\n", True),
])
def test_console_runner_compares_each_shown_output(code, ok, scratch):
    block = Block("t.md", 1, "console", code, None)
    if ok:
        run_console(block, scratch)
    else:
        with pytest.raises(AssertionError):
            run_console(block, scratch)


def test_a_marker_must_sit_on_the_line_before_a_fence(tmp_path, monkeypatch):
    import test_docs

    (tmp_path / "ok.md").write_text("<!-- docs-test: skip: why -->\n```python\nx\n```\n")
    (tmp_path / "bad.md").write_text("<!-- docs-test: skip: why -->\n\n```python\nx\n```\n")
    monkeypatch.setattr(test_docs, "ROOT", tmp_path)
    assert [b.skip for b in blocks("ok.md")] == ["why"]
    with pytest.raises(AssertionError, match="line just before a fence"):
        blocks("bad.md")
