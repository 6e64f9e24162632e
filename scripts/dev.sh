#!/usr/bin/env bash
# Set up once, then run:   bash scripts/dev.sh serve [--port P]
#                          bash scripts/dev.sh test [pytest arguments]
# The first run makes .venv and installs the project into it; later runs
# reinstall only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/palace-usage ] || [ pyproject.toml -nt .venv/.installed ]; then
  echo "setting up .venv (first run only)..." >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[test]'
  touch .venv/.installed
fi

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  serve)
    exec .venv/bin/palace-usage serve "$@"
    ;;
  test)
    # The browser tests drive Debian's Chromium; install it when we may.
    if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing Debian's chromium for the browser tests..." >&2
      apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    fi
    exec .venv/bin/pytest "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh serve|test [arguments]" >&2
    exit 2
    ;;
esac
