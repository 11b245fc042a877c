# paperscope: `make run` installs and starts the main job, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
export PAPERSCOPE_DB ?= $(CURDIR)/var/paperscope.db

.PHONY: install run test lint bench-import lock clean

install: $(VENV)/.installed

# Exact versions of every dependency come from constraints.txt (see `make lock`).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

# The main job until the web service lands: load the sample data from ../shared
# (the two Hugging Face pages and 200 arXiv records) and print what is there.
run: install
	$(BIN)/paperscope import $(SHARED)/seeds/*.txt $(SHARED)/data/arxiv/arxiv-metadata-oai-snapshot.sample.jsonl
	$(BIN)/paperscope stats

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# 1M synthetic arXiv records imported into a fresh database; see bench/README.md.
bench-import: install
	$(BIN)/python bench/import_speed.py

# Re-pin: resolve the direct dependencies in pyproject.toml afresh and record
# every installed version.
lock:
	rm -rf /tmp/paperscope-lock && $(PYTHON) -m venv /tmp/paperscope-lock
	/tmp/paperscope-lock/bin/pip install --quiet -e '.[test]'
	/tmp/paperscope-lock/bin/pip freeze --exclude-editable | grep -v '^paperscope' > constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache
