# maillage: two commands, `make run` and `make test` (see README). Other targets are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
REGION ?= 28
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a local, single-user run: debug mode, embedded SQLite under var/.
RUN_ENV := DEBUG=1
# What `manage.py check --deploy` sees: production settings with a real-looking configuration.
DEPLOY_ENV := DEBUG=0 SECRET_KEY=check-deploy-$$(openssl rand -hex 32 2>/dev/null || echo 0123456789abcdef0123456789abcdef0123456789abcdef) ALLOWED_HOSTS=maillage.example.org

.PHONY: help setup run test test-sqlite test-postgres quality static bench clean

help:
	@echo "make run   — installe tout, charge la Normandie et lance la plateforme sur http://$(HOST):$(PORT)/"
	@echo "make test  — installe tout et lance toute la suite (SQLite puis PostgreSQL) et les contrôles"

$(VENV)/.installed: pyproject.toml
	@scripts/bootstrap-venv
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	$(VENV)/bin/npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed
	@mkdir -p var

run: setup
	$(RUN_ENV) $(PY) manage.py migrate --no-input -v 0
	$(RUN_ENV) $(PY) manage.py load_territories --region $(REGION) --skip-if-loaded
	@echo "maillage : http://$(HOST):$(PORT)/  (API : http://$(HOST):$(PORT)/api/docs)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

quality: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run -v 1
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(DEPLOY_ENV) STATIC_ROOT=var/staticfiles-check $(PY) manage.py collectstatic --no-input -v 0

test-sqlite: setup
	@scripts/ensure-chromium
	DATABASE_URL=sqlite:///var/maillage-test-run.sqlite3 $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: setup
	@scripts/ensure-chromium
	url=$$(scripts/postgres-for-tests) && DATABASE_URL=$$url $(PY) -m pytest $(PYTEST_ARGS)

test: quality test-sqlite test-postgres

bench: setup
	$(PY) bench/load_territories.py

clean:
	rm -rf $(VENV) node_modules var staticfiles
