#include "core/dsp/real_fft.h"

#include <cmath>

namespace cf {

RealFftPlan::RealFftPlan(int n_fft) : n_fft_(n_fft) {
    CF_ASSERT(n_fft >= 4 && n_fft <= 65536 && (n_fft & (n_fft - 1)) == 0);
    const double two_pi = 6.283185307179586476925286766559;
    const int N = n_fft / 2;
    int n = N, stride = 1;
    while (n > 1) {
        Stage st{n % 4 == 0 ? 4 : 2, n, stride, twiddles_.size()};
        if (st.radix == 4) {
            // Twiddles in double, rounded once to float: w_k,p = e^(−2πi·k·p/n), k = 1, 2, 3.
            for (int p = 0; p < n / 4; ++p) {
                for (int k = 1; k <= 3; ++k) {
                    const double angle = two_pi * double(k * p) / double(n);
                    twiddles_.push_back(float(std::cos(angle)));
                    twiddles_.push_back(float(-std::sin(angle)));
                }
            }
        }
        stages_.push_back(st);
        stride *= st.radix;
        n /= st.radix;
    }
    split_.resize(size_t(2) * (N + 1));
    for (int k = 0; k <= N; ++k) {
        const double angle = two_pi * double(k) / double(n_fft);
        split_[2 * k] = float(std::cos(angle));
        split_[2 * k + 1] = float(-std::sin(angle));
    }
}

void RealFftPlan::forward(const float* frame, float* re, float* im) const {
    const int N = n_fft_ / 2;
    std::vector<float> work(size_t(4) * N);
    float* zr = work.data();
    float* zi = zr + N;
    for (int k = 0; k < N; ++k) {
        zr[k] = frame[2 * k];
        zi[k] = frame[2 * k + 1];
    }
    forward_packed<simd::ScalarOps>(zr, zi, zi + N, zi + 2 * N, re, im);
}

}  // namespace cf
