#!/usr/bin/env bash
# Debian's chromium-driver for the submission desk's browser tests (tests/test_desk_browser.py, driven by
# selenium), after scripts/setup_browser.sh (chromium, fonts-noto-cjk). Idempotent like it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup_browser.sh"
source "$here/apt_packages.sh"
install_missing 报送平台浏览器测试 chromium-driver
command -v chromedriver >/dev/null 2>&1 || { echo "安装后仍找不到 chromedriver 命令。" >&2; exit 1; }
echo "浏览器驱动已就绪：chromium-driver 已安装。"
