#!/bin/sh
# Rebuilds the corpus objects: test/corpus/c/*.c -> test/corpus/obj/*.o, with the flags of
# benchmarks/workloads/build.sh (relative paths and a fixed compilation directory keep
# the objects byte-identical wherever they are built). Needs clang and libbpf's headers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$here"
# <linux/bpf.h> includes <asm/types.h>, which Debian-style systems keep under the host's
# multiarch directory.
arch=$(cc -print-multiarch 2>/dev/null || true)
inc=""
if [ -n "$arch" ] && [ -d "/usr/include/$arch" ]; then inc="-idirafter /usr/include/$arch"; fi
for src in c/*.c; do
	name=$(basename "$src" .c)
	clang -target bpf -O2 -g -mcpu=v3 -fdebug-compilation-dir=. $inc -c "$src" -o "$out/$name.o"
done
