// cuefinder core — widening load of 4 (or 1) int8 values into float lanes, one per ISA of
// core/dsp/simd.h. Exact (every int8 is a float), so it adds no rounding of its own.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/dsp/simd.h"

namespace cf::index::detail {

template <class O>
struct Int8Load;

template <>
struct Int8Load<simd::ScalarOps> {
    static float load(const int8_t* p) { return float(*p); }
};

#if defined(CF_SIMD_ISA_WASM128)
template <>
struct Int8Load<simd::SimdOps> {
    static v128_t load(const int8_t* p) {
        int32_t w;
        std::memcpy(&w, p, 4);
        const v128_t b = wasm_i32x4_splat(w);
        return wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(wasm_i16x8_extend_low_i8x16(b)));
    }
};
#elif defined(CF_SIMD_ISA_SSE2)
template <>
struct Int8Load<simd::SimdOps> {
    static __m128 load(const int8_t* p) {
        int32_t w;
        std::memcpy(&w, p, 4);
        __m128i v = _mm_cvtsi32_si128(w);
        v = _mm_unpacklo_epi8(v, v);   // each byte twice
        v = _mm_unpacklo_epi16(v, v);  // each byte four times in a 32-bit lane
        return _mm_cvtepi32_ps(_mm_srai_epi32(v, 24));  // sign-extend from the top byte
    }
};
#elif defined(CF_SIMD_ISA_NEON)
template <>
struct Int8Load<simd::SimdOps> {
    static float32x4_t load(const int8_t* p) {
        int32_t w;
        std::memcpy(&w, p, 4);
        const int8x8_t b = vreinterpret_s8_s32(vdup_n_s32(w));
        return vcvtq_f32_s32(vmovl_s16(vget_low_s16(vmovl_s8(b))));
    }
};
#endif

}  // namespace cf::index::detail
