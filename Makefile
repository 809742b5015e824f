# The two commands of the README, and what they need. Each target creates what it uses.
#   make run    build the bundled corpus into var/store and serve it on http://127.0.0.1:8000
#   make test   lint and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= var/store
PORT   ?= 8000
# The query page's YASGUI (npm, pinned by package-lock.json), copied where Flask serves it.
YASGUI_DIR   := src/newskg/web/static/vendor/yasgui
YASGUI_STAMP := $(YASGUI_DIR)/.installed

.PHONY: run build serve test lint lock clean assets eval

run: build serve

# build exits 1 when some article was rejected but the rest published: that still serves.
# NEWSKG_PORT: the IRIs are minted for the port `serve` listens on (the base IRI's default).
build: $(STAMP)
	NEWSKG_PORT=$(PORT) $(BIN)/newskg build --articles articles --store $(STORE) || [ $$? -eq 1 ]

serve: $(STAMP) assets
	$(BIN)/newskg serve --store $(STORE) --host 127.0.0.1 --port $(PORT)

test: $(STAMP) assets lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Score extraction and the reader on every evaluation set (issue #13's targets met or missed,
# per set and layer). Needs ../shared/eval beside the checkout (the sets are not in the repo).
eval: $(STAMP)
	$(BIN)/newskg eval --sets ../shared/eval

# The virtualenv, from the hash-pinned lock (spaCy's model included), then newskg itself.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "newskg needs Python 3.11 or newer: set PYTHON=python3.11"; exit 2; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    apt-get update -qq && apt-get install -y -qq python3-venv; } || \
	  { echo "Python's venv module is missing: install python3-venv"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# YASGUI for the query page at /sparql. Optional: without npm, or offline, this only warns and
# /sparql serves its plain HTML form; the next make tries again. --ignore-scripts: only the
# built files are used, no package needs to run anything.
assets: $(YASGUI_STAMP)

$(YASGUI_STAMP): package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: /sparql serves the plain query form (install Node.js for YASGUI)"; \
	elif npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
	    --fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 && \
	  mkdir -p $(YASGUI_DIR) && \
	  cp node_modules/@zazuko/yasgui/build/yasgui.min.js \
	     node_modules/@zazuko/yasgui/build/yasgui.min.js.map \
	     node_modules/@zazuko/yasgui/build/yasgui.min.css $(YASGUI_DIR)/; then \
	  touch $@; \
	else \
	  echo "npm install failed (offline?): /sparql serves the plain query form"; \
	fi

# Re-pin every dependency with its hashes after a change to pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra test --extra dask \
	  --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock \
	  pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules $(YASGUI_DIR)
