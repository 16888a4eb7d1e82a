# Health Passport. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

NHSUK := node_modules/nhsuk-frontend/dist/nhsuk

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The NHS.UK frontend from npm, at the version nhsuk-frontend-jinja matches, served from
# static/nhsuk/. Its CSS points at /assets/ and at a font CDN: we serve the images ourselves
# and drop the CDN font (the frontend falls back to Arial), so no page loads anything from outside.
static/nhsuk/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/nhsuk && mkdir -p static/nhsuk
	cp -r $(NHSUK)/assets static/nhsuk/assets
	cp $(NHSUK)/nhsuk-frontend.min.js static/nhsuk/nhsuk-frontend.min.js
	sed -e 's#url(/assets/#url(/static/nhsuk/assets/#g' \
	    -e 's#@font-face{[^}]*assets\.nhs\.uk[^}]*}##g' \
	    $(NHSUK)/nhsuk-frontend.min.css > static/nhsuk/nhsuk-frontend.min.css
	touch $@

# System packages from Debian: Pango and the Noto fonts (Latin and Arabic) for the PDFs, and
# Chromium for the browser tests (never a browser build downloaded by a test tool).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DOCUMENT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core
CHROMIUM ?= /usr/bin/chromium

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing $$missing"; \
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
endef

.PHONY: system-packages
system-packages:
	$(call apt_install,$(DOCUMENT_PACKAGES))

$(CHROMIUM):
	$(call apt_install,chromium poppler-utils)

# Redis for the tests of background work: each such test starts a server of its own.
REDIS_SERVER ?= /usr/bin/redis-server
$(REDIS_SERVER):
	$(call apt_install,redis-server)

.PHONY: install
install: system-packages $(BIN)/.installed static/nhsuk/.installed ## Install the app (.venv, NHS.UK frontend, fonts)

.PHONY: run
run: install ## Install, load the demo data on SQLite and serve on http://127.0.0.1:5000
	$(BIN)/passport db upgrade
	$(BIN)/passport demo
	$(BIN)/passport run --host $(HOST) --port $(PORT)

.PHONY: test
test: install $(CHROMIUM) $(REDIS_SERVER) ## Install everything (Chromium and Redis too) and run every test (SQLite; set DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest

.PHONY: test-fast
test-fast: install $(REDIS_SERVER) ## Every test but the browser ones, for the inner loop
	$(BIN)/python -m pytest -m "not browser"

.PHONY: lint
lint: install ## The checks CI runs besides the tests: ruff (lint and format), mypy, the layers
	$(BIN)/ruff check passport tests
	$(BIN)/ruff format --check passport tests
	$(BIN)/mypy
	$(BIN)/lint-imports

.PHONY: clean
clean: ## Remove the virtual environment and the local database
	rm -rf $(VENV) instance

.PHONY: bench
bench: install ## Print speed figures (caseload, documents, sharing links under gunicorn)
	$(call apt_install,wrk)
	$(BIN)/python tests/bench.py

.PHONY: load
load: install ## Two app servers on one PostgreSQL, 50 clients, a worker killed, connections ended (LOAD_SECONDS=60 a phase)
	$(BIN)/python -m tests.load --seconds $(or $(LOAD_SECONDS),60)
