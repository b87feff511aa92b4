// TempoTracker: log spectral flux → pooled autocorrelation + comb + tempo prior → DP beat tracking.
// See tempo.h for the method and its references.
#include "core/rhythm/tempo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/dsp/real_fft.h"

namespace cf {

namespace {

Status bad(const char* field, double value, const char* range) {
    char text[200];
    std::snprintf(text, sizeof text, "TempoOptions.%s = %g is out of range %s", field, value, range);
    return Status(ErrorCode::invalid_argument, text);
}

constexpr double kHopS = 0.01;          // onset envelope: 100 frames per second
constexpr double kFrameS = 0.032;       // analysis frame (rounded up to a power of two)
constexpr double kLogGain = 1000.0;     // log(1 + kLogGain·|X|) compression
constexpr double kMinHz = 30.0, kMaxHz = 8000.0;
constexpr double kDetrendS = 1.0;       // moving mean removed from the envelope
constexpr int kCombMultiples = 4;       // beat period multiples scored by the comb
constexpr double kGridStepBpm = 0.05;
constexpr double kSilenceMeanSquare = 1e-10;  // −100 dBFS

}  // namespace

Status validate(const TempoOptions& o) {
    if (!(o.min_bpm >= 20.0 && o.min_bpm < o.max_bpm)) return bad("min_bpm", o.min_bpm, "[20, max_bpm)");
    if (!(o.max_bpm > o.min_bpm && o.max_bpm <= 400.0)) return bad("max_bpm", o.max_bpm, "(min_bpm, 400]");
    if (!(o.prior_bpm >= o.min_bpm && o.prior_bpm <= o.max_bpm)) return bad("prior_bpm", o.prior_bpm, "[min_bpm, max_bpm]");
    if (!(o.prior_octaves >= 0.1 && o.prior_octaves <= 10.0)) return bad("prior_octaves", o.prior_octaves, "[0.1, 10]");
    if (!(o.tightness >= 0.0 && o.tightness <= 10000.0)) return bad("tightness", o.tightness, "[0, 10000]");
    if (!(o.min_duration_s >= 1.0 && o.min_duration_s <= 60.0)) return bad("min_duration_s", o.min_duration_s, "[1, 60]");
    return Status::ok();
}

struct TempoTracker::Impl {
    struct Segment {
        double start_s = 0.0;
        std::vector<float> envelope;  ///< onset strength per hop; frame 0 of a segment is 0
    };

    Impl(int rate, const TempoOptions& o) : options(o), sample_rate_hz(rate), plan(fft_size(rate)) {
        hop = int(std::lround(kHopS * rate));
        n_fft = plan.n_fft();
        bin_lo = std::max(1, int(std::ceil(kMinHz * n_fft / rate)));
        bin_hi = std::min(n_fft / 2, int(std::floor(kMaxHz * n_fft / rate)));
        window.resize(size_t(n_fft));
        for (int i = 0; i < n_fft; ++i) window[size_t(i)] = float(0.5 - 0.5 * std::cos(2.0 * M_PI * i / n_fft));
        frame.resize(size_t(n_fft));
        re.resize(size_t(plan.n_bins()));
        im.resize(size_t(plan.n_bins()));
        prev_log.resize(size_t(plan.n_bins()));
        cur_log.resize(size_t(plan.n_bins()));
        segments.push_back({0.0, {}});
    }

    static int fft_size(int rate) {
        int n = 4;
        while (n < kFrameS * rate) n *= 2;
        return n;
    }

    double fps() const { return double(sample_rate_hz) / hop; }

    void start_segment(double start_s) {
        if (!segments.back().envelope.empty() || pending.size() > pending_pos) {
            segments.push_back({start_s, {}});
        } else {
            segments.back().start_s = start_s;
        }
        pending.clear();
        pending_pos = 0;
        have_prev = false;
    }

    void push(const float* x, size_t n) {
        for (size_t i = 0; i < n; ++i) sum_squares += double(x[i]) * x[i];
        n_samples += double(n);
        pending.insert(pending.end(), x, x + n);
        while (pending.size() - pending_pos >= size_t(n_fft)) {
            analyse_frame(pending.data() + pending_pos);
            pending_pos += size_t(hop);
        }
        if (pending_pos > 8 * size_t(n_fft)) {  // keep the buffer small
            pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(pending_pos));
            pending_pos = 0;
        }
    }

