#!/bin/sh
# Rebuilds train-kernels.wasm from the C files beside it with Debian 12's clang 14 (apt install
# clang lld). The .wasm is committed, so a fresh clone needs no compiler; a test rebuilds it when
# that clang is present and checks that the committed file is what this script makes.
#   sh packages/models/wasm/build.sh [out.wasm]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/train-kernels.wasm}
clang --target=wasm32 -O3 -msimd128 -mmutable-globals -nostdlib -fno-builtin -ffreestanding \
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=__stack_pointer -Wl,-z,stack-size=65536 \
  -o "$out" "$here/conv-gemm.c" "$here/reduce.c"
