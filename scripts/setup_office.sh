#!/usr/bin/env bash
# Debian's LibreOffice (writer and calc, without the GUI), poppler's pdftotext/pdftoppm and the Noto CJK
# fonts: what turns the bulletin's DOCX and the workbooks into PDF and what the tests read PDFs back with.
# Idempotent: when all are installed it only checks and exits in well under a second; otherwise it
# runs apt-get update once and installs what is missing. Needs root (or sudo) and Debian's mirror.
set -euo pipefail

missing=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for package in libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk; do
  installed "$package" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "文档转换环境已就绪：LibreOffice（writer、calc）、poppler-utils、fonts-noto-cjk 均已安装。"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "需要安装 ${missing[*]}，但当前不是 root 且没有 sudo：请以 root 运行 apt-get install -y ${missing[*]}。" >&2
    exit 1
  fi
fi

echo "安装文档转换所需的软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
command -v soffice >/dev/null 2>&1 || { echo "安装后仍找不到 soffice 命令。" >&2; exit 1; }
echo "文档转换环境已就绪。"
