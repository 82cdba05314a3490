# Sourced by the scripts/setup_*.sh: install_missing <what for, in Chinese> <package>... installs the
# Debian packages not yet installed, with one apt-get update, as root or through sudo; it returns at
# once when every package is there. Needs Debian's mirror.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

install_missing() {
  local purpose="$1"; shift
  local missing=() package
  for package in "$@"; do installed "$package" || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "需要安装 ${missing[*]}，但当前不是 root 且没有 sudo：请以 root 运行 apt-get install -y ${missing[*]}。" >&2
      return 1
    fi
  fi
  echo "安装${purpose}所需的软件包：${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
