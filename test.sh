#!/usr/bin/env bash
# Installs everything the tests need, then runs the whole suite: unit, AppTest and
# real-browser tests. Extra arguments go to pytest (e.g. ./test.sh -k store).
set -euo pipefail
cd "$(dirname "$0")"

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# System programs the tests drive for real: Debian's Chromium (browser tests),
# LibreOffice (the workbook must open there) with poppler-utils (its printed pages read
# back: pdftotext, pdffonts), PostgreSQL (the store's second backend) and nginx (the
# hosting test: app processes behind it, sharing PostgreSQL).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v libreoffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Not installed: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
    echo "Without them the tests that need them are skipped (and fail when CI=true)." >&2
  fi
fi

# Extra arguments: one pytest run with them (e.g. ./test.sh -k store), nothing more.
if [ $# -gt 0 ]; then
  exec python3 -m pytest "$@"
fi

# Lint (ruff.toml) first: a mistake pyflakes can see is cheaper to find than a failing test ...
python3 -m ruff check .
python3 -m ruff format --check .
# ... then the whole suite on SQLite (the default store), browser tests included ...
python3 -m pytest
# ... then every test but the browser ones again with PostgreSQL as the app's store
# (a throwaway cluster the tests start). CI=true makes a missing PostgreSQL an error.
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || [ "${CI:-}" = true ]; then
  echo "Again with PostgreSQL as the store ..."
  COMMISSIONING_TEST_DATABASE=postgresql python3 -m pytest --ignore=tests/e2e
else
  echo "PostgreSQL is not installed: the suite ran on SQLite only." >&2
fi
