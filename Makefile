# The two commands of the README, and what they need. Each target creates what it uses.
#   make run    build the bundled corpus into var/store and serve it on http://127.0.0.1:8000
#   make test   lint and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
STORE  ?= var/store
PORT   ?= 8000

.PHONY: run build serve test lint lock clean

run: build serve

# build exits 1 when some article was rejected but the rest published: that still serves.
build: $(STAMP)
	$(BIN)/newskg build --articles articles --store $(STORE) || [ $$? -eq 1 ]

serve: $(STAMP)
	$(BIN)/newskg serve --store $(STORE) --host 127.0.0.1 --port $(PORT)

test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

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

# Re-pin every dependency with its hashes after a change to pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra test --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
