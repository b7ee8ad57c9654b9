# The two commands of the Quick start: `make demo` and `make test`. Both work on a fresh
# machine: they create .venv and install everything the project and its tests need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= sitrep.duckdb
SHARED ?= ../shared

.PHONY: install demo test gate bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/sitrep ingest data/sample/wikinews/wikinews_2019.csv data/sample/wikinews/wikinews_2020.csv \
		$(wildcard $(SHARED)/corpora/seed/*.txt) --db $(DB)
	$(BIN)/sitrep docs --db $(DB) --limit 10
	$(BIN)/sitrep events --db $(DB) --limit 10
	@echo
	@echo "Store: $(DB). Try: $(BIN)/sitrep docs --db $(DB) --text Ukraine"
	@echo "Serve the API:  $(BIN)/sitrep serve --db $(DB)   then open http://127.0.0.1:8000/docs"

test: install
	$(BIN)/python -m pytest -q

gate: install
	$(BIN)/python -m pytest -q -m gate

bench: install
	$(BIN)/python benchmarks/run.py --shared $(SHARED)
	$(BIN)/python benchmarks/cost_model.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
