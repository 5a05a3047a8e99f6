# neetbox-protocol: schema/ -> codegen.py -> generated/ -> tests/
# `make generate` and `make test` each create the virtualenv when it is missing.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: generate check test bench compat baseline dropin clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $(BENCH_STAMP)

generate: $(STAMP)  ## regenerate generated/ from schema/
	$(PY) codegen.py

check: $(STAMP)  ## fail when generated/ is stale or a schema is invalid
	$(PY) codegen.py --check

test: check  ## drift check, then the test suite
	$(PY) -m pytest

bench: $(BENCH_STAMP)  ## benchmark against the baselines; prints a table, writes bench/results.json
	$(PY) bench/run.py $(BENCH_ARGS)

compat: $(STAMP)  ## fail on a breaking schema change without a major x-protocol-version bump
	$(PY) compat.py check

baseline: $(STAMP)  ## record schema/ as schema/baselines/<x-protocol-version>/ (--force to overwrite)
	$(PY) compat.py record

dropin: $(STAMP)  ## the real neetbox 0.6.0 with neetbox._protocol swapped for generated/
	../shared/tools/dropin/setup.sh
	CANDIDATE=generated DROPIN_QUIRKS=info ../shared/tools/dropin/run.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info generated/*.egg-info
