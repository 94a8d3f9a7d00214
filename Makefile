PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# `make run PORT=8001`: the development server's port; the links in mail follow it
PORT ?= 8000

.PHONY: run test lint format venv migrate demo bench screenshots

# `make bench BENCH_ARGS="--only http,population"` runs part of it (bench/run.py says how)
BENCH_ARGS ?=

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	TMVERIFY_SITE_URL=$${TMVERIFY_SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: venv
	$(PY) -m pytest

# the key pages at 1280 and 390 px, as PNGs in docs/screenshots/ (Chromium, as the browser tests)
screenshots: venv
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(PY) -m pytest -q -p no:cacheprovider tests/browser/screenshots.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: venv
	$(VENV)/bin/pip install --quiet gunicorn==27.0.1
	command -v wrk >/dev/null || apt-get install -y wrk
	test -x /usr/bin/time || apt-get install -y time
	command -v valgrind >/dev/null || apt-get install -y valgrind
	command -v redis-server >/dev/null || apt-get install -y redis-server
	$(PY) -m bench.run $(BENCH_ARGS)
