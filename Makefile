# neetbox-protocol: schema/ -> codegen.py -> generated/ + docs/protocol.md -> tests/
# `make generate` and `make test` each create the virtualenv and install the Node tools
# (`npm ci`, Node 20 or later) when they are missing or out of date.
# The package neetbox_protocol is generated/neetbox_protocol/ (codegen's) plus runtime/ (hand-written),
# joined by setup.py; the virtualenv has it as an editable install in setuptools' strict mode (a
# tree of links under build/), which `make generate` and `make test` refresh, since codegen may add
# or remove files. `make candidate` installs the built wheel into build/candidate/ for the drop-in tools.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BENCH_STAMP := $(VENV)/.installed-bench
EDITABLE := --config-settings editable_mode=strict
CANDIDATE_DIR := build/candidate

.PHONY: help generate check test generators go bench bench-ab bench-server matrix dist compat baseline candidate dropin fuzz accidental-values check-accidental-values clean install-links
.DEFAULT_GOAL := help

help:  ## list the targets with what each does (this list; also docs/development.md)
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  make %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' $(EDITABLE)
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("Node.js 20 or later is required, found " + process.version); process.exit(1) }'
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]' $(EDITABLE)
	touch $(BENCH_STAMP)

install-links: $(STAMP)  ## the editable install's links: one per file of the package as it is now
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . $(EDITABLE)

generate: $(STAMP) $(NODE_STAMP)  ## regenerate generated/ and docs/protocol.md from schema/
	$(PY) codegen.py
	$(MAKE) --no-print-directory install-links

check: $(STAMP) $(NODE_STAMP)  ## fail when generated/ or a generated doc is stale, a schema is invalid, or a change breaks old peers
	$(PY) codegen.py --check
	$(PY) compat.py check --quiet
	@$(MAKE) --no-print-directory check-accidental-values

test: check install-links  ## drift check, then the test suite (Python, tsc, ajv, AsyncAPI parser)
	$(PY) -m pytest -n 2

generators: install-links $(NODE_STAMP) go  ## the published schemas through quicktype (TS, Go, Python), datamodel-code-generator, json-schema-to-typescript, Modelina, openapi-typescript: generate, compile, round-trip every frame (tests/generators/run.py)
	$(PY) tests/generators/run.py

go:  ## Go for `make generators`: Debian's golang-go when `go` is missing (no toolchain download)
	@command -v go >/dev/null 2>&1 || { apt-get update && apt-get install -y --no-install-recommends golang-go; }

dist: $(STAMP)  ## build the wheel and the sdist into dist/
	rm -rf dist
	$(PY) -m build --outdir dist .

matrix: dist  ## the suite from the built wheel in clean virtualenvs of Python 3.10 and 3.13 (nox)
	$(PY) -m nox --noxfile noxfile.py --sessions wheel

bench: $(BENCH_STAMP)  ## benchmark against the baselines; prints a table, writes bench/results.json
	$(PY) bench/run.py $(BENCH_ARGS)

BEFORE ?= HEAD~1
AFTER ?= HEAD
bench-ab: $(BENCH_STAMP)  ## two builds of the package in one run (BEFORE=<rev> AFTER=<rev>, default HEAD~1 and HEAD): every figure of ours, before and after
	$(PY) bench/ab.py --before $(BEFORE) --after $(AFTER) $(BENCH_ARGS)

bench-server: candidate  ## the real neetbox 0.6.0 server (../shared/tools/dropin) under N = 1, 4, 16 training-script clients + 2 web peers, original module and build/candidate alternated: ingest msg/s, p50/p99 latency, server CPU per 1000 messages, peak RSS; prints a table, writes bench/server-results.json (minutes; not in `make test`)
	../shared/tools/dropin/setup.sh
	$(PY) bench/server.py --candidate $(CANDIDATE_DIR) $(BENCH_SERVER_ARGS)

compat: $(STAMP)  ## list every schema change since the last release; fail on a breaking one without a major bump
	$(PY) compat.py check

baseline: $(STAMP)  ## record schema/ as schema/baselines/<x-protocol-version>/ (--force to overwrite)
	$(PY) compat.py record

