# Shouwang: `make demo` serves the demo, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=cms.settings.test

.PHONY: demo test install system-deps cluster-deps cluster-check lint format messages check-messages run worker bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	@echo "H5P player on http://localhost:8000 (its own origin, as in production: open the site at 127.0.0.1)"
	$(PY) manage.py runserver 127.0.0.1:8000

run: install
	$(PY) manage.py runserver 127.0.0.1:8000

# The background worker against the configured database (DATABASE_URL), with the
# database task backend whatever TASKS_BACKEND says (production's default): tasks
# queued by `make run` with TASKS_BACKEND=database, or by production, run here.
# WORKER_ID names it (the machine's name); what it left running last time is
# queued again first. Stop with Ctrl+C: it finishes the task in hand.
WORKER_ID ?= $(shell hostname)
worker: install
	TASKS_BACKEND=database $(PY) manage.py requeue_tasks --worker $(WORKER_ID)
	TASKS_BACKEND=database $(PY) manage.py db_worker --worker-id $(WORKER_ID)

# Debian's Chromium for browser tests and a CJK font; installed when missing and root.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Chromium and CJK fonts from Debian"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium fonts-wqy-microhei'"; \
	  fi; \
	fi

# nginx, PostgreSQL's server binaries and Redis for `make cluster-check`; installed
# from Debian when missing and root. Debian's own services are not started here
# (the check starts its own copies on spare ports).
cluster-deps:
	@missing=""; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing$$missing from Debian"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing:$$missing. Run 'sudo apt-get install$$missing'"; exit 1; \
	  fi; \
	fi

# The production set-up on this machine (docs/deployment.md "Cluster check"): its
# own PostgreSQL and Redis on spare ports (CLUSTER_CHECK_PORT_BASE, 8161-8165),
# nginx in front of two gunicorns and a task worker; 1,000 trainees scan while an
# app server is killed and PostgreSQL restarts; then the worker issues their
# qualifications. Ends with one line: scans, rows, lost, duplicate, issued.
cluster-check: install cluster-deps
	PATH="$$PATH:/usr/sbin" $(PY) scripts/cluster_check.py

test: install system-deps
	$(TEST_SETTINGS) $(PY) manage.py check
	$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract strings into locale/*/django.po and compile them (needs GNU gettext).
# locale_wagtail/ (Wagtail strings its own catalogue lacks) is edited by hand and
# compiled here too.
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i ".venv/*" -i "tests/*" -i "static/vendor/*"
	$(PY) manage.py compilemessages -i ".venv"

bench: install
	@# Shouwang beside a trivial view, then the wagtail-lms peer, then both side by side.
	@# BENCH_REQUESTS (2000), BENCH_SECONDS (30), BENCH_DATABASE_URL (SQLite in /tmp).
	$(PY) bench/run.py
	bench/peer.sh
	$(PY) bench/run.py --compare
	$(PY) bench/quiz_import.py
	@# Drill check-in burst: 1,000 trainees, 50 at a time, PostgreSQL (its own
	@# database, BENCH_CHECKIN_DATABASE_URL, created and dropped) and Redis.
	$(PY) bench/checkin.py
	@# Roster: 100,000 people, 400,000 records, one station beside hand-written SQL,
	@# full CSV/XLSX export (its own database, BENCH_ROSTER_DATABASE_URL).
	$(PY) bench/roster.py
	@# Points: /points/ of a station with 2,000 points and 100,000 people beside
	@# hand-written SQL (its own database, BENCH_POINTS_DATABASE_URL).
	$(PY) bench/points.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
