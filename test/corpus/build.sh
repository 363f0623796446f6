#!/bin/sh
# Rebuilds the corpus objects: test/corpus/c/*.c -> test/corpus/obj/*.o, with the
# workloads' flags (benchmarks/workloads/build.sh). Needs clang and libbpf's headers
# (/usr/include/bpf, libbpf-dev); <linux/bpf.h> needs the multiarch asm/ headers.
# Usage: test/corpus/build.sh [output-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
CC=${CC:-clang}
mkdir -p "$out"
out=$(cd "$out" && pwd)
arch=$(uname -m)
cd "$here"
for src in c/*.c; do
	name=$(basename "$src" .c)
	"$CC" -target bpf -O2 -g -mcpu=v3 -fdebug-compilation-dir=. -I"/usr/include/$arch-linux-gnu" -c "$src" -o "$out/$name.o"
done
