# The README's commands. Everything runs from the project's own virtualenv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The app defaults to production (fail closed); the local loop, the tests and the benchmarks are dev.
MESHPAY_ENV ?= dev

.PHONY: run test lint bench install lock clean-data client

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Everything comes from the lock (exact versions of every package, direct or not); the project itself
# is installed on top without resolving anything again.
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
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

# After changing dependencies in pyproject.toml: re-resolve both locks (runtime for the image, dev).
lock: | $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 -q --extra dev -o requirements-dev.lock

client: $(STAMP)
	$(BIN)/python -m clients.generate

clean-data:
	rm -rf .data
