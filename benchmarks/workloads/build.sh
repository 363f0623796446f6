#!/bin/sh
# Rebuilds every workload object: benchmarks/workloads/c/*.c -> benchmarks/workloads/obj/*.o.
# Needs only clang (any of clang, clang-14): the headers are the local bpf_defs.h/net_defs.h.
# Usage: benchmarks/workloads/build.sh [output-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/obj"}
if command -v clang >/dev/null 2>&1; then CC=clang
elif command -v clang-14 >/dev/null 2>&1; then CC=clang-14
else echo "build.sh: neither clang nor clang-14 is installed" >&2; exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
# Relative source paths and a fixed compilation directory keep the checkout's location
# out of the DWARF, so a rebuild anywhere gives the same bytes.
cd "$here"
for src in c/*.c; do
	name=$(basename "$src" .c)
	"$CC" -target bpf -O2 -g -mcpu=v3 -fdebug-compilation-dir=. -c "$src" -o "$out/$name.o"
done
