# The two set-up commands of the README. Both create .venv/ when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# 1. install kg and build output/ from seeds/
run: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/kg build seeds -o output

# 2. install what the tests need and run them
test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/ruff check kg tests
	$(BIN)/python -m pytest -q

lint: $(BIN)/python
	$(BIN)/ruff check kg tests