    // ref: Böck et al. 2012, log-magnitude spectral flux (half-wave rectified difference).
    void analyse_frame(const float* x) {
        for (int i = 0; i < n_fft; ++i) frame[size_t(i)] = x[i] * window[size_t(i)];
        plan.forward(frame.data(), re.data(), im.data());
        const float scale = 4.0f / float(n_fft);  // a full-scale sine peaks at |X| ≈ 1
        double flux = 0.0;
        for (int k = bin_lo; k <= bin_hi; ++k) {
            float mag = std::sqrt(re[size_t(k)] * re[size_t(k)] + im[size_t(k)] * im[size_t(k)]) * scale;
            float v = std::log1p(float(kLogGain) * mag);
            cur_log[size_t(k)] = v;
            if (have_prev) flux += std::max(0.0f, v - prev_log[size_t(k)]);
        }
        std::swap(cur_log, prev_log);
        have_prev = true;
        segments.back().envelope.push_back(float(flux));
    }

    /// Removes the kDetrendS moving mean (centred) from an envelope.
    std::vector<float> detrend(const std::vector<float>& e) const {
        const size_t n = e.size();
        const size_t half = size_t(std::lround(kDetrendS * fps() / 2));
        std::vector<double> prefix(n + 1, 0.0);
        for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + e[i];
        std::vector<float> out(n);
        for (size_t i = 0; i < n; ++i) {
            size_t lo = i >= half ? i - half : 0, hi = std::min(n, i + half + 1);
            out[i] = float(e[i] - (prefix[hi] - prefix[lo]) / double(hi - lo));
        }
        return out;
    }

    TempoResult finish() {
        TempoResult result;
        const double total_s = n_samples / sample_rate_hz;
        if (total_s < options.min_duration_s || sum_squares / std::max(1.0, n_samples) < kSilenceMeanSquare) return result;

        // Pooled autocorrelation over all segments, unbiased (each lag divided by its number of terms).
        const double f = fps();
        const double max_period = 60.0 * f / options.min_bpm;
        const size_t max_lag = size_t(std::ceil(max_period * kCombMultiples)) + 2;
        std::vector<double> num(max_lag + 1, 0.0), den(max_lag + 1, 0.0);
        std::vector<std::vector<float>> detrended;
        for (const Segment& s : segments) {
            detrended.push_back(detrend(s.envelope));
            const std::vector<float>& e = detrended.back();
            const size_t n = e.size();
            for (size_t lag = 0; lag <= max_lag && lag < n; ++lag) {
                double acc = 0.0;
                for (size_t t = 0; t + lag < n; ++t) acc += double(e[t]) * e[t + lag];
                num[lag] += acc;
                den[lag] += double(n - lag);
            }
        }
        if (!(num[0] > 0.0)) return result;
        std::vector<double> ac(max_lag + 1, 0.0);
        const double energy = num[0] / den[0];
        for (size_t lag = 0; lag <= max_lag; ++lag) ac[lag] = den[lag] > 0 ? num[lag] / den[lag] / energy : 0.0;
        auto ac_at = [&](double lag) {
            if (lag >= double(max_lag)) return 0.0;
            size_t i = size_t(lag);
            double w = lag - double(i);
            return ac[i] * (1.0 - w) + ac[i + 1] * w;
        };

        // ref: Ellis 2007 §3 / Klapuri 2006: comb over period multiples × log-normal tempo prior.
        // Each multiple's autocorrelation is weighted by its support (the share of the lag-0 products
        // behind it): the unbiased estimate at a lag near a segment's length rests on a handful of
        // products and is mostly noise, and on 3 s catalog windows the slowest tempo whose 4th multiple
        // still fits (4 · 60/81.65 s = 2.94 s) collected that noise as a peak (docs/benchmarks/tempo.md).
        auto support_at = [&](double lag) {
            if (lag >= double(max_lag)) return 0.0;
            size_t i = size_t(lag);
            double w = lag - double(i);
            return (den[i] * (1.0 - w) + den[i + 1] * w) / den[0];
        };
        double best_score = -1.0, best_bpm = 0.0, best_comb = 0.0;
        for (double bpm = options.min_bpm; bpm <= options.max_bpm + 1e-9; bpm += kGridStepBpm) {
            const double period = 60.0 * f / bpm;
            double comb = 0.0, support = 0.0;
            for (int k = 1; k <= kCombMultiples; ++k) {
                const double w = support_at(period * k);
                comb += w * ac_at(period * k);
                support += w;
            }
            comb = support > 0.0 ? comb / support : 0.0;
            const double z = std::log2(bpm / options.prior_bpm) / options.prior_octaves;
            const double score = comb * std::exp(-0.5 * z * z);
            if (score > best_score) {
                best_score = score;
                best_bpm = bpm;
                best_comb = comb;
            }
        }
        if (!(best_comb > 0.0)) return result;
        result.bpm = best_bpm;
        result.confidence = std::clamp(best_comb, 0.0, 1.0);

        const double period = 60.0 * f / best_bpm;
        for (size_t i = 0; i < segments.size(); ++i) track_beats(detrended[i], segments[i].start_s, period, result.beats_s);
        std::sort(result.beats_s.begin(), result.beats_s.end());
        return result;
    }

