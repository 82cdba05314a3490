#!/usr/bin/env bash
# Debian's Chromium and the Noto CJK fonts for the site's browser test (tests/test_site_browser.py).
# Idempotent: when both are installed it only checks and exits in well under a second.
set -euo pipefail
source "$(dirname "$0")/apt_packages.sh"
install_missing 浏览器测试 chromium fonts-noto-cjk
command -v chromium >/dev/null 2>&1 || { echo "安装后仍找不到 chromium 命令。" >&2; exit 1; }
echo "浏览器测试环境已就绪：chromium、fonts-noto-cjk 均已安装。"
