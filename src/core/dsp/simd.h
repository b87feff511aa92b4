// cuefinder core — thin per-ISA SIMD layers over a scalar reference.
//
// Every kernel in the core is written once as a template over an "ops" struct and instantiated
// twice: with ScalarOps (one float per value; always built, the reference) and with SimdOps (the
// widest ISA this build targets: wasm SIMD128, SSE2 or NEON — 4 lanes). Each op below is an
// IEEE-754 correctly rounded operation in every backend (add, sub, mul, div, sqrt, max) or is built
// from such operations in the same order (log10), so a kernel gives bit-identical results for
// every lane in every backend. tests/core/dsp/test_simd.cpp checks that.
//
//   template <class O> void scale(float* x, size_t n, float k) {
//       for (size_t i = 0; i + O::lanes <= n; i += O::lanes)
//           O::store(x + i, O::mul(O::load(x + i), O::set1(k)));
//   }
//
// [SECTION] ISA selection
// [SECTION] ScalarOps (reference)
// [SECTION] SimdOps: wasm SIMD128 / SSE2 / NEON
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

// [SECTION] ISA selection ------------------------------------------------------------------------
#if !defined(CF_SIMD)
#define CF_SIMD_ISA_NONE 1
#elif defined(__wasm_simd128__)
#define CF_SIMD_ISA_WASM128 1
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#define CF_SIMD_ISA_SSE2 1
#include <emmintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#define CF_SIMD_ISA_NEON 1
#include <arm_neon.h>
#else
#define CF_SIMD_ISA_NONE 1
#endif

