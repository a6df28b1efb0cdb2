# Maillage — every command a newcomer needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
# Test processes (pytest-xdist): one per core; TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
PG_URL ?= postgres://postgres@127.0.0.1:5432/maillage
# A local copy of the open data (laid out like the project's shared/data) beside
# the checkout is used when present; otherwise it is downloaded once from the
# official sources into var/open-data/.
MAILLAGE_OPEN_DATA ?= $(if $(wildcard ../shared/data/france-services-*.csv),$(abspath ../shared/data),)
ifneq ($(MAILLAGE_OPEN_DATA),)
export MAILLAGE_OPEN_DATA
endif

.DEFAULT_GOAL := help

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Maillage with its development tools

demo-setup: install ## Create the SQLite database, load Lozère's real data plus the demo places, build the base map
	$(BIN)/maillage migrate --noinput
	$(BIN)/maillage load-demo
	$(BIN)/maillage load-demo-journeys
	$(BIN)/maillage load-demo-booking
	$(BIN)/maillage load-demo-events
	$(BIN)/maillage load-demo-agora
	$(BIN)/maillage build-tiles

demo: demo-setup ## Set everything up and serve the demo on http://127.0.0.1:$(PORT)/ (with the mail worker)
	export MAILLAGE_SITE_URL=$${MAILLAGE_SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(BIN)/maillage worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=maillage.config.settings.dev DJANGO_DEBUG=0 $(BIN)/maillage serve --port $(PORT)

test: install ## Run the tests (SQLite unless DATABASE_URL says otherwise), on every core
	$(BIN)/pytest -n $(TEST_WORKERS)

test-pg: ## Run the tests on PostgreSQL (127.0.0.1:5432), PostgreSQL-only tests included
	DATABASE_URL=$(PG_URL) $(MAKE) test

lint: install ## Lint, format check, architecture contracts, missing migrations
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/maillage makemigrations --check --dry-run

check: lint test test-pg ## Everything CI runs

format: install ## Format the code and fix what ruff can
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install ## Run every benchmark (see bench/); fails when a goal is missed
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	status=0; for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || status=1; done; exit $$status

.PHONY: help install demo-setup demo test test-pg lint check format bench
