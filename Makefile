# Cordon — the two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PORT   ?= 8000

.PHONY: run test lint bench messages docs check-python clean deps chromium

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cordon needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv module is missing (on Debian/Ubuntu: apt install python3-venv)"; exit 1; }
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Cordon needs Node.js 18 or newer with npm"; exit 1; }
	@node -e 'process.exit(parseInt(process.versions.node) >= 18 ? 0 : 1)' || { echo "Cordon needs Node.js 18 or newer (found $$(node --version))"; exit 1; }

# Python dependencies, pinned with hashes in the lockfiles.
# setuptools, which installs the project itself (the `cordon` command), is pinned in the lockfile too.
$(BIN)/.installed-run: requirements.lock pyproject.toml | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(BIN)/.installed-dev: requirements-dev.lock $(BIN)/.installed-run
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

# Front-end packages from npm (htmx, ECharts), served by the app itself: no CDN at run time.
node_modules/.installed: package.json package-lock.json | check-python
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled translations (.mo) are built, not committed.
locale/zh_Hans/LC_MESSAGES/django.mo: locale/zh_Hans/LC_MESSAGES/django.po $(BIN)/.installed-run
	$(BIN)/pybabel compile --statistics -d locale -D django -l zh_Hans

deps: $(BIN)/.installed-run node_modules/.installed locale/zh_Hans/LC_MESSAGES/django.mo

run: deps
	CORDON_DEBUG=1 $(BIN)/cordon migrate
	CORDON_DEBUG=1 $(BIN)/cordon demo --if-empty
	CORDON_DEBUG=1 $(BIN)/cordon manage collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Cordon: http://127.0.0.1:$(PORT)/   demo logins: zhihui (commander), sjf_clerk, xw_clerk, sjf_guard, ..."
	@echo "        password for every demo login: tangerli2020"
	CORDON_DEBUG=1 $(BIN)/cordon serve --port $(PORT)

# Browser tests need Chromium and CJK fonts from Debian; installed here when missing and run as root.
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "note: /usr/bin/chromium or fonts-noto-cjk missing and not root: browser tests will be skipped"; fi; \
	fi

# Over every core (pytest-xdist); a browser module, and the tests of the seed town, each run whole on
# one test process (--dist loadgroup). PYTEST_WORKERS=0 runs in this process alone.
PYTEST_WORKERS ?= auto
test: deps $(BIN)/.installed-dev chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: deps $(BIN)/.installed-dev
	$(PY) bench/run.py $(BENCH)

# Redraw the documents read from the code: docs/cli.md and the house in docs/architecture.md.
docs: $(BIN)/.installed-run
	$(PY) tools/docs.py

# Re-extract the UI strings after changing templates or code (needs GNU gettext), then translate
# the new entries in locale/zh_Hans/LC_MESSAGES/django.po.
messages: $(BIN)/.installed-run
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore 'node_modules/*' --ignore '.venv/*' --ignore 'var/*'

clean:
	rm -rf $(VENV) node_modules var/static
