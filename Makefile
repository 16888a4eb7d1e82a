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

# The browser tests drive Debian's Chromium (never a downloaded browser build).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi

.PHONY: install
install: $(BIN)/.installed static/nhsuk/.installed ## Install the app (.venv, NHS.UK frontend)

.PHONY: run
run: install ## Install, load the demo data on SQLite and serve on http://127.0.0.1:5000
	$(BIN)/passport db upgrade
	$(BIN)/passport demo
	$(BIN)/passport run --host $(HOST) --port $(PORT)

.PHONY: test
test: install $(CHROMIUM) ## Install everything (and Chromium) and run every test (SQLite; set DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest

.PHONY: lint
lint: install ## ruff over the code
	$(BIN)/ruff check passport tests

.PHONY: clean
clean: ## Remove the virtual environment and the local database
	rm -rf $(VENV) instance

.PHONY: bench
bench: install ## Print speed figures (caseload at 1,000 and 10,000 children, ...)
	$(BIN)/python tests/bench.py
