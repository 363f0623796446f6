#!/bin/sh
# Rebuilds every corpus object: test/corpus/c/*.c -> test/corpus/obj/*.o.
# Needs clang (any of clang, clang-14) and the kernel UAPI and libbpf headers
# (linux-libc-dev, libbpf-dev: <linux/bpf.h>, <bpf/bpf_helpers.h>).
# Usage: test/corpus/build.sh [output-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
if command -v clang >/dev/null 2>&1; then CC=clang
elif command -v clang-14 >/dev/null 2>&1; then CC=clang-14
else echo "build.sh: neither clang nor clang-14 is installed" >&2; exit 1
fi
# <linux/types.h> includes <asm/types.h>, which Debian keeps under the multiarch folder
# that -target bpf does not search.
multiarch=
for d in /usr/include/*-linux-gnu; do
	if [ -d "$d/asm" ]; then multiarch="-I$d"; break; fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Relative source paths and a fixed compilation directory keep the checkout's location
# out of the DWARF, so a rebuild anywhere gives the same bytes.
cd "$here"
for src in c/*.c; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2086
	"$CC" -target bpf -O2 -g -mcpu=v3 -fdebug-compilation-dir=. -I/usr/include $multiarch -Ic -c "$src" -o "$out/$name.o"
done
