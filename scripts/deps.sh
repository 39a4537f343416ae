#!/bin/sh
# deps.sh — install the Debian packages ruru needs, and only those missing.
#
#   scripts/deps.sh [build|check|bench|all]     (default: check)
#
# As root it runs apt-get (with `apt-get update` first when a package is not
# known to apt yet); otherwise it prints the exact command to run and fails.
# Nothing is downloaded from anywhere but the Debian archive.
set -eu

set_for() {
	case "$1" in
	build) echo "gcc make pkg-config libc6-dev libjansson-dev nettle-dev zlib1g-dev patch diffutils libsqlite3-dev openssh-client libcmark-gfm-dev libcmark-gfm-extensions-dev libmicrohttpd-dev" ;;
	check) echo "$(set_for build) libcmocka-dev bats python3 util-linux tmux jq python3-markdown-it python3-yaml cmark-gfm git tidy valgrind chromium fonts-noto-color-emoji" ;;
	bench) echo "$(set_for build) hyperfine libtomlplusplus-dev g++ python3 time valgrind ripgrep strace" ;;
	all)   echo "$(set_for check) $(set_for bench) clang libclang-rt-14-dev valgrind" ;;
	*)     echo "usage: scripts/deps.sh [build|check|bench|all]" >&2; exit 2 ;;
	esac
}

wanted=$(set_for "${1:-check}")
missing=""
for p in $wanted; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "ruru: missing Debian packages:$missing" >&2
	echo "ruru: run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "scripts/deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Update the package lists first when any package is unknown to apt.
for p in $missing; do
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		apt-get update -q >&2
		break
	fi
done
if ! $cmd >&2; then
	apt-get update -q >&2
	$cmd >&2
fi
