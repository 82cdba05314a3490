#!/usr/bin/env bash
# Debian's chromium-driver for the submission desk's browser tests (tests/test_desk_browser.py, driven by
# selenium). Idempotent like scripts/setup_browser.sh, which it runs first (chromium, fonts-noto-cjk):
# when the driver is installed it only checks and exits at once; otherwise apt-get installs it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup_browser.sh"

if command -v chromedriver >/dev/null 2>&1; then
  echo "浏览器驱动已就绪：chromium-driver 已安装。"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "需要安装 chromium-driver，但当前不是 root 且没有 sudo：请以 root 运行 apt-get install -y chromium-driver。" >&2
    exit 1
  fi
fi

echo "安装报送平台浏览器测试所需的软件包：chromium-driver"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends chromium-driver || {
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium-driver
}
command -v chromedriver >/dev/null 2>&1 || { echo "安装后仍找不到 chromedriver 命令。" >&2; exit 1; }
echo "浏览器驱动已就绪。"