namespace cf::simd {

// Shared constants of the log10 routine, so every backend computes exactly the same thing.
//   y = 2^e · m, m ∈ [√½, √2);  ln m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.1716
//   2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9 + s¹⁰/11); the first dropped term is
//   < 0.1716¹³/13 ≈ 1e-11 relative, far below float precision.
//   log10 y = e·log10(2) + ln(m)·log10(e).
namespace log_consts {
inline constexpr float c3 = 1.0f / 3.0f, c5 = 1.0f / 5.0f, c7 = 1.0f / 7.0f, c9 = 1.0f / 9.0f, c11 = 1.0f / 11.0f;
inline constexpr float log10_2 = 0.30102999566398119521f;
inline constexpr float log10_e = 0.43429448190325182765f;
inline constexpr float sqrt2 = 1.41421356237309504880f;
}  // namespace log_consts

// [SECTION] ScalarOps (reference) ----------------------------------------------------------------
struct ScalarOps {
    using V = float;
    static constexpr int lanes = 1;
    static constexpr const char* name = "scalar";
    static V set1(float x) { return x; }
    static V load(const float* p) { return *p; }
    static void store(float* p, V x) { *p = x; }
    static V add(V a, V b) { return a + b; }
    static V sub(V a, V b) { return a - b; }
    static V mul(V a, V b) { return a * b; }
    static V div(V a, V b) { return a / b; }
    static V sqrt(V a) { return std::sqrt(a); }
    static V max(V a, V b) { return a > b ? a : b; }  // no NaNs reach the kernels
    /// log10 of a positive, finite, normal x (≥ FLT_MIN).
    static V log10(V x) {
        using namespace log_consts;
        uint32_t bits;
        std::memcpy(&bits, &x, 4);
        int32_t e = int32_t(bits >> 23) - 127;
        bits = (bits & 0x007fffffu) | 0x3f800000u;
        float m;
        std::memcpy(&m, &bits, 4);
        if (m > sqrt2) { m = m * 0.5f; e = e + 1; }
        float s = (m - 1.0f) / (m + 1.0f);
        float s2 = s * s;
        float poly = c9 + s2 * c11;
        poly = c7 + s2 * poly;
        poly = c5 + s2 * poly;
        poly = c3 + s2 * poly;
        poly = 1.0f + s2 * poly;
        float ln_m = (s + s) * poly;
        return float(e) * log10_2 + ln_m * log10_e;
    }
};

// [SECTION] SimdOps ------------------------------------------------------------------------------
#if defined(CF_SIMD_ISA_WASM128)
struct SimdOps {
    using V = v128_t;
    static constexpr int lanes = 4;
    static constexpr const char* name = "wasm-simd128";
    static V set1(float x) { return wasm_f32x4_splat(x); }
    static V load(const float* p) { return wasm_v128_load(p); }
    static void store(float* p, V x) { wasm_v128_store(p, x); }
    static V add(V a, V b) { return wasm_f32x4_add(a, b); }
    static V sub(V a, V b) { return wasm_f32x4_sub(a, b); }
    static V mul(V a, V b) { return wasm_f32x4_mul(a, b); }
    static V div(V a, V b) { return wasm_f32x4_div(a, b); }
    static V sqrt(V a) { return wasm_f32x4_sqrt(a); }
    static V max(V a, V b) { return wasm_v128_bitselect(a, b, wasm_f32x4_gt(a, b)); }
    static V log10(V x) {
        using namespace log_consts;
        v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(127));
        v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f800000));
        v128_t big = wasm_f32x4_gt(m, wasm_f32x4_splat(sqrt2));
        m = wasm_v128_bitselect(wasm_f32x4_mul(m, wasm_f32x4_splat(0.5f)), m, big);
        e = wasm_i32x4_sub(e, big);  // big lanes are all-ones = −1
        v128_t one = wasm_f32x4_splat(1.0f);
        v128_t s = wasm_f32x4_div(wasm_f32x4_sub(m, one), wasm_f32x4_add(m, one));
        v128_t s2 = wasm_f32x4_mul(s, s);
        v128_t poly = wasm_f32x4_add(wasm_f32x4_splat(c9), wasm_f32x4_mul(s2, wasm_f32x4_splat(c11)));
        poly = wasm_f32x4_add(wasm_f32x4_splat(c7), wasm_f32x4_mul(s2, poly));
        poly = wasm_f32x4_add(wasm_f32x4_splat(c5), wasm_f32x4_mul(s2, poly));
        poly = wasm_f32x4_add(wasm_f32x4_splat(c3), wasm_f32x4_mul(s2, poly));
        poly = wasm_f32x4_add(one, wasm_f32x4_mul(s2, poly));
        v128_t ln_m = wasm_f32x4_mul(wasm_f32x4_add(s, s), poly);
        return wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_convert_i32x4(e), wasm_f32x4_splat(log10_2)),
                              wasm_f32x4_mul(ln_m, wasm_f32x4_splat(log10_e)));
    }
};
#elif defined(CF_SIMD_ISA_SSE2)
struct SimdOps {
    using V = __m128;
    static constexpr int lanes = 4;
    static constexpr const char* name = "sse2";
    static V set1(float x) { return _mm_set1_ps(x); }
    static V load(const float* p) { return _mm_loadu_ps(p); }
    static void store(float* p, V x) { _mm_storeu_ps(p, x); }
    static V add(V a, V b) { return _mm_add_ps(a, b); }
    static V sub(V a, V b) { return _mm_sub_ps(a, b); }
    static V mul(V a, V b) { return _mm_mul_ps(a, b); }
    static V div(V a, V b) { return _mm_div_ps(a, b); }
    static V sqrt(V a) { return _mm_sqrt_ps(a); }
    static V max(V a, V b) { return _mm_max_ps(a, b); }
    static V log10(V x) {
        using namespace log_consts;
        __m128i bits = _mm_castps_si128(x);
        __m128i e = _mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127));
        __m128 m = _mm_castsi128_ps(
            _mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007fffff)), _mm_set1_epi32(0x3f800000)));
        __m128 big = _mm_cmpgt_ps(m, _mm_set1_ps(sqrt2));
        m = _mm_or_ps(_mm_and_ps(big, _mm_mul_ps(m, _mm_set1_ps(0.5f))), _mm_andnot_ps(big, m));
        e = _mm_sub_epi32(e, _mm_castps_si128(big));  // big lanes are all-ones = −1
        __m128 one = _mm_set1_ps(1.0f);
        __m128 s = _mm_div_ps(_mm_sub_ps(m, one), _mm_add_ps(m, one));
        __m128 s2 = _mm_mul_ps(s, s);
        __m128 poly = _mm_add_ps(_mm_set1_ps(c9), _mm_mul_ps(s2, _mm_set1_ps(c11)));
        poly = _mm_add_ps(_mm_set1_ps(c7), _mm_mul_ps(s2, poly));
        poly = _mm_add_ps(_mm_set1_ps(c5), _mm_mul_ps(s2, poly));
        poly = _mm_add_ps(_mm_set1_ps(c3), _mm_mul_ps(s2, poly));
        poly = _mm_add_ps(one, _mm_mul_ps(s2, poly));
        __m128 ln_m = _mm_mul_ps(_mm_add_ps(s, s), poly);
        return _mm_add_ps(_mm_mul_ps(_mm_cvtepi32_ps(e), _mm_set1_ps(log10_2)),
                          _mm_mul_ps(ln_m, _mm_set1_ps(log10_e)));
    }
};
#elif defined(CF_SIMD_ISA_NEON)
struct SimdOps {
    using V = float32x4_t;
    static constexpr int lanes = 4;
    static constexpr const char* name = "neon";
    static V set1(float x) { return vdupq_n_f32(x); }
    static V load(const float* p) { return vld1q_f32(p); }
    static void store(float* p, V x) { vst1q_f32(p, x); }
    static V add(V a, V b) { return vaddq_f32(a, b); }
    static V sub(V a, V b) { return vsubq_f32(a, b); }
    static V mul(V a, V b) { return vmulq_f32(a, b); }
    static V div(V a, V b) { return vdivq_f32(a, b); }
    static V sqrt(V a) { return vsqrtq_f32(a); }
    static V max(V a, V b) { return vmaxq_f32(a, b); }
    static V log10(V x) {
        using namespace log_consts;
        uint32x4_t bits = vreinterpretq_u32_f32(x);
        int32x4_t e = vsubq_s32(vreinterpretq_s32_u32(vshrq_n_u32(bits, 23)), vdupq_n_s32(127));
        float32x4_t m = vreinterpretq_f32_u32(vorrq_u32(vandq_u32(bits, vdupq_n_u32(0x007fffff)), vdupq_n_u32(0x3f800000)));
        uint32x4_t big = vcgtq_f32(m, vdupq_n_f32(sqrt2));
        m = vbslq_f32(big, vmulq_f32(m, vdupq_n_f32(0.5f)), m);
        e = vsubq_s32(e, vreinterpretq_s32_u32(big));
        float32x4_t one = vdupq_n_f32(1.0f);
        float32x4_t s = vdivq_f32(vsubq_f32(m, one), vaddq_f32(m, one));
        float32x4_t s2 = vmulq_f32(s, s);
        float32x4_t poly = vaddq_f32(vdupq_n_f32(c9), vmulq_f32(s2, vdupq_n_f32(c11)));
        poly = vaddq_f32(vdupq_n_f32(c7), vmulq_f32(s2, poly));
        poly = vaddq_f32(vdupq_n_f32(c5), vmulq_f32(s2, poly));
        poly = vaddq_f32(vdupq_n_f32(c3), vmulq_f32(s2, poly));
        poly = vaddq_f32(one, vmulq_f32(s2, poly));
        float32x4_t ln_m = vmulq_f32(vaddq_f32(s, s), poly);
        return vaddq_f32(vmulq_f32(vcvtq_f32_s32(e), vdupq_n_f32(log10_2)), vmulq_f32(ln_m, vdupq_n_f32(log10_e)));
    }
};
#else
/// No SIMD ISA in this build: the "SIMD" path is the scalar reference.
using SimdOps = ScalarOps;
#endif

/// Name of the ISA the SIMD path uses in this build ("sse2", "wasm-simd128", "neon" or "scalar").
inline const char* simd_isa_name() { return SimdOps::name; }

}  // namespace cf::simd
