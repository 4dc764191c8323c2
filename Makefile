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
.PHONY: help setup reports test lab benchmark screenshots clean

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
	$(BIN)/python -m pytest -q -n0 --nbval-lax -p no:cacheprovider notebooks

# As root (containers) JupyterLab needs --allow-root; without a display it must not try to open a
# browser (it prints the address with its token instead). LAB_ARGS adds options, e.g. LAB_ARGS=--port=8899.
LAB_FLAGS = $(if $(filter 0,$(shell id -u)),--allow-root) $(if $(filter Linux,$(shell uname -s)),$(if $(DISPLAY)$(WAYLAND_DISPLAY),,--no-browser))
lab: setup ## open JupyterLab on the explorer notebook (works as root and on a headless machine)
	$(BIN)/jupyter lab $(LAB_FLAGS) $(LAB_ARGS) notebooks/explorer.ipynb

benchmark: setup ## time the batch against a naive papermill loop, and the models
	$(BIN)/python benchmarks/run_all.py

# Not part of `make test`: needs Chromium (apt-get install chromium). Reuses reports/ when it has the
# pages, else builds them with --only; SCREENSHOT_ARGS passes options (e.g. --reports /tmp/set --height 3000).
screenshots: setup ## headless Chromium screenshots of the index, overview, feasibility and five indicator pages into screenshots/
	$(BIN)/python tools/screenshots.py $(SCREENSHOT_ARGS)

clean: ## remove the generated reports (the reports link and the builds folder beside it)
	@if [ -d reports ] && [ ! -L reports ]; then \
	  echo "reports/ is a real folder, not a report set made by cantho-analysis: move or delete it yourself"; exit 1; fi
	rm -rf reports .reports.builds .reports.link-*
