# The README's commands. CI runs the same targets (.ci/run).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-fast lint bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("factcheck needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, demo login + sample article, then web + worker + sweep (Ctrl-C stops).
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_setup
	$(BIN)/python -m factcheck.devstack

## make bench [ARGS=--quick]: every benchmark, one table, JSON in bench/results/ (see README, Performance).
## make test: install and run the whole suite (integration tests start their own worker).
# Test runs keep their SQLite files and embedded broker apart from `make run`'s.
test: install
	FACTCHECK_VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy factcheck claims workers
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/run_all.py $(ARGS)

clean:
	rm -rf var/test .pytest_cache
