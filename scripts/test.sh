#!/usr/bin/env bash
# Install odaudit with its test dependencies and run the whole test suite.
# The HTML report is checked in a real headless browser: Debian's chromium package
# (installed here with apt-get when missing and we are root; never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

# openssl makes the throwaway certificate of the HTTPS transport tests.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m pytest -q "$@"
