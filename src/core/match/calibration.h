// cuefinder core — match scores people can read: a similarity mapped to "match 0–100 %" against the
// catalog it was measured in.
//
//   auto cal = cf::match::calibrate_catalog(catalog);       // once, after the catalog is opened
//   auto hits = catalog.search(query, options);
//   if (cal) cal->apply(*hits);                             // hit.match_percent = cal->percent(hit.score)
//   // any other similarity (a learned projection, a fused score): collect each reference track's
//   // best similarity to the others and build the same mapping from it:
//   auto cal2 = cf::match::calibrate_nearest(n_tracks, [&](uint32_t t) { return best_other(t); });
//
// What the number means. The 200-d embedding's cosines all read 0.85–1.0, and how high "high" is
// depends on the catalog (its size, how varied it is) and on the similarity function. Two ways to
// calibrate were possible:
//   - the percentile among all pairs of catalog tracks: a result in the top 10 of 425 tracks is above
//     ~98 % of pairs by construction, so every listed result reads 98–100 % and says nothing more;
//   - the percentile among the catalog's *nearest-neighbour* similarities (chosen): each reference
//     track's similarity to its closest other track is what a catalog's best match looks like. A
//     score of "match 80 %" means the result is closer to the query than the nearest neighbour of
//     80 % of the catalog's tracks is to that track: a near duplicate reads ~100 %, a typical "most
//     similar track" ~50 %, and the tail of a result list falls off visibly (docs/benchmarks/
//     matching.md shows the spread). A fitted monotone curve would only smooth the same data.
// It is a function of similarity values only (a sorted list of them), so a new similarity space
// keeps the mapping: calibrate it with that space's nearest-neighbour similarities. A dropped file's
// similarities use the same mapping as a catalog track's. The percentile itself is fraction_below(),
// shared with the text/picture calibration (core/semantic/text_matcher.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/common/status.h"

namespace cf {
class Catalog;
struct SearchHit;
}  // namespace cf

namespace cf::match {

/// The fraction of `sorted` (ascending) below `x`, ties counting half, 0..1; 0.5 for an empty list.
float fraction_below(std::span<const float> sorted, float x);

/// Anchors calibrate_catalog() uses at most (evenly spaced over the catalog): 512 nearest-neighbour
/// searches, a percentile step of 0.2 %.
inline constexpr size_t kDefaultMaxAnchors = 512;

/// A monotone map from similarity to match percent, fitted on one catalog's reference similarities.
class MatchCalibration {
public:
    /// `reference`: similarities (any order) of catalog tracks to their nearest neighbours.
    /// Errors (invalid_argument): empty, or a non-finite value (naming its position).
    static Result<MatchCalibration> from_reference(std::vector<float> reference);

    /// 0..100: the percent of reference similarities below `similarity` (ties count half). Non-decreasing
    /// in `similarity`; NaN for NaN (an unscored row stays unscored).
    float percent(float similarity) const;
    /// Sets hit.match_percent = percent(hit.score) for every hit.
    void apply(std::span<SearchHit> hits) const;
    /// The reference similarities, ascending.
    std::span<const float> reference() const { return sorted_; }

private:
    std::vector<float> sorted_;
};

/// Calibrates from the nearest-neighbour similarity of up to `max_anchors` of `n_tracks` tracks
/// (evenly spaced, every track when n_tracks ≤ max_anchors). `nearest(t)` returns the best similarity of
/// track t to any other track, or NaN when it has none (skipped). Errors (invalid_argument): fewer
/// than 2 tracks, max_anchors 0, or no anchor with a neighbour.
Result<MatchCalibration> calibrate_nearest(size_t n_tracks, const std::function<float(uint32_t)>& nearest,
                                           size_t max_anchors = kDefaultMaxAnchors);

/// calibrate_nearest() with the catalog's own search (cosine of its embeddings: exact when the catalog
/// is brute-force searched, the IVF-PQ index's answer for large catalogs). Same errors.
Result<MatchCalibration> calibrate_catalog(const Catalog& catalog, size_t max_anchors = kDefaultMaxAnchors);

}  // namespace cf::match
