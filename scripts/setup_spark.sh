#!/usr/bin/env bash
# Java for Spark (make report ENGINE=spark, and the engine comparison test in make test): Debian's
# openjdk-17-jre-headless when no java 17 or newer is on PATH. `make report` (DuckDB) needs none of it.
# Idempotent: with a usable java it only checks and exits.
set -euo pipefail
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] 2>/dev/null; then
  echo "Spark 运行环境已就绪：Java $(java_major)。"
  exit 0
fi
source "$(dirname "$0")/apt_packages.sh"
if ! install_missing "Spark 引擎（Java 运行环境）" openjdk-17-jre-headless; then
  echo "未能安装 Java：请以 root 运行 apt-get install -y openjdk-17-jre-headless（或安装任一 Java 17 及以上版本并放入 PATH），再运行 make report ENGINE=spark。" >&2
  exit 1
fi
command -v java >/dev/null 2>&1 || { echo "安装后仍找不到 java 命令：请检查 PATH 或设置 JAVA_HOME。" >&2; exit 1; }
echo "Spark 运行环境已就绪：Java $(java_major)。"
