# Two commands: `make run` sets everything up and serves the demo; `make test` sets everything up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install demo-data browser clean

# A worker runs the background tasks (a round's letters) beside the web server, and stops with it. It is the only
# worker here, so any task still marked running lost its worker when `make run` last stopped: it is queued again.
run: install demo-data
	DEBUG=1 $(BIN)/python manage.py recover_stale_tasks --older-than 0
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

install: $(VENV)/.installed node_modules/.installed frontend/static/css/app.css

demo-data: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

frontend/static/css/app.css: frontend/scss/app.scss node_modules/.installed
	npm run --silent build:css

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own here.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium. Install it with: sudo apt-get install chromium"; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) node_modules frontend/static/css staticfiles db.sqlite3
