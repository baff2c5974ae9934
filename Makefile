# Two commands: `make run` and `make test`. Only Python 3.11+ and make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ldld_tracker
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: run test lint bench load setup translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compile the catalogues when there are any (none until the Vietnamese one is written).
translations: $(VENV)/.installed
	@if ls ldld_tracker/translations/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile --use-fuzzy -d ldld_tracker/translations; \
	else \
		echo "No translation catalogues yet: nothing to compile."; \
	fi

setup: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-reference
	$(FLASK) seed-demo --if-empty

run: setup
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'ldld_tracker:create_app()'

lint: $(VENV)/.installed
	$(BIN)/ruff check ldld_tracker tests

test: $(VENV)/.installed translations lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
