#!/usr/bin/env bash
# Every check: static gates, the test suite on SQLite (with the browser tests in Debian's
# Chromium) and again on a real PostgreSQL. In CI (CI=true) PostgreSQL and the browser are
# required; elsewhere a missing one is reported loudly and the rest still runs.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
status=0
in_ci=${CI:-false}

bash scripts/lint.sh || status=1

browser_args=()
if bash scripts/ensure-chromium.sh; then
  :
elif [ "$in_ci" = "true" ]; then
  echo "FAIL: Debian chromium is required in CI for the browser tests" >&2; status=1
else
  echo "WARNING: /usr/bin/chromium is missing: BROWSER TESTS ARE NOT RUN" >&2
  browser_args=(-m "not browser")
fi

echo "== pytest on SQLite"
.venv/bin/pytest -q -p no:cacheprovider "${browser_args[@]}" || status=1

if url=$(bash scripts/ensure-postgres.sh safeguard); then
  echo "== pytest on PostgreSQL"
  DATABASE_URL="$url" .venv/bin/pytest -q -p no:cacheprovider -m "not browser" || status=1
elif [ "$in_ci" = "true" ]; then
  echo "FAIL: PostgreSQL is required in CI" >&2; status=1
else
  echo "WARNING: no PostgreSQL available: THE POSTGRESQL TEST RUN WAS SKIPPED" >&2
fi

echo "make test finished in $(( $(date +%s) - started ))s with status $status"
exit $status
