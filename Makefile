# Cần Thơ policy analysis workbook. `make` alone lists the rules.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
LANGS ?= vi,en

.DEFAULT_GOAL := help
.PHONY: help setup reports test lab benchmark clean

help: ## list the rules
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP) ## create .venv and install the package with its dependencies

reports: setup ## produce every report from the bundled data into reports/
	$(BIN)/cantho-analysis validate
	$(BIN)/cantho-analysis reports --out reports --jobs $(JOBS) --lang $(LANGS)

test: setup ## run the whole test suite: pytest plus nbval on every notebook
	$(BIN)/python -m ruff check --select F,E9 src tests tools benchmarks
	$(BIN)/python -m pytest -q tests
	$(BIN)/python -m pytest -q --nbval-lax -p no:cacheprovider notebooks

lab: setup ## open JupyterLab on the explorer notebook
	$(BIN)/jupyter lab notebooks/explorer.ipynb

benchmark: setup ## time the batch against a naive papermill loop, and the models
	$(BIN)/python benchmarks/run_all.py

clean: ## remove the generated reports (the reports link and the builds folder beside it)
	@if [ -d reports ] && [ ! -L reports ]; then \
	  echo "reports/ is a real folder, not a report set made by cantho-analysis: move or delete it yourself"; exit 1; fi
	rm -rf reports .reports.builds .reports.link-*
