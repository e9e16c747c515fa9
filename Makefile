# Two commands for a new user: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
TEST_DATABASE_URL := $(if $(DATABASE_URL),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/)

.PHONY: run test install lint format

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# XStatic-Bootstrap's sdist still imports pkg_resources, which newer setuptools dropped.
	$(PIP) install --quiet "setuptools==80.9.0"
	$(PIP) install --quiet --no-build-isolation XStatic-Bootstrap==5.3.8.0
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py load_demo_content
	# The web server and the job worker together (scripts/run_site.py); Ctrl-C stops both.
	DJANGO_DEBUG=true $(PY) scripts/run_site.py $(PORT)

# The whole suite on PostgreSQL (never SQLite), with production-like settings:
# debug off, a throwaway secret, and HTTP allowed so the test client can connect.
# The browser tests run in their own pytest process (see tests/browser/conftest.py).
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=test-only-secret-key-used-by-make-test-never-in-production \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false HUEY_IMMEDIATE=true

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) scripts/check_database.py
	$(TEST_ENV) $(VENV)/bin/pytest --ignore=tests/browser $(PYTEST_ARGS)
	scripts/ensure_chromium.sh
	$(TEST_ENV) $(VENV)/bin/pytest tests/browser $(BROWSER_PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
