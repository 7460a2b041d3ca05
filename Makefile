# Front door. Two commands matter:
#   make report   build the HTML and PDF book from data/raw (sets itself up)
#   make test     run the whole test suite (unit, end-to-end, browser, PDF)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export PYTHONHASHSEED := 0

.PHONY: report preview test setup system-deps venv repro bench lint clean help unit

help:
	@echo "make report  - set up, run 'dvc repro', print where the HTML and PDF are"
	@echo "make preview - rebuild what changed up to the HTML book (no PDF, no LaTeX wait)"
	@echo "make test    - run every test (unit + end-to-end dvc repro + browser + PDF)"
	@echo "make unit    - run the fast unit tests only"
	@echo "make bench   - time cold / no-op / incremental builds (results in benchmarks/results/)"
	@echo "make lint    - ruff check + ruff format --check + dvc.yaml up to date + notebooks stripped"
	@echo "make clean   - remove built outputs (keeps data/raw and the venv)"

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

system-deps:
	@bash scripts/install_system_deps.sh all

setup: venv system-deps

report: setup
	dvc repro
	@echo ""
	@echo "HTML book: $(CURDIR)/book/_build/html/index.html"
	@if [ -f book/_build/pdf/report.pdf ]; then echo "PDF book:  $(CURDIR)/book/_build/pdf/report.pdf"; \
	 else echo "PDF book:  not built (see the message above for what to install)"; fi

preview: venv
	dvc repro book
	@echo ""
	@echo "HTML book: $(CURDIR)/book/_build/html/index.html"

test: setup
	python -m pytest -n 2 --dist loadgroup tests

unit: venv
	python -m pytest -n 2 -m "not e2e" tests

repro: venv
	dvc repro

bench: setup
	python benchmarks/bench_pipeline.py
	python benchmarks/bench_biblio.py
	python benchmarks/bench_network.py

lint: venv
	ruff check src tests benchmarks scripts
	ruff format --check src tests benchmarks scripts
	python -m pipeline dag --check
	python -m pytest -q tests/test_notebooks.py

clean:
	rm -rf book/_build book/generated metrics/findings
	dvc gc -w -f >/dev/null 2>&1 || true
