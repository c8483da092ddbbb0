# Two commands do all set-up on a fresh machine with Python 3.11+ and make:
#   make demo   builds the demo shop into ./teiki.duckdb, prints what is in it and its KPIs, then serves the
#               dashboard on http://127.0.0.1:8000/ (Ctrl+C stops it)
#   make test   checks the layering (lint-imports) and runs the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_CUSTOMERS ?= 20000

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# the CDNOW data of the forecast papers' tests ships in the lifetimes wheel: its files only, not its code
	$(BIN)/python -m pip install --quiet --no-deps lifetimes==0.11.3
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/teiki demo --customers $(DEMO_CUSTOMERS)
	$(BIN)/teiki kpi
	$(BIN)/teiki cpm
	$(BIN)/teiki serve

test: $(VENV)/.installed-test
	$(BIN)/lint-imports  # the layering of docs/architecture.md (contracts in pyproject.toml)
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/import_orders.py

clean:
	rm -rf $(VENV) teiki.duckdb teiki.duckdb.wal demo_shop
