// Internals of core/fit: the track's energy normalised to [0, 1], beat grids and the similarity of
// two moments of a track. Not a stable API.
#pragma once

#include <cstddef>
#include <vector>

#include "core/fit/fit.h"

namespace cf::fit_detail {

/// The track's energy curve mapped to [0, 1] by its 5th..95th percentile (clamped), sampled by linear
/// interpolation (held flat beyond the ends). An empty curve reads 0.5 everywhere.
class EnergyCurve {
public:
    explicit EnergyCurve(const TrackTimeline& track);
    double at(double t_s) const;
    /// Mean over [t0_s, t1_s] in O(1): the curve is held in 0.1 s cells (the curve's usual hop is
    /// 0.5 s) with running sums, since the segment search asks for hundreds of thousands of means.
    double mean(double t0_s, double t1_s) const;
    bool empty() const { return times_s_.empty(); }

private:
    double integral(double t_s) const;  ///< ∫ from 0 to t_s of the cell-held curve

    std::vector<double> times_s_;
    std::vector<double> values_;
    std::vector<double> cells_;   ///< at() at the middle of each 0.1 s cell from 0
    std::vector<double> prefix_;  ///< prefix_[k] = 0.1 · (cells_[0] + … + cells_[k − 1])
};

/// Whether the beats are trusted (confidence, count); see fit.h.
bool beats_reliable(const TrackTimeline& track, const FitOptions& options);

/// Distance from t_s to the nearest element of the ascending `sorted` (infinity when empty).
double distance_to_nearest(const std::vector<double>& sorted, double t_s);

/// Index of the first element ≥ t_s.
size_t lower_index(const std::vector<double>& sorted, double t_s);

/// How alike the music around track times a and b is, 0..1: the mean of (cosine + 1) / 2 of the
/// embeddings just before and just after each point (when the track has an embedding timeline), and
/// of 1 − |energy difference| over `window_s` before and after; 0.7 / 0.3 when both exist.
double moment_similarity(const TrackTimeline& track, const EnergyCurve& energy, double a_s, double b_s,
                         double window_s);

}  // namespace cf::fit_detail
