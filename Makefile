# evalsys: `make run` starts the app with demo data on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= development.ini

.PHONY: run test lint format translations bench screenshots clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "evalsys needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)"; exit 1; }
	@echo "== installing evalsys and the packages it needs into $(VENV) (the first time takes a few minutes)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@echo "== installing the test tools into $(VENV)"
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	@echo "== preparing the database (var/evalsys.sqlite)"
	$(BIN)/evalsys initdb $(CONFIG)
	@echo "== adding the synthetic demo programme (once)"
	$(BIN)/evalsys demo $(CONFIG) --if-empty
	@echo
	@echo "  evalsys runs at http://localhost:6543  (stop it with Ctrl+C)"
	@echo
	$(BIN)/pserve $(CONFIG)

# axe-core for the accessibility checks of the browser tests (skipped with a reason without npm).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser tests will be skipped"; fi

test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

translations: $(VENV)/.installed-test
	$(BIN)/python -m evalsys.i18n_catalogs

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@for script in bench/bench_*.py bench/fault_tests.py bench/fuzz_api.py; do \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Screenshots for the guides in docs/, taken by the browser tests.
screenshots: $(VENV)/.installed-test node_modules/.installed
	EVALSYS_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/evalsys/browser

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
