// Template body of RealFftPlan::forward_packed (see real_fft.h). Internal: include real_fft.h instead.
#pragma once

namespace cf {

template <class O>
void RealFftPlan::forward_packed(float* zr, float* zi, float* yr, float* yi, float* re, float* im) const {
    using V = typename O::V;
    constexpr int L = O::lanes;
    const int N = n_fft_ / 2;
    float* xr = zr;
    float* xi = zi;
    for (const Stage& st : stages_) {
        const int m = st.n / st.radix;
        const int s = st.stride;
        if (st.radix == 4) {
            const float* tw = twiddles_.data() + st.twiddle;
            for (int p = 0; p < m; ++p, tw += 6) {
                const V w1r = O::set1(tw[0]), w1i = O::set1(tw[1]);
                const V w2r = O::set1(tw[2]), w2i = O::set1(tw[3]);
                const V w3r = O::set1(tw[4]), w3i = O::set1(tw[5]);
                for (int q = 0; q < s; ++q) {
                    const size_t ia = size_t(q + s * p) * L, ib = size_t(q + s * (p + m)) * L;
                    const size_t ic = size_t(q + s * (p + 2 * m)) * L, id = size_t(q + s * (p + 3 * m)) * L;
                    const V ar = O::load(xr + ia), ai = O::load(xi + ia);
                    const V br = O::load(xr + ib), bi = O::load(xi + ib);
                    const V cr = O::load(xr + ic), ci = O::load(xi + ic);
                    const V dr = O::load(xr + id), di = O::load(xi + id);
                    const V apc_r = O::add(ar, cr), apc_i = O::add(ai, ci);
                    const V amc_r = O::sub(ar, cr), amc_i = O::sub(ai, ci);
                    const V bpd_r = O::add(br, dr), bpd_i = O::add(bi, di);
                    // j·(b − d) = (−(bi − di), br − dr)
                    const V jbmd_r = O::sub(di, bi), jbmd_i = O::sub(br, dr);
                    const size_t o0 = size_t(q + s * (4 * p + 0)) * L, o1 = size_t(q + s * (4 * p + 1)) * L;
                    const size_t o2 = size_t(q + s * (4 * p + 2)) * L, o3 = size_t(q + s * (4 * p + 3)) * L;
                    O::store(yr + o0, O::add(apc_r, bpd_r));
                    O::store(yi + o0, O::add(apc_i, bpd_i));
                    // y1 = w1·(amc − jbmd), y2 = w2·(apc − bpd), y3 = w3·(amc + jbmd)
                    const V t1r = O::sub(amc_r, jbmd_r), t1i = O::sub(amc_i, jbmd_i);
                    const V t2r = O::sub(apc_r, bpd_r), t2i = O::sub(apc_i, bpd_i);
                    const V t3r = O::add(amc_r, jbmd_r), t3i = O::add(amc_i, jbmd_i);
                    O::store(yr + o1, O::sub(O::mul(w1r, t1r), O::mul(w1i, t1i)));
                    O::store(yi + o1, O::add(O::mul(w1r, t1i), O::mul(w1i, t1r)));
                    O::store(yr + o2, O::sub(O::mul(w2r, t2r), O::mul(w2i, t2i)));
                    O::store(yi + o2, O::add(O::mul(w2r, t2i), O::mul(w2i, t2r)));
                    O::store(yr + o3, O::sub(O::mul(w3r, t3r), O::mul(w3i, t3i)));
                    O::store(yi + o3, O::add(O::mul(w3r, t3i), O::mul(w3i, t3r)));
                }
            }
        } else {  // radix 2, only as the last stage (n == 2, m == 1, twiddle 1)
            for (int q = 0; q < s; ++q) {
                const size_t ia = size_t(q) * L, ib = size_t(q + s) * L;
                const V ar = O::load(xr + ia), ai = O::load(xi + ia);
                const V br = O::load(xr + ib), bi = O::load(xi + ib);
                O::store(yr + ia, O::add(ar, br));
                O::store(yi + ia, O::add(ai, bi));
                O::store(yr + ib, O::sub(ar, br));
                O::store(yi + ib, O::sub(ai, bi));
            }
        }
        std::swap(xr, yr);
        std::swap(xi, yi);
    }
    // Now x holds Z[0..N). Split into the n_fft/2 + 1 real-input bins.
    const V half = O::set1(0.5f);
    {
        const V z0r = O::load(xr), z0i = O::load(xi);
        O::store(re, O::add(z0r, z0i));
        O::store(im, O::set1(0.0f));
        O::store(re + size_t(N) * L, O::sub(z0r, z0i));
        O::store(im + size_t(N) * L, O::set1(0.0f));
    }
    for (int k = 1; k < N; ++k) {
        const size_t ik = size_t(k) * L, inv = size_t(N - k) * L;
        const V ar = O::load(xr + ik), ai = O::load(xi + ik);
        const V br = O::load(xr + inv), bi = O::load(xi + inv);
        // E = (A + B*)/2, D = A − B*, T = W^k·D, X = E + (T.im/2, −T.re/2)
        const V er = O::mul(O::add(ar, br), half), ei = O::mul(O::sub(ai, bi), half);
        const V dr = O::sub(ar, br), di = O::add(ai, bi);
        const V wr = O::set1(split_[2 * k]), wi = O::set1(split_[2 * k + 1]);
        const V tr = O::sub(O::mul(wr, dr), O::mul(wi, di));
        const V ti = O::add(O::mul(wr, di), O::mul(wi, dr));
        O::store(re + ik, O::add(er, O::mul(ti, half)));
        O::store(im + ik, O::sub(ei, O::mul(tr, half)));
    }
}

}  // namespace cf
