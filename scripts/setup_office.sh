#!/usr/bin/env bash
# Debian's LibreOffice (writer and calc, without the GUI), poppler's pdftotext/pdftoppm and the Noto CJK
# fonts: what turns the bulletin's DOCX and the workbooks into PDF and what the tests read PDFs back with.
# Idempotent: when all are installed it only checks and exits in well under a second.
set -euo pipefail
source "$(dirname "$0")/apt_packages.sh"
install_missing 文档转换 libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk
command -v soffice >/dev/null 2>&1 || { echo "安装后仍找不到 soffice 命令。" >&2; exit 1; }
echo "文档转换环境已就绪：LibreOffice（writer、calc）、poppler-utils、fonts-noto-cjk 均已安装。"
