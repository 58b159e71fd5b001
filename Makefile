# factcheck: two commands.
#   make run    set up and serve the app with a demo newsroom (embedded mode: SQLite, no Redis)
#   make test   install the test extras and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEV := FACTCHECK_DEV=1
AXE_DIR ?= $(VENV)/axe
REPLAY_DIR ?= $(VENV)/replay

.PHONY: run test bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@# ReplayWeb.page (npm replaywebpage@2) for replaying archived pages; served by the replay origin, kept in the venv
	sh tools/install-replaywebpage.sh $(REPLAY_DIR) \
	  || echo "ReplayWeb.page not installed (npm unavailable?): claim pages say how to add it for in-browser replay"

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# ReplayWeb.page (npm replaywebpage@2) for replaying archived pages; served by the replay origin, kept in the venv
	sh tools/install-replaywebpage.sh $(REPLAY_DIR) \
	  || echo "ReplayWeb.page not installed (npm unavailable?): claim pages say how to add it for in-browser replay"
	@# axe-core for tests/browser/test_accessibility.py, kept inside the venv (never in the repo)
	command -v npm >/dev/null && npm install --prefix $(AXE_DIR) --no-save --no-audit --no-fund --silent axe-core@4 \
	  || echo "npm unavailable: the accessibility audits will install axe-core themselves or be skipped"

run: install
	$(DEV) $(BIN)/factcheck db upgrade
	$(DEV) $(BIN)/factcheck demo
	$(DEV) $(BIN)/factcheck serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache
