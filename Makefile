# The two commands of the Quick start: `make demo` and `make test`. Both work on a fresh
# machine: they create .venv and install everything the project and its tests need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= sitrep.duckdb
SHARED ?= ../shared

.PHONY: install chromium demo test gate bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) chromium

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium) || \
		echo "warning: could not install chromium with apt; the browser tests will be skipped"

demo: install
	$(BIN)/sitrep ingest data/sample/wikinews/wikinews_2019.csv data/sample/wikinews/wikinews_2020.csv \
		$(wildcard $(SHARED)/corpora/seed/*.txt) --db $(DB)
	$(BIN)/sitrep docs --db $(DB) --limit 10
	$(BIN)/sitrep events --db $(DB) --limit 10
	$(BIN)/sitrep timeline --db $(DB) --by month --group quad
	$(BIN)/sitrep stories --db $(DB) --min-docs 2 --limit 10
	@echo
	@echo "Store: $(DB). Try: $(BIN)/sitrep docs --db $(DB) --text Ukraine"
	@echo "Open the dashboard:"
	@echo "    $(BIN)/sitrep serve --db $(DB)"
	@echo "    then open http://127.0.0.1:8000/"

test: install
	$(BIN)/python -m pytest -q

gate: install
	$(BIN)/python -m pytest -q -m gate

bench: install
	$(BIN)/python benchmarks/run.py --shared $(SHARED)
	$(BIN)/python benchmarks/cost_model.py

# Longer fuzzing of the HTML and text paths (atheris); crashes land in .fuzz/crash-*.
FUZZ_SECONDS ?= 300
fuzz: install
	mkdir -p .fuzz/html .fuzz/text
	cp -n fuzz/corpus/html/* .fuzz/html/ ; cp -n fuzz/corpus/text/* .fuzz/text/
	$(BIN)/python fuzz/fuzz_html.py .fuzz/html -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=.fuzz/
	$(BIN)/python fuzz/fuzz_text.py .fuzz/text -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=.fuzz/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .fuzz
