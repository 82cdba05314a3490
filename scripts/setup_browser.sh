#!/usr/bin/env bash
# Debian's Chromium and the Noto CJK fonts for the site's browser test (tests/test_site_browser.py).
# Idempotent: when both are installed it only checks and exits in well under a second; otherwise it
# runs apt-get update once and installs what is missing. Needs root (or sudo) and Debian's mirror.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -eq 0 ]; then
  echo "浏览器测试环境已就绪：chromium、fonts-noto-cjk 均已安装。"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "需要安装 ${missing[*]}，但当前不是 root 且没有 sudo：请以 root 运行 apt-get install -y ${missing[*]}。" >&2
    exit 1
  fi
fi

echo "安装浏览器测试所需的软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
command -v chromium >/dev/null 2>&1 || { echo "安装后仍找不到 chromium 命令。" >&2; exit 1; }
echo "浏览器测试环境已就绪。"
