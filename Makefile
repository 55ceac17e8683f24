# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/pod_designer

LOCK_VENV := .venv-lock
LOCK_ARGS := --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --no-header --quiet

.PHONY: install run test test-postgres lint bench system-deps clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# editable_mode=compat: a plain path in a .pth file. The default finder hook costs every Python
# start ~11 ms (manage.py, the CLI, each test process); a wheel install has no such hook either.
# The locked, hash-checked dependencies first (requirements/dev.txt, from `make lock`), then the
# project itself without letting pip resolve anything more.
$(STAMP): pyproject.toml requirements/dev.txt Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_starters
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_admin
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# graphviz and Chromium from apt when we are root on Debian and they are missing.
system-deps:
	@scripts/system-deps.sh

test: install system-deps
	$(BIN)/ruff check designer tests bench
	$(BIN)/ruff format --check designer tests bench
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# The suite against PostgreSQL, without the browser tests (they already ran once on SQLite).
test-postgres: install
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -m "not browser"

lint: install
	$(BIN)/ruff check designer tests bench
	$(BIN)/ruff format --check designer tests bench
	$(BIN)/mypy

bench: install
	for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Re-resolve the lock files after a change to pyproject.toml's dependencies: runtime.txt (the
# image) and dev.txt (make install, constrained to the same runtime versions), hashes for
# Python 3.11 on linux x86_64. uv lives in a venv of its own, never in the project's.
lock:
	test -x $(LOCK_VENV)/bin/uv || ($(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet uv)
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml -o requirements/runtime.txt $(LOCK_ARGS)
	$(LOCK_VENV)/bin/uv pip compile pyproject.toml --extra dev -c requirements/runtime.txt \
		-o requirements/dev.txt $(LOCK_ARGS)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache .mypy_cache
