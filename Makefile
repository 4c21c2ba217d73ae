# Local targets run on the embedded defaults (SQLite + filesystem broker under var/).
# Set DATABASE_URL / CELERY_BROKER_URL / REDIS_URL to use PostgreSQL and Redis instead.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test quick lint format bench messages install clean backup restore screenshots

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo
	@echo "  vanke_crm: http://$(HOST):$(PORT)/   API docs: http://$(HOST):$(PORT)/api/docs/   Ctrl-C stops web, worker and beat"
	@echo
	HOST=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# The inner loop: the suite without the browser tests, on the embedded defaults (PostgreSQL-only
# tests skip themselves). `make test` stays the gate.
quick: install
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(PY) -m pytest -q -m "not browser"

# make bench ONLY=complaints runs one app's bench (complaints, customers, touchpoints, surveys, membership, repairs, defects).
# make bench ONLY=http: throughput over HTTP against gunicorn (PostgreSQL only; bench/http.py).
bench: install
	$(PY) bench/run.py $(ONLY)

# PNGs of every main page per demo user at 1366 and 390 px in var/screenshots/ (a throwaway demo
# database; needs Chromium and fonts-noto-cjk), with what the accessibility test would report.
screenshots: install
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(PY) tests/browser/screenshots.py $(if $(ONLY),--only $(ONLY))

backup: install
	$(PY) manage.py backup

# make restore FILE=var/backups/vanke_crm-20261122-101500.sqlite3
restore: install
	$(PY) manage.py restore "$(FILE)"

# Re-extract the zh-hans catalogue after changing strings, translate, then compile.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var
