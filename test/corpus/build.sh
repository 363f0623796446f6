#!/bin/sh
# Rebuilds the corpus objects: test/corpus/c/*.c -> test/corpus/obj/*.o, deterministically
# (relative paths, a fixed compilation directory), with libbpf-dev's headers.
# Usage: test/corpus/build.sh [output-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$here"
for src in c/*.c; do
	name=$(basename "$src" .c)
	clang -target bpf -O2 -g -mcpu=v3 -I/usr/include/$(uname -m)-linux-gnu -fdebug-compilation-dir=. -c "$src" -o "$out/$name.o"
done
