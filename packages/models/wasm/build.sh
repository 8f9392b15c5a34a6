#!/bin/sh
# Rebuilds the kernels from the C files beside them with Debian 12's clang 16 (apt install clang-16
# lld-16): train-kernels.wasm (wasm SIMD128, a multiply and an add per product) and
# train-kernels-fma.wasm (the same sources with relaxed SIMD: fused multiply-adds in the GEMMs,
# loaded where the runtime accepts relaxed SIMD). Both .wasm are committed, so a fresh clone needs
# no compiler; a test rebuilds them when that clang is present and checks that the committed files
# are what this script makes.
#   sh packages/models/wasm/build.sh [out-dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
CC=${CC:-clang-16}
build() {
  "$CC" --target=wasm32 -O3 -msimd128 "$@" -mmutable-globals -nostdlib -fno-builtin -ffreestanding -fuse-ld=lld \
    -Wl,--no-entry -Wl,--import-memory -Wl,--export=__stack_pointer -Wl,-z,stack-size=65536 \
    "$here/conv-gemm.c" "$here/reduce.c"
}
build -o "$out/train-kernels.wasm"
build -mrelaxed-simd -o "$out/train-kernels-fma.wasm"
