#!/usr/bin/env bash
# Install odaudit with its test dependencies and run the whole test suite.
# The HTML report is checked in a real headless browser: Debian's chromium package
# (installed here with apt-get when missing and we are root; never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m pytest -q "$@"