candidate: $(STAMP)  ## build/candidate/: the package as the wheel installs it (for the drop-in tools' CANDIDATE)
	rm -rf $(CANDIDATE_DIR)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-compile --target $(CANDIDATE_DIR) .

dropin: candidate  ## the real neetbox 0.6.0 with neetbox._protocol swapped for the built package, then its startup race probe
	DROPIN_VENV=$(DROPIN_VENV) ../shared/tools/dropin/setup.sh
	DROPIN_VENV=$(DROPIN_VENV) CANDIDATE=$(CANDIDATE_DIR) DROPIN_QUIRKS=info ../shared/tools/dropin/run.sh
	DROPIN_VENV=$(DROPIN_VENV) CANDIDATE=$(CANDIDATE_DIR) ../shared/tools/dropin/startup_probe.sh

FUZZ_SCALE ?= 100
fuzz: $(STAMP)  ## the fuzz tests of `make test` at FUZZ_SCALE times their examples (minutes): JSON text, dicts, exotic Python objects through every door; any bytes through the CLI
	NEETBOX_PROTOCOL_EXAMPLES_SCALE=$(FUZZ_SCALE) $(PY) -m pytest -n 2 -q --hypothesis-show-statistics -k fuzz tests/test_input_domain.py tests/test_errors.py tests/test_cli.py

# the drop-in harness's virtualenv (../shared/tools/dropin/setup.sh makes it: the real neetbox 0.6.0)
DROPIN_VENV ?= $(HOME)/.cache/dropin-venv
ACCIDENTAL_PAGE := docs/accidental-values.md
# the page on stdout: what `make accidental-values` writes and `make check` compares
define accidental_page
{ printf '%s\n\n' '# What neetbox 0.6.0 sends for the values an ML user passes by accident' \
  'Made by `make accidental-values` (`tools/accidental_values.py --table`): the real neetbox 0.6.0 client API called in-process with the original `neetbox._protocol` and with `neetbox_protocol` built from this checkout (`make candidate`), the websocket replaced by a recorder. "stuck" = the original'"'"'s `dumps()` raised inside neetbox'"'"'s send loop, which swallows the error and keeps the message at the head of its queue (every later send of that process is lost). torch and matplotlib are not installed in the harness, so torch values and `add_figure` are not exercised.'; \
  $(DROPIN_VENV)/bin/python tools/accidental_values.py --table --candidate $(CANDIDATE_DIR) | sed -e 's|protocol_file=[^,]*/|protocol_file=.../|'; }
endef

accidental-values: candidate  ## docs/accidental-values.md: what neetbox 0.6.0's client sends for accidental values, original vs the built package (installs the harness)
	DROPIN_VENV=$(DROPIN_VENV) ../shared/tools/dropin/setup.sh
	$(accidental_page) > $(ACCIDENTAL_PAGE)

# part of `make check`: the harness takes minutes to install (neetbox 0.6.0 and its dependencies
# from PyPI), so the page is compared only where it is installed (`make accidental-values` or
# `make dropin` installs it); elsewhere one line says it was not checked
check-accidental-values:  ## fail when docs/accidental-values.md differs from a fresh run of the harness (when the harness is installed)
	@if [ -x $(DROPIN_VENV)/bin/python ]; then \
	  $(MAKE) --no-print-directory candidate >/dev/null && $(accidental_page) > build/accidental-values.md && \
	  if cmp -s build/accidental-values.md $(ACCIDENTAL_PAGE); then echo "accidental-values: $(ACCIDENTAL_PAGE) is up to date"; \
	  else diff $(ACCIDENTAL_PAGE) build/accidental-values.md | head -20; echo "accidental-values: $(ACCIDENTAL_PAGE) is stale; run \`make accidental-values\` and commit it" >&2; exit 1; fi; \
	else echo "accidental-values: not checked ($(DROPIN_VENV) not installed; \`make accidental-values\` installs it)"; fi

clean:  ## remove the virtualenv, node_modules and every build and test cache
	rm -rf $(VENV) node_modules .nox .pytest_cache .hypothesis build dist *.egg-info generated/*.egg-info
