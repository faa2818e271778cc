# Diplomacy Monitor — everyday commands. `make run` and `make test` need only Python 3.12+ and make.

VENV    := .venv
PY      := $(VENV)/bin/python
# pyenv honours .python-version; otherwise take the first Python 3.12+ on the PATH.
PYTHON  ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
             command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
           done)
HOST    ?= 127.0.0.1
PORT    ?= 8000

# Local development defaults; production sets its own environment (see README).
export DEBUG ?= 1
export DJANGO_SETTINGS_MODULE := diplomacy.settings

.PHONY: run test test-all lint migrate seed superuser clean

$(VENV)/.installed: requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (none found on PATH)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

var:
	@mkdir -p var

migrate: $(VENV)/.installed var
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py load_seed
	$(PY) manage.py ensure_demo_editor

run: seed
	@echo "Serving on http://$(HOST):$(PORT)/ — admin at http://$(HOST):$(PORT)/admin/ (see above for the sign-in)."
	$(PY) manage.py runserver $(HOST):$(PORT)

# The fast suite (no browser, no slow tests), on SQLite unless DATABASE_URL says otherwise.
test: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=test-only-secret $(VENV)/bin/pytest -q

# Everything, slow and browser tests included.
test-all: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=test-only-secret $(VENV)/bin/pytest -q -m ""

lint: $(VENV)/.installed var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
