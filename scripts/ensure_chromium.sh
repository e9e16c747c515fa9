#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when missing (needs root and apt).
set -euo pipefail
chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$chromium_path" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests (about a minute, once)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "The browser tests need Chromium at $chromium_path." >&2
  echo "Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)." >&2
  exit 1
fi
