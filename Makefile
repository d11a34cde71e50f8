# ACCMR platform: `make run` to try it, `make test` to test it. `make help` lists every target.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
INSTALLED := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install messages check-messages setup run test lint format check-migrations ci bench lock clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --constraint requirements.lock --editable ".[dev]"
	@touch $@

install: $(INSTALLED) ## Create the virtualenv and install the pinned dependencies

messages: $(INSTALLED) ## Compile the interface translations in locale/
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v0

check-messages: install ## Fail if locale/*/LC_MESSAGES/django.po is out of date with the code
	$(MANAGE) check_messages

setup: install messages ## Migrate, install taxonomies, demo content (supporters too) and demo accounts
	@mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_taxonomies
	$(MANAGE) install_roles
	$(MANAGE) load_demo
	$(MANAGE) install_locale_sync
	$(MANAGE) rebuild_service_listings
	$(MANAGE) load_supporters_demo
	$(MANAGE) create_demo_accounts

run: setup ## Set everything up, then serve the site and admin at http://127.0.0.1:$(PORT)/
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/  Site: http://127.0.0.1:$(PORT)/"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install messages ## Run the whole test suite on PostgreSQL (DATABASE_URL, default: local server)
	$(VENV)/bin/pytest

lint: install ## Check code style (ruff)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format and fix code style (ruff)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install ## Fail if a model change has no migration
	DATABASE_URL= SQLITE_PATH=:memory: $(MANAGE) makemigrations --check --dry-run

ci: test lint check-migrations ## What CI runs

bench: install messages ## Benchmark the API under gunicorn with wrk on its own database (BENCH_* variables, docs/performance.md)
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; \
	  apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }; }
	DJANGO_SETTINGS_MODULE=cms.settings.bench $(PY) -m benchmarks

lock: install ## Re-pin every installed package into requirements.lock
	@{ echo "# Exact versions of every installed package (direct and transitive), used as pip constraints."; \
	   echo "# Regenerate with: make lock"; \
	   $(VENV)/bin/pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock

clean: ## Remove the virtualenv and local data (SQLite database, media)
	rm -rf $(VENV) var