    // ref: Ellis 2007 §2: C(t) = O(t) + max_τ [α·(−log²((t−τ)/P)) + C(τ)], τ ∈ [t − 2P, t − P/2].
    void track_beats(const std::vector<float>& detrended, double start_s, double period, std::vector<double>& beats) const {
        const size_t n = detrended.size();
        if (double(n) < 2.0 * period) return;
        // Local score: the envelope smoothed by a Gaussian of σ = P/32 (as Ellis), over its std.
        std::vector<double> local(n, 0.0);
        const double sigma = std::max(1.0, period / 32.0);
        const int radius = int(std::ceil(3 * sigma));
        for (size_t t = 0; t < n; ++t) {
            double acc = 0.0, wsum = 0.0;
            for (int d = -radius; d <= radius; ++d) {
                long u = long(t) + d;
                if (u < 0 || u >= long(n)) continue;
                double w = std::exp(-0.5 * (d / sigma) * (d / sigma));
                acc += w * detrended[size_t(u)];
                wsum += w;
            }
            local[t] = acc / wsum;
        }
        double mean = 0.0, var = 0.0;
        for (double v : local) mean += v;
        mean /= double(n);
        for (double v : local) var += (v - mean) * (v - mean);
        const double sd = std::sqrt(var / double(n));
        if (!(sd > 0.0)) return;
        for (double& v : local) v /= sd;

        std::vector<double> cum(n);
        std::vector<long> back(n, -1);
        const long lo_off = long(std::lround(2.0 * period)), hi_off = std::max(1L, long(std::lround(period / 2.0)));
        for (size_t t = 0; t < n; ++t) {
            double best = 0.0;
            long arg = -1;
            for (long tau = long(t) - lo_off; tau <= long(t) - hi_off; ++tau) {
                if (tau < 0) continue;
                double r = std::log(double(long(t) - tau) / period);
                double s = cum[size_t(tau)] - options.tightness * r * r;
                if (arg < 0 || s > best) {
                    best = s;
                    arg = tau;
                }
            }
            cum[t] = local[t] + (arg >= 0 ? best : 0.0);
            back[t] = arg;
        }
        // The last beat: the best cumulative score within the final period.
        size_t last = n - 1;
        const size_t from = n > size_t(period) ? n - size_t(period) : 0;
        for (size_t t = from; t < n; ++t)
            if (cum[t] > cum[last]) last = t;
        std::vector<double> seg_beats;
        for (long t = long(last); t >= 0; t = back[size_t(t)]) seg_beats.push_back(frame_time_s(size_t(t)) + start_s);
        beats.insert(beats.end(), seg_beats.rbegin(), seg_beats.rend());
    }

    /// Time of the onset that frame t's flux marks, relative to the segment start: the flux rises when
    /// the onset has entered the analysis frame; measured on click tracks it peaks when the onset is
    /// near the frame centre.
    double frame_time_s(size_t t) const { return (double(t) * hop + 0.5 * n_fft) / sample_rate_hz + onset_offset_s; }

    TempoOptions options;
    int sample_rate_hz;
    RealFftPlan plan;
    int hop = 160, n_fft = 512, bin_lo = 1, bin_hi = 256;
    double onset_offset_s = 0.0;
    std::vector<float> window, frame, re, im, prev_log, cur_log;
    bool have_prev = false;
    std::vector<float> pending;
    size_t pending_pos = 0;
    std::vector<Segment> segments;
    double sum_squares = 0.0, n_samples = 0.0;
    bool finished = false;
};

TempoTracker::TempoTracker(int sample_rate_hz, const TempoOptions& options) {
    CF_ASSERT(sample_rate_hz >= 8000 && sample_rate_hz <= 48000);
    CF_ASSERT(validate(options).is_ok());
    impl_ = std::make_unique<Impl>(sample_rate_hz, options);
}

TempoTracker::~TempoTracker() = default;

void TempoTracker::start_segment(double start_s) {
    CF_ASSERT(!impl_->finished && std::isfinite(start_s));
    impl_->start_segment(start_s);
}

void TempoTracker::push(const float* samples, size_t n) {
    CF_ASSERT(!impl_->finished);
    CF_ASSERT(samples != nullptr || n == 0);
    impl_->push(samples, n);
}

TempoResult TempoTracker::finish() {
    CF_ASSERT(!impl_->finished);
    impl_->finished = true;
    return impl_->finish();
}

double TempoTracker::frame_rate_hz() const { return impl_->fps(); }

}  // namespace cf
