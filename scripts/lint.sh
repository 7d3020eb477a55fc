#!/usr/bin/env bash
# Static gates: lint, format, types (strict), architecture contracts.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff check"; .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== mypy (strict)"; .venv/bin/mypy src tests $( [ -d benchmarks ] && echo benchmarks )
echo "== import-linter"; .venv/bin/lint-imports
