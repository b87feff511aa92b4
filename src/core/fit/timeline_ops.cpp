#include "core/fit/detail/timeline_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cf::fit_detail {

namespace {

constexpr double kCellS = 0.1;

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    double pos = q * double(v.size() - 1);
    size_t i = size_t(pos);
    if (i + 1 >= v.size()) return v.back();
    return v[i] + (pos - double(i)) * (v[i + 1] - v[i]);
}

/// The embedding row whose window centre is nearest t_s, or nullptr.
const float* embedding_near(const TrackTimeline& track, double t_s) {
    const std::vector<double>& times = track.embedding_times_s;
    if (track.embedding_dim == 0 || times.empty()) return nullptr;
    size_t i = lower_index(times, t_s);
    if (i == times.size() || (i > 0 && t_s - times[i - 1] < times[i] - t_s)) i = i == 0 ? 0 : i - 1;
    return track.embeddings.data() + i * track.embedding_dim;
}

double cosine01(const float* a, const float* b, size_t dim) {
    double dot = 0.0, na = 0.0, nb = 0.0;
    for (size_t i = 0; i < dim; ++i) {  // scalar; a SIMD dot (core/dsp/simd.h) if this ever shows up in a profile
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += double(b[i]) * b[i];
    }
    if (na <= 0.0 || nb <= 0.0) return 0.5;
    return std::clamp((dot / std::sqrt(na * nb) + 1.0) / 2.0, 0.0, 1.0);
}

}  // namespace

EnergyCurve::EnergyCurve(const TrackTimeline& track) : times_s_(track.energy_times_s) {
    if (times_s_.empty()) return;
    std::vector<double> raw(track.energy_db.begin(), track.energy_db.end());
    double lo = percentile(raw, 0.05), hi = percentile(raw, 0.95);
    double span = hi - lo > 1e-9 ? hi - lo : 1.0;
    values_.reserve(raw.size());
    for (double v : raw) values_.push_back(std::clamp((v - lo) / span, 0.0, 1.0));
    size_t n_cells = size_t(std::max(0.0, std::ceil(times_s_.back() / kCellS))) + 1;
    prefix_.push_back(0.0);
    for (size_t k = 0; k < n_cells; ++k) {
        cells_.push_back(at((double(k) + 0.5) * kCellS));
        prefix_.push_back(prefix_.back() + kCellS * cells_.back());
    }
}

double EnergyCurve::integral(double t_s) const {
    if (t_s <= 0) return t_s * values_.front();  // held flat before the curve (and before 0)
    double end_s = double(cells_.size()) * kCellS;
    if (t_s >= end_s) return prefix_.back() + (t_s - end_s) * values_.back();
    size_t k = std::min(cells_.size() - 1, size_t(t_s / kCellS));
    return prefix_[k] + (t_s - double(k) * kCellS) * cells_[k];
}

double EnergyCurve::at(double t_s) const {
    if (times_s_.empty()) return 0.5;
    size_t i = lower_index(times_s_, t_s);
    if (i == 0) return values_.front();
    if (i == times_s_.size()) return values_.back();
    double t0 = times_s_[i - 1], t1 = times_s_[i];
    double f = t1 > t0 ? (t_s - t0) / (t1 - t0) : 0.0;
    return values_[i - 1] + f * (values_[i] - values_[i - 1]);
}

double EnergyCurve::mean(double t0_s, double t1_s) const {
    if (times_s_.empty()) return 0.5;
    if (t1_s <= t0_s) return at(t0_s);
    return (integral(t1_s) - integral(t0_s)) / (t1_s - t0_s);
}

bool beats_reliable(const TrackTimeline& track, const FitOptions& options) {
    return track.beats_s.size() >= 8 && track.bpm > 0.0 && track.beat_confidence >= options.min_beat_confidence;
}

size_t lower_index(const std::vector<double>& sorted, double t_s) {
    return size_t(std::lower_bound(sorted.begin(), sorted.end(), t_s) - sorted.begin());
}

double distance_to_nearest(const std::vector<double>& sorted, double t_s) {
    double best = std::numeric_limits<double>::infinity();
    size_t i = lower_index(sorted, t_s);
    if (i < sorted.size()) best = sorted[i] - t_s;
    if (i > 0) best = std::min(best, t_s - sorted[i - 1]);
    return best;
}

double moment_similarity(const TrackTimeline& track, const EnergyCurve& energy, double a_s, double b_s,
                         double window_s) {
    double before = 1.0 - std::fabs(energy.mean(a_s - window_s, a_s) - energy.mean(b_s - window_s, b_s));
    double after = 1.0 - std::fabs(energy.mean(a_s, a_s + window_s) - energy.mean(b_s, b_s + window_s));
    double energy_sim = (before + after) / 2.0;
    const float* ea = embedding_near(track, a_s - window_s / 2);
    const float* eb = embedding_near(track, b_s - window_s / 2);
    if (ea == nullptr || eb == nullptr) return energy_sim;
    double emb = (cosine01(ea, eb, track.embedding_dim) + cosine01(embedding_near(track, a_s + window_s / 2),
                                                                   embedding_near(track, b_s + window_s / 2),
                                                                   track.embedding_dim)) /
                 2.0;
    return 0.7 * emb + 0.3 * energy_sim;
}

}  // namespace cf::fit_detail
