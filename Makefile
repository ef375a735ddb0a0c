# The README's commands. Everything runs from the project's own virtualenv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The app defaults to production (fail closed); the local loop, the tests and the benchmarks are dev.
MESHPAY_ENV ?= dev

.PHONY: run test lint bench install clean-data

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	MESHPAY_ENV=$(MESHPAY_ENV) $(BIN)/meshpay run

test: $(STAMP)
	MESHPAY_ENV=$(MESHPAY_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

bench: $(STAMP)
	MESHPAY_ENV=$(MESHPAY_ENV) $(BIN)/python -m bench

clean-data:
	rm -rf .data
