#!/bin/sh
# Rebuilds conv-gemm.wasm from conv-gemm.c with Debian 12's clang 14 (apt install clang lld). The .wasm is
# committed, so a fresh clone needs no compiler; a test rebuilds it when clang is present and
# checks that the committed file is what this script makes.
#   sh packages/models/wasm/build.sh [out.wasm]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/conv-gemm.wasm}
clang --target=wasm32 -O3 -msimd128 -mmutable-globals -nostdlib -fno-builtin -ffreestanding \
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=__stack_pointer -Wl,-z,stack-size=65536 \
  -o "$out" "$here/conv-gemm.c"
