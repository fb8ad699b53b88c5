# CityPact: `make run` serves the graph, `make test` runs every check. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-test lint check-data clean data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	bash scripts/install-test-servers.sh

run: install
	$(BIN)/citypact serve

lint: install-test
	$(BIN)/ruff check server tests
	$(BIN)/ruff format --check server tests
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var dist build .pytest_cache .ruff_cache .mypy_cache

# `make data`: rebuild data/built (the partnership lists' named graphs and the import report)
# from the pinned raw inputs in data/raw; byte-identical on every run (about a minute).
data: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[build]'
	$(BIN)/citypact import lists

# `make release`: a citable, versioned release of the data in the store (CITYPACT_DATA_DIR) into
# CITYPACT_RELEASES_DIR (default var/releases/{YYYY.MM.DD}); RELEASE_ARGS passes flags, e.g.
# `make release RELEASE_ARGS="--version 2026.1"`.
RELEASE_ARGS ?=
.PHONY: release
release: install
	$(BIN)/citypact release $(RELEASE_ARGS)

# `make bench`: one benchmark run on this machine (about 25 minutes); writes bench/results.md.
# Not part of `make test` (tests/test_bench_tiny.py runs its tiny mode). BENCH_ARGS passes
# flags to bench/run.py, e.g. `make bench BENCH_ARGS="--triples 200000 --reps 3"`.
BENCH_ARGS ?=
.PHONY: bench
bench: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# `make reliability`: load and fault checks of issue 9 (about 15 minutes, loopback only); writes
# bench/reliability.md and exits 1 when a check fails. Not part of `make test`
# (tests/test_reliability_short.py runs its --quick mode). Needs wrk (scripts/install-test-servers.sh)
# and root for the read-only bind mount. RELIABILITY_ARGS passes flags to bench/reliability.py,
# e.g. `make reliability RELIABILITY_ARGS="--duration 30 --crash-rounds 5"`.
RELIABILITY_ARGS ?=
.PHONY: reliability
reliability: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python bench/reliability.py $(RELIABILITY_ARGS)
