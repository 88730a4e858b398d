#!/usr/bin/env bash
# Sets up a working copy: a virtualenv with OpenPin (and, with --dev, the test tools),
# front-end assets from the npm registry (pinned by package-lock.json), and, with --dev,
# Debian's chromium for the browser tests when it is missing and we can install it.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[ "${1:-}" = "--dev" ] && dev=true
PYTHON=${PYTHON:-python3}

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "OpenPin needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if $dev; then
  .venv/bin/python -m pip install --quiet -e '.[dev]'
else
  .venv/bin/python -m pip install --quiet -e .
fi

if command -v npm >/dev/null 2>&1 && [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --silent --no-audit --no-fund
  fi
else
  echo "note: npm not found; the UI works without htmx (plain forms), but install Node.js for the full UI." >&2
fi

if $dev && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium not found; the browser tests will be skipped (install Debian's chromium to run them)." >&2
  fi
fi

# The inbox tests read replies from a real IMAP server: Debian's Dovecot, started per test run.
if $dev && [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's dovecot-imapd for the inbox tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
  else
    echo "note: dovecot not found; the IMAP tests will be skipped (install Debian's dovecot-imapd to run them)." >&2
  fi
fi
