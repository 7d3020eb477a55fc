#!/usr/bin/env bash
# Make sure a local PostgreSQL is running and print a DATABASE_URL the tests can use.
# The machine's own server normally runs with trust auth on 127.0.0.1:5432. If it is not running
# we start it; a server started by hand uses Debian's peer auth, so then we connect over the
# Unix socket as a superuser role named after the current OS user (created if missing).
set -uo pipefail
DB=${1:-safeguard}
log() { echo "ensure-postgres: $*" >&2; }

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
  if [ -z "$version" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      log "installing PostgreSQL"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
    fi
  fi
  if [ -z "$version" ]; then log "PostgreSQL is not installed"; exit 1; fi
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if psql "postgresql://postgres@127.0.0.1:5432/postgres" -tAc "select 1" >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:5432/${DB}"
  exit 0
fi
me=$(id -un)
if [ "$(id -u)" = "0" ]; then
  runuser -u postgres -- psql -tAc "select 1 from pg_roles where rolname='${me}'" | grep -q 1 ||
    runuser -u postgres -- psql -qc "create role \"${me}\" superuser login" >&2
fi
if psql "postgresql:///postgres?host=/var/run/postgresql" -tAc "select 1" >/dev/null 2>&1; then
  echo "postgres:///${DB}?host=/var/run/postgresql"
  exit 0
fi
log "PostgreSQL is running but no role can connect"
exit 1
