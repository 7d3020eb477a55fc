# The two commands of the README: `make demo` and `make test`. Everything they need is installed
# from the lock files (uv.lock, package-lock.json) on first use and reused afterwards.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test setup frontend lint clean-demo

demo: setup
	.venv/bin/safeguard demo

test: setup
	bash scripts/test.sh

setup: .venv/.synced frontend

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: var/frontend/css/app.css

var/frontend/css/app.css: node_modules/.installed src/safeguard/site/frontend/app.scss
	npm run --silent build

lint: setup
	bash scripts/lint.sh

clean-demo:
	rm -f var/safeguard.sqlite3 var/safeguard.sqlite3-wal var/safeguard.sqlite3-shm var/audit-checkpoint.json
