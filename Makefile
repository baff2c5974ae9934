# Two commands: `make run` and `make test`. Only Python 3.11+ and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ldld_tracker
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
BABEL_KEYWORDS := -k _ -k _l -k gettext -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2

.PHONY: run test test-sqlite test-postgres lint bench load setup translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compile the catalogues (.mo files are not committed). Fuzzy entries are left out: a guessed
# translation is never shown. A broken .po stops the build.
translations: $(VENV)/.installed
	@if ls ldld_tracker/translations/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		$(BIN)/python -m ldld_tracker.catalogues; \
	else \
		echo "No translation catalogues yet: nothing to compile."; \
	fi

# After adding or changing strings: extract every msgid into messages.pot and merge it into
# the vi and en catalogues; then translate the new entries (tests/test_i18n.py lists them).
translations-update: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg $(BABEL_KEYWORDS) --add-location=file --sort-by-file \
		--project=ldld_tracker -o ldld_tracker/translations/messages.pot .
	$(BIN)/pybabel -q update -i ldld_tracker/translations/messages.pot -d ldld_tracker/translations \
		--ignore-pot-creation-date --ignore-obsolete

setup: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-reference
	$(FLASK) seed-demo --if-empty

run: setup
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'ldld_tracker:create_app()'

lint: $(VENV)/.installed
	$(BIN)/ruff check ldld_tracker tests bench scripts gunicorn.conf.py

# The whole suite on SQLite (browser tests included) and again on a throwaway PostgreSQL
# cluster where its server binaries are installed (else skipped with the reason printed;
# LDLD_REQUIRE_POSTGRES=1 makes that a failure). PYTEST_ARGS narrows both runs. The two
# runs go side by side (one per core; each run's output is printed when it ends): one
# after the other they took 17 minutes here.
test: $(VENV)/.installed translations lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres:
	$(BIN)/python -m tests.run_postgres --ignore=tests/e2e $(PYTEST_ARGS)

# Bounded load test on 127.0.0.1: SQLite, then PostgreSQL where installed; stops by itself.
# Not part of `make test`. Shorter: make load LOAD_ARGS="--seconds 20 --users 10".
load: $(VENV)/.installed translations
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

# Benchmarks (speed goals of issue 6), writes docs/BENCHMARKS.md; data sets cached in
# instance/bench/. Quick: make bench BENCH_ARGS=--quick. Part of the country on PostgreSQL:
# make bench BENCH_ARGS="--fraction 0.25".
bench: $(VENV)/.installed translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
