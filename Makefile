# Samarbeidsportalen. `make run` starts the portal on the embedded default; `make test` runs
# the whole suite (on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium poppler-utils gettext docker-compose libharfbuzz-subset0

.PHONY: run test lint lock worker beat scheduler bench messages system-deps venv clean demo

venv: $(VENV)/.installed
# The lock file pins every package the suite passes with: make run, make test and CI install
# exactly these (reproducible). The portal runs from this folder; it is not installed.
$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.lock
	touch $@

# After changing the dependencies in pyproject.toml: resolve them anew and pin the result.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install -q -e '.[dev]'
	(sed -n 1,2p requirements.lock; .venv-lock/bin/pip freeze --exclude-editable \
	  | grep -v '^samarbeidsportalen') > requirements.lock.new && mv requirements.lock.new requirements.lock
	rm -rf .venv-lock

# System packages the browser, PDF and compose tests need (installed only when missing).
# libharfbuzz-subset0: without it WeasyPrint subsets fonts with fontTools, +0.25 s CPU per
# agreement PDF (issue #12).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	/sbin/ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0 ' || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

messages: venv
	$(PY) manage.py compilemessages -v0 --ignore=.venv

# E-mail links follow the address the portal runs on (make run PORT=8001), unless SITE_URL
# is set.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: venv
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_reference_data
	$(PY) manage.py make_dev_seal
	$(PY) manage.py seed_demo
	@echo "Portal: http://$(HOST):$(PORT)/  (reminder scheduler runs in the background)"
	@$(PY) manage.py run_scheduler --interval 300 > var/scheduler.log 2>&1 & \
	  trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

demo: venv
	$(PY) manage.py seed_demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run -v0

test: venv system-deps lint
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker: venv
	$(VENV)/bin/celery -A config worker -l info

beat: venv
	$(VENV)/bin/celery -A config beat -l info

scheduler: venv
	$(PY) manage.py run_scheduler

bench: venv system-deps
	@command -v wrk >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk >/dev/null)
	$(PY) -m bench.run

clean:
	rm -rf var staticfiles
