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

.PHONY: run test test-all lint migrate seed superuser clean bench serve soak intake-eval intake-bench

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

# Production settings on this machine: migrate, collect static files, then gunicorn
# (deploy/gunicorn.conf.py) with WhiteNoise on http://$(HOST):$(PORT)/. DEBUG is off. SECRET_KEY
# comes from the environment, else from var/secret-key (generated once; for a loopback demo).
# Plain HTTP unless HTTPS=1 (behind nginx with TLS: deploy/README.md). Same DATABASE_URL as
# everything else (SQLite by default; `make seed` loads the demo data and editor).
SERVE_ENV = DEBUG=0 STATIC_MANIFEST=1 HTTPS="$${HTTPS:-0}" \
  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" \
  SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret-key)}" \
  GUNICORN_BIND="$${GUNICORN_BIND:-$(HOST):$(PORT)}"

serve: $(VENV)/.installed var
	@[ -n "$$SECRET_KEY" ] || [ -s var/secret-key ] || { umask 077; \
	  $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key; }
	env $(SERVE_ENV) $(PY) manage.py migrate --no-input
	env $(SERVE_ENV) $(PY) manage.py collectstatic --no-input -v 0
	@echo "Serving with production settings on http://$(HOST):$(PORT)/ (gunicorn; Ctrl-C stops)."
	exec env $(SERVE_ENV) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py

# The fast suite (no browser, no slow tests), on SQLite unless DATABASE_URL says otherwise, on
# every core (pytest-xdist; each worker has its own test database, each test file stays on one
# worker so a module's shared data is built once). PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= auto
PYTEST = DEBUG=0 SECRET_KEY=test-only-secret $(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: $(VENV)/.installed
	$(PYTEST)

# Everything, slow and browser tests included.
test-all: $(VENV)/.installed
	$(PYTEST) -m ""

# Checks that fail in seconds (CI runs them first): lint, formatting, then missing migrations.
lint: $(VENV)/.installed var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=$(DEBUG) $(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# Every analyst page under load (wrk) against gunicorn with production settings on PostgreSQL,
# at the small and large demo sizes; prints one table (docs/benchmarks.md explains it).
bench: $(VENV)/.installed var
	@command -v wrk >/dev/null || { echo "Installing wrk (the load generator) from Debian"; \
	  SUDO=$$( [ "$$(id -u)" -ne 0 ] && echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) scripts/bench.py $(BENCH_ARGS)

# A bounded soak on loopback: gunicorn with production settings on PostgreSQL (DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/soak), analysts reading and editors writing through the admin
# for SOAK_SECONDS (180) with SOAK_CLIENTS (8); reports requests, errors, p95, each worker's
# memory and lost writes, and fails on any server error or lost write (docs/operations.md).
soak: $(VENV)/.installed var
	$(PY) scripts/soak.py

# Article intake measured on the corpus of reports with gold files (tests/articles/intake/, then
# the held-out reports its rules were not tuned on, tests/articles/intake-heldout/), and
# timed on a 200 KB report (docs/intake.md), in a throwaway SQLite database under var/; both
# commands load the seed for their run and roll it back.
INTAKE_DB := sqlite:///$(CURDIR)/var/intake-eval.sqlite3
intake-eval: $(VENV)/.installed var
	DATABASE_URL=$(INTAKE_DB) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(INTAKE_DB) $(PY) manage.py intake_eval $(INTAKE_ARGS)
	DATABASE_URL=$(INTAKE_DB) $(PY) manage.py intake_eval --corpus tests/articles/intake-heldout \
	  --known tests/articles/intake/known $(INTAKE_ARGS)

intake-bench: $(VENV)/.installed var
	DATABASE_URL=$(INTAKE_DB) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(INTAKE_DB) $(PY) manage.py intake_bench $(INTAKE_ARGS)

clean:
	rm -rf $(VENV) var
