#!/usr/bin/env bash
# Debian's Chromium for the docs browser test (tests/docs/test_browser.py drives it with Playwright's Python API,
# pointed at /usr/bin/chromium: Playwright's own browser downloads cannot reach this network). Idempotent; a machine
# where the install fails only makes that one test skip, so a failure here is reported, not fatal. A CJK font makes the
# Chinese text of the pages (and the test's screenshot) readable instead of empty boxes.
set -uo pipefail
packages=(chromium fonts-wqy-microhei)
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/wqy ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "setup_browser: no apt-get; the browser test will be skipped" >&2
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"; }; then
    echo "setup_browser: installing chromium failed; the browser test will be skipped" >&2
fi
exit 0
