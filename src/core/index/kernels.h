// cuefinder core — distance kernels for search: float32 dot product, float·int8 dot product (for
// per-dimension scalar-quantized codes), and product-quantization lookup tables (ADC).
//
//   float s = cf::index::dot(a, b, dim);                        // SIMD path of this build
//   float t = cf::index::dot_f32<cf::simd::ScalarOps>(a, b, dim); // scalar reference
//
// Every kernel is a template over the ops of core/dsp/simd.h (ScalarOps = reference, SimdOps = the
// build's ISA), plus a widening int8 → float load per ISA in detail/int8_load.h. The SIMD versions
// sum in a different order than the scalar ones (4 lanes × 2 accumulators, then a horizontal sum),
// so results differ by rounding only: |simd − scalar| ≤ 2·n·FLT_EPSILON·Σ|aᵢbᵢ|
// (tests/core/index/test_kernels.cpp checks that bound over odd sizes).
//
// The PQ ADC sum (Σₘ lut[m][codeₘ]) is a gather: no SIMD here without a gather instruction
// (wasm128/SSE2 have none), so it is scalar with 4 independent accumulators; building the
// table (256 sub-dot-products per sub-quantizer) goes through the SIMD dot.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/dsp/simd.h"
#include "core/index/detail/int8_load.h"

namespace cf::index {

/// Σ a[i]·b[i] over n floats.
template <class O>
float dot_f32(const float* a, const float* b, size_t n) {
    using V = typename O::V;
    constexpr size_t L = size_t(O::lanes);
    V acc0 = O::set1(0.0f), acc1 = O::set1(0.0f);
    size_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
        acc0 = O::add(acc0, O::mul(O::load(a + i), O::load(b + i)));
        acc1 = O::add(acc1, O::mul(O::load(a + i + L), O::load(b + i + L)));
    }
    for (; i + L <= n; i += L) acc0 = O::add(acc0, O::mul(O::load(a + i), O::load(b + i)));
    acc0 = O::add(acc0, acc1);
    float lanes[L];
    O::store(lanes, acc0);
    float s = 0.0f;
    for (size_t l = 0; l < L; ++l) s += lanes[l];
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

/// Σ w[i]·float(c[i]) over n values: the code-dependent part of a dot product with a per-dimension
/// scalar-quantized vector x[i] = offset[i] + scale[i]·c[i] when w[i] = q[i]·scale[i].
template <class O>
float dot_f32_i8(const float* w, const int8_t* c, size_t n) {
    using V = typename O::V;
    constexpr size_t L = size_t(O::lanes);
    V acc0 = O::set1(0.0f), acc1 = O::set1(0.0f);
    size_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
        acc0 = O::add(acc0, O::mul(O::load(w + i), detail::Int8Load<O>::load(c + i)));
        acc1 = O::add(acc1, O::mul(O::load(w + i + L), detail::Int8Load<O>::load(c + i + L)));
    }
    for (; i + L <= n; i += L) acc0 = O::add(acc0, O::mul(O::load(w + i), detail::Int8Load<O>::load(c + i)));
    acc0 = O::add(acc0, acc1);
    float lanes[L];
    O::store(lanes, acc0);
    float s = 0.0f;
    for (size_t l = 0; l < L; ++l) s += lanes[l];
    for (; i < n; ++i) s += w[i] * float(c[i]);
    return s;
}

/// Σₘ lut[m·256 + code[m]] over n_sub sub-quantizers (8-bit codes).
inline float pq_adc(const float* lut, const uint8_t* code, size_t n_sub) {
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    size_t m = 0;
    for (; m + 4 <= n_sub; m += 4) {
        s0 += lut[(m + 0) * 256 + code[m + 0]];
        s1 += lut[(m + 1) * 256 + code[m + 1]];
        s2 += lut[(m + 2) * 256 + code[m + 2]];
        s3 += lut[(m + 3) * 256 + code[m + 3]];
    }
    for (; m < n_sub; ++m) s0 += lut[m * 256 + code[m]];
    return (s0 + s1) + (s2 + s3);
}

/// The SIMD path of this build (SimdOps; the scalar reference when built with CF_SIMD=OFF).
inline float dot(const float* a, const float* b, size_t n) { return dot_f32<simd::SimdOps>(a, b, n); }
inline float dot_i8(const float* w, const int8_t* c, size_t n) { return dot_f32_i8<simd::SimdOps>(w, c, n); }

/// Squared L2 distance (for k-means), via the dot kernels: ‖a‖² − 2a·b + ‖b‖² is less exact, so
/// this is a direct loop the compiler vectorises; used only while building.
inline float l2_sq(const float* a, const float* b, size_t n) {
    float s = 0.0f;
    for (size_t i = 0; i < n; ++i) { const float d = a[i] - b[i]; s += d * d; }
    return s;
}

}  // namespace cf::index
