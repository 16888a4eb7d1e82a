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

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

.PHONY: install
install: $(BIN)/.installed ## Install everything into .venv

.PHONY: run
run: install ## Install, load the demo data on SQLite and serve on http://127.0.0.1:5000
	$(BIN)/passport db upgrade
	$(BIN)/passport demo
	$(BIN)/passport run --host $(HOST) --port $(PORT)

.PHONY: test
test: install ## Install and run every test (SQLite; set DATABASE_URL for PostgreSQL)
	$(BIN)/python -m pytest

.PHONY: lint
lint: install ## ruff over the code
	$(BIN)/ruff check passport tests

.PHONY: clean
clean: ## Remove the virtual environment and the local database
	rm -rf $(VENV) instance
