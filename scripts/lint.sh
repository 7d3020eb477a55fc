#!/usr/bin/env bash
# Static gates: lint, format, types (strict), architecture contracts.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff check"; .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== mypy (strict)"; .venv/bin/mypy src tests $( [ -d benchmarks ] && echo benchmarks )
echo "== import-linter"; .venv/bin/lint-imports
echo "== bandit (medium severity and above)"; .venv/bin/bandit -q -r src -c pyproject.toml -ll
# pip-audit asks PyPI's JSON API for advisories. Where only the package index is reachable it
# reports each package as "could not be audited" and passes; where the API is reachable, a known
# vulnerability fails the run.
echo "== pip-audit"
mkdir -p var
if ! .venv/bin/pip-audit --progress-spinner off -l > var/pip-audit.txt 2>&1; then
  cat var/pip-audit.txt; exit 1
fi
head -n 1 var/pip-audit.txt
