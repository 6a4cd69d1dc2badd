# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PLUGINS := $(sort $(dir $(wildcard plugins/*/setup.cfg)))
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export NTTLEARN_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test test-sqlite test-postgres install lint audit style typecheck translations clean chromium node ralph bench screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Editable installs of the core and every plugin (re-run when a setup.cfg changes, or the API
# version in nttlearn/api.py, which is the core distribution's version).
$(VENV)/.installed: $(BIN)/python setup.cfg nttlearn/api.py $(wildcard plugins/*/setup.cfg)
	$(BIN)/pip install --quiet -e '.[test]' $(foreach p,$(PLUGINS),-e $(p))
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@$(BIN)/python -m nttlearn.i18n compile

# The demo's certificate and e-mails name the address this serves, unless NTTLEARN_BASE_URL is set.
run: export NTTLEARN_BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: install
	$(BIN)/nttlearn init
	$(BIN)/nttlearn demo
	@echo
	@echo "nttlearn is running on http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	$(BIN)/nttlearn run --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# The certificates' interoperability tests verify credentials with Node.js and the npm packages
# pinned in $(INTEROP)/package-lock.json (`npm ci`, re-run only when the lock file changes); the
# single sign-on tests log in at a real OpenID provider pinned in $(OIDC)/package-lock.json.
INTEROP := plugins/certificates/tests/interop
OIDC := tests/oidc

node:
	@if ! { command -v node && command -v npm; } >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null || true; fi
	@if { command -v node && command -v npm; } >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(INTEROP)/node_modules/.package-lock.json $(OIDC)/node_modules/.package-lock.json; \
	else \
	  echo "SKIPPED: the certificates' interoperability tests: Node.js and npm are not installed (apt-get install nodejs npm)."; \
	  echo "SKIPPED: the single sign-on tests against a real OpenID provider: Node.js and npm are not installed (apt-get install nodejs npm)."; \
	fi

$(INTEROP)/node_modules/.package-lock.json: $(INTEROP)/package-lock.json $(INTEROP)/package.json
	cd $(INTEROP) && npm ci --no-audit --no-fund

$(OIDC)/node_modules/.package-lock.json: $(OIDC)/package-lock.json $(OIDC)/package.json
	cd $(OIDC) && npm ci --no-audit --no-fund

# The xAPI plugin's tests send statements to a real Learning Record Store: Ralph, in a virtualenv of
# its own (its pinned dependencies are not ours), made once and again when this Makefile changes.
RALPH_VENV := .venv-ralph
RALPH_VERSION := 5.1.0

ralph: $(RALPH_VENV)/.installed

# Ralph 5.1's LRS extra leaves out requests, which its API imports (ralph.api.auth.oidc).
$(RALPH_VENV)/.installed: Makefile
	@rm -rf $(RALPH_VENV)
	@if $(PYTHON) -m venv $(RALPH_VENV) && \
	  $(RALPH_VENV)/bin/pip install --quiet 'ralph-malph[cli,lrs]==$(RALPH_VERSION)' 'requests==2.32.3'; then \
	  touch $@; \
	else \
	  rm -rf $(RALPH_VENV); \
	  echo "SKIPPED: the xAPI tests against a real LRS: ralph-malph $(RALPH_VERSION) could not be installed into $(RALPH_VENV)."; \
	fi

test: install chromium node ralph audit style typecheck test-sqlite test-postgres

# pytest-xdist runs the suite on every core (TEST_WORKERS=0 runs it in this process); browser tests share
# one worker, the tests of a module that share a database another (nttlearn.testing).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

test-sqlite:
	@echo "== Test suite on SQLite"
	NTTLEARN_STRICT_PLUGINS=1 $(PYTEST)

test-postgres:
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('host=127.0.0.1 port=5432 dbname=test user=postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== Test suite on PostgreSQL ($(PG_URL))"; \
	  NTTLEARN_STRICT_PLUGINS=1 NTTLEARN_TEST_DATABASE_URL=$(PG_URL) $(PYTEST) -m "not e2e"; \
	else \
	  echo "SKIPPED: PostgreSQL pass: no server on 127.0.0.1:5432 (database test). Start PostgreSQL to run it."; \
	fi

lint: install audit style typecheck

# ruff's lint rules and its formatter (pyproject.toml): checked here, applied with `ruff format .`.
style: install
	@echo "== ruff (lint rules and format)"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

# The plugin API's type hints, and the plugins listed in pyproject.toml's [tool.mypy] against them.
typecheck: install
	@echo "== mypy (nttlearn.api and the plugins that call it)"
	@$(BIN)/mypy

# Security checks: bandit fails on high-severity findings (reviewed medium ones: pyproject.toml);
# pip-audit fails on a dependency with a known vulnerability that security/pip-audit-allow.txt does
# not list, and says so in a line when the vulnerability database cannot be reached.
audit: install
	@echo "== bandit (high severity)"
	@$(BIN)/bandit -q -c pyproject.toml -r nttlearn plugins --severity-level high
	@echo "== pip-audit"
	@ignores="$$(grep -o '^[A-Za-z0-9-]\+' security/pip-audit-allow.txt | sed 's/^/--ignore-vuln /' | tr '\n' ' ')"; \
	if $(BIN)/pip-audit --skip-editable --progress-spinner off -s osv $$ignores > $(VENV)/pip-audit.log 2>&1; then \
	  echo "pip-audit: no known vulnerabilities in the installed dependencies"; \
	elif grep -q -E "ConnectionError|NameResolutionError|Max retries exceeded|timed out" $(VENV)/pip-audit.log; then \
	  echo "SKIPPED: pip-audit: the vulnerability database (api.osv.dev) is not reachable from this machine"; \
	else cat $(VENV)/pip-audit.log; exit 1; fi

bench: install
	$(BIN)/python bench/pages.py

# PNGs of the main pages for each demo role at 1280 and 360 px, in screenshots/ (see bench/screenshots.py).
screenshots: install chromium
	$(BIN)/python bench/screenshots.py $(ARGS)

clean:
	rm -rf $(VENV) $(RALPH_VENV) instance .pytest_cache
