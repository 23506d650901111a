# make site: build the example handbook into site/.  make test: run the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/cssite build

test: $(STAMP)
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/cssite serve --lang en

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/kpi_bench.py
	$(BIN)/python bench/build_bench.py
	$(BIN)/python bench/scale_bench.py
	$(BIN)/python bench/serve_bench.py
	$(BIN)/python bench/chart_bench.py

clean:
	rm -rf site .cssite-cache build *.egg-info
