"""How the package ``neetbox_protocol`` is put together from its two homes:

- ``generated/neetbox_protocol/``: everything codegen.py writes (models, constants, events, the
  published schemas, ``__init__``); never edited by hand;
- ``runtime/``: the hand-written modules (``_runtime``, the public surface of the runtime modules
  behind it, ``_schemas``, ``_text``, ``_cli``, ``service``, ``__main__``), which the generated
  code imports as ``neetbox_protocol._runtime`` etc.

setuptools maps a package to one directory (``package-dir`` in pyproject.toml), so ``build_py``
below adds runtime/*.py to the package's modules: the wheel, the sdist and the editable install
(``pip install -e . --config-settings editable_mode=strict``: a tree of links, which the Makefile
refreshes after codegen adds or removes a file) hold one package. Everything else about the
distribution is in pyproject.toml.

Importing this module needs no setuptools (codegen.py reads ``RUNTIME_DIR``); running it is what
the build backend does.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = "neetbox_protocol"
GENERATED_DIR = "generated"  # pyproject.toml: package-dir = {"" = "generated"}
RUNTIME_DIR = "runtime"  # the hand-written modules of PACKAGE, relative to this file


HERE = Path(__file__).resolve().parent


def runtime_modules(root: Path = HERE) -> list[Path]:
    """The hand-written modules of the package, sorted."""
    return sorted((root / RUNTIME_DIR).glob("*.py"))


if __name__ == "__main__":
    from setuptools import setup
    from setuptools.command.build_py import build_py

    class BuildPy(build_py):
        """The package's modules: generated/neetbox_protocol/*.py and runtime/*.py."""

        def find_package_modules(self, package, package_dir):
            modules = super().find_package_modules(package, package_dir)
            if package == PACKAGE:
                generated = {module for _, module, _ in modules}
                for path in runtime_modules(Path(".")):
                    if path.stem in generated:
                        raise SystemExit(f"{path}: codegen.py writes a module of that name too")
                    modules.append((package, path.stem, path.as_posix()))
            return modules

    setup(cmdclass={"build_py": BuildPy})
