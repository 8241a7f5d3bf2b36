# The two set-up commands of the README. Both create .venv/ when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

# the browser tests drive Debian's Chromium (never a browser a test tool downloads) and need a CJK font
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PACKAGES := chromium fonts-noto-cjk

.PHONY: run test lint browser eval

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# 1. install kg and build output/ from seeds/
run: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/kg build seeds -o output

# 2. install what the tests need and run them
test: $(BIN)/python browser
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/ruff check kg tests
	$(BIN)/python -m pytest -q

lint: $(BIN)/python
	$(BIN)/ruff check kg tests eval

# build and score every evaluation set (../shared's seeds and dev, eval/corpus/*/): one F1 table,
# then the career sets (eval/corpus/careers*/)
eval: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python eval/run.py
	$(BIN)/python eval/careers.py

browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES); \
	fi
