#!/bin/sh
# Rebuilds the test corpus: test/corpus/c/*.c -> test/corpus/obj/*.o, deterministically
# (relative paths, a fixed compilation directory), as benchmarks/workloads/build.sh.
# Needs clang and the libbpf headers (libbpf-dev: /usr/include/bpf).
# Usage: test/corpus/build.sh [output-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
if command -v clang >/dev/null 2>&1; then CC=clang
else echo "build.sh: clang is not installed" >&2; exit 1
fi
# <linux/bpf.h> includes <asm/types.h>, which lives under the host triplet directory.
ARCH_INC=""
for d in /usr/include/"$(uname -m)"-linux-gnu /usr/include/x86_64-linux-gnu /usr/include/aarch64-linux-gnu; do
	if [ -d "$d/asm" ]; then ARCH_INC="-I$d"; break; fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$here"
for src in c/*.c; do
	name=$(basename "$src" .c)
	"$CC" -target bpf -O2 -g -mcpu=v3 -fdebug-compilation-dir=. $ARCH_INC -c "$src" -o "$out/$name.o"
done
