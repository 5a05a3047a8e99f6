# neetbox-protocol: schema/ -> codegen.py -> generated/ -> tests/
# `make generate` and `make test` each create the virtualenv when it is missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: generate check test matrix dist compat baseline dropin clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

generate: $(STAMP)  ## regenerate generated/ from schema/
	$(PY) codegen.py

check: $(STAMP)  ## fail when generated/ is stale, a schema is invalid, or a change breaks old peers
	$(PY) codegen.py --check
	$(PY) compat.py check

test: check  ## drift check, then the test suite
	$(PY) -m pytest

dist: $(STAMP)  ## build the wheel and the sdist into dist/
	rm -rf dist
	$(PY) -m build --outdir dist .

matrix: dist  ## the suite from the built wheel in clean virtualenvs of Python 3.10 and 3.13 (nox)
	$(PY) -m nox --noxfile noxfile.py --sessions wheel

compat: $(STAMP)  ## fail on a breaking schema change without a major x-protocol-version bump
	$(PY) compat.py check

baseline: $(STAMP)  ## record schema/ as schema/baselines/<x-protocol-version>/ (--force to overwrite)
	$(PY) compat.py record

dropin: $(STAMP)  ## the real neetbox 0.6.0 with neetbox._protocol swapped for generated/
	../shared/tools/dropin/setup.sh
	CANDIDATE=generated DROPIN_QUIRKS=info ../shared/tools/dropin/run.sh

clean:
	rm -rf $(VENV) .nox .pytest_cache .hypothesis build dist *.egg-info generated/*.egg-info
