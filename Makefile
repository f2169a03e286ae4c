# One task runner.  `make analyse` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
STAMP := .make
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install analyse test lint bench clean system-deps browser office

install: $(STAMP)/installed system-deps

$(STAMP)/installed: setup.py
	@mkdir -p $(STAMP)
	$(PYTHON) -m pip install --quiet -e '.[test]'
	@touch $@

# Graphviz draws the maps.  Without it estate still runs and says how to install it.
system-deps:
	@command -v dot >/dev/null 2>&1 || { \
	  echo "Graphviz 'dot' not found: installing it (apt-get install -y graphviz)"; \
	  ( $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz ) >/dev/null 2>&1 \
	  || echo "Could not install Graphviz; maps will be skipped. Install it with your package manager (graphviz)."; }

# Debian's Chromium for the browser tests of the report (Playwright drives it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Chromium not found: installing it (apt-get install -y chromium)"; \
	  ( $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium ) >/dev/null 2>&1 \
	  || echo "Could not install Chromium; the browser tests will be skipped."; }

# LibreOffice (headless Calc) opens the register in the tests, as a reader's office suite would.
office:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "LibreOffice not found: installing it (apt-get install -y libreoffice-calc-nogui)"; \
	  ( $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libreoffice-calc-nogui ) >/dev/null 2>&1 \
	  || echo "Could not install LibreOffice; the register's LibreOffice tests will be skipped."; }

analyse: install
	$(PYTHON) -m estate analyse inventories/ -o output/

test: install browser office
	$(PYTHON) -m pytest -q

lint: install
	$(PYTHON) -m pyflakes estate tests

bench: install
	$(PYTHON) -m estate.dev.bench --sizes 10,100,400 --out docs/benchmarks.md

clean:
	rm -rf $(STAMP) output/ build/ *.egg-info .pytest_cache
