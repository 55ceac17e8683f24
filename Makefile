# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/pod_designer

.PHONY: install run test test-postgres lint bench system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# editable_mode=compat: a plain path in a .pth file. The default finder hook costs every Python
# start ~11 ms (manage.py, the CLI, each test process); a wheel install has no such hook either.
$(STAMP): pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
