// cuefinder core — real FFT for power-of-two sizes, written once over the SIMD ops of simd.h.
//
//   cf::RealFftPlan plan(512);                     // twiddles computed once, in double
//   std::vector<float> re(plan.n_bins()), im(plan.n_bins());
//   plan.forward(frame.data(), re.data(), im.data());   // one frame, scalar reference
//
// The batched form transforms `O::lanes` frames at once, one frame per SIMD lane ("lane-interleaved"
// layout: value i of lane l is at [i·lanes + l]). Every lane follows exactly the scalar arithmetic,
// so the SIMD result equals the scalar one bit for bit.
//
// Algorithm: the n real samples are packed as n/2 complex values z[k] = x[2k] + i·x[2k+1];
// a radix-4 Stockham autosort FFT (natural-order output, no bit reversal; one radix-2 stage when
// n/2 is not a power of 4) transforms them, and the usual split step recovers the n/2+1 bins:
//   X[k] = ½(Z[k] + Z*[N−k]) − ½i·W^k (Z[k] − Z*[N−k]),  W = e^(−2πi/n), N = n/2.
// Unnormalised forward transform: X[k] = Σ x[t] e^(−2πikt/n), as KissFFT and numpy's rfft.
#pragma once

#include <cstddef>
#include <vector>

#include "core/common/status.h"
#include "core/dsp/simd.h"

namespace cf {

class RealFftPlan {
public:
    /// n_fft: a power of two, 4 ≤ n_fft ≤ 65536 (tier-1 assert otherwise).
    explicit RealFftPlan(int n_fft);

    int n_fft() const { return n_fft_; }
    int n_bins() const { return n_fft_ / 2 + 1; }

    /// Scalar reference: one frame of n_fft samples → n_bins() real and imaginary parts.
    void forward(const float* frame, float* re, float* im) const;

    /// Batched transform of O::lanes frames already packed lane-interleaved as complex pairs:
    /// zr[k·L + l] = x_l[2k], zi[k·L + l] = x_l[2k+1] (k < n_fft/2). zr/zi are clobbered (they are
    /// the work buffers); yr/yi must hold n_fft/2·L floats; re/im receive n_bins()·L floats.
    template <class O>
    void forward_packed(float* zr, float* zi, float* yr, float* yi, float* re, float* im) const;

private:
    struct Stage {
        int radix;       ///< 4 or 2
        int n;           ///< sub-transform length at this stage
        int stride;      ///< s: distance between the interleaved sub-transforms
        size_t twiddle;  ///< offset into twiddles_ (3 complex per p for radix 4)
    };
    int n_fft_;
    std::vector<Stage> stages_;
    std::vector<float> twiddles_;  ///< per stage, per p: w1r w1i w2r w2i w3r w3i
    std::vector<float> split_;     ///< per k in [0, N]: cos, −sin of 2πk/n_fft
};

}  // namespace cf

#include "core/dsp/detail/real_fft_impl.h"
