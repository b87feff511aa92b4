// WASM SIMD128 arithmetic peak, the yardstick for the inference GFLOP/s in bench_inference.mjs.
// GEMM-like inner loop: 6 independent f32x4 accumulators, acc += a * b_k with a changing every
// iteration (simd128 has no fused multiply-add: 1 mul + 1 add = 8 flops per f32x4 pair).
// Build: NODE_PATH=/usr/share/nodejs emcc -O3 -msimd128 simd_peak.c -o simd_peak.wasm \
//          -sEXPORTED_FUNCTIONS=_run --no-entry -sSTANDALONE_WASM
#include <wasm_simd128.h>

__attribute__((used)) float run(int iters, float seed) {
  v128_t b0 = wasm_f32x4_splat(seed * 0.5f), b1 = wasm_f32x4_splat(seed * 0.25f),
         b2 = wasm_f32x4_splat(seed * 0.125f), b3 = wasm_f32x4_splat(seed * 0.0625f),
         b4 = wasm_f32x4_splat(seed * 0.03125f), b5 = wasm_f32x4_splat(seed * 0.015625f);
  v128_t c0 = wasm_f32x4_splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  v128_t a = wasm_f32x4_splat(seed), da = wasm_f32x4_splat(1e-9f);
  for (int i = 0; i < iters; i++) {
    c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(a, b0));
    c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(a, b1));
    c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(a, b2));
    c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(a, b3));
    c4 = wasm_f32x4_add(c4, wasm_f32x4_mul(a, b4));
    c5 = wasm_f32x4_add(c5, wasm_f32x4_mul(a, b5));
    a = wasm_f32x4_add(a, da);
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(c0, c1), wasm_f32x4_add(c2, c3)),
                            wasm_f32x4_add(c4, c5));
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 3);
}
