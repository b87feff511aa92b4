#include "core/match/calibration.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/catalog/catalog.h"

namespace cf::match {

float fraction_below(std::span<const float> s, float x) {
    if (s.empty()) return 0.5f;
    const auto lo = std::lower_bound(s.begin(), s.end(), x);
    const auto hi = std::upper_bound(lo, s.end(), x);
    return float((double(lo - s.begin()) + 0.5 * double(hi - lo)) / double(s.size()));
}

Result<MatchCalibration> MatchCalibration::from_reference(std::vector<float> reference) {
    if (reference.empty())
        return Status(ErrorCode::invalid_argument, "match calibration: no reference similarities");
    for (size_t i = 0; i < reference.size(); ++i)
        if (!std::isfinite(reference[i]))
            return Status(ErrorCode::invalid_argument,
                          "match calibration: reference similarity " + std::to_string(i) + " is not finite");
    MatchCalibration c;
    c.sorted_ = std::move(reference);
    std::sort(c.sorted_.begin(), c.sorted_.end());
    return c;
}

float MatchCalibration::percent(float similarity) const {
    if (std::isnan(similarity)) return similarity;
    return 100.0f * fraction_below(sorted_, similarity);
}

void MatchCalibration::apply(std::span<SearchHit> hits) const {
    for (SearchHit& h : hits) h.match_percent = percent(h.score);
}

Result<MatchCalibration> calibrate_nearest(size_t n_tracks, const std::function<float(uint32_t)>& nearest,
                                           size_t max_anchors) {
    if (n_tracks < 2)
        return Status(ErrorCode::invalid_argument, "match calibration: needs at least 2 tracks, got " +
                                                       std::to_string(n_tracks));
    if (max_anchors == 0) return Status(ErrorCode::invalid_argument, "match calibration: max_anchors is 0");
    const size_t n_anchors = std::min(n_tracks, max_anchors);
    std::vector<float> reference;
    reference.reserve(n_anchors);
    for (size_t a = 0; a < n_anchors; ++a) {
        // Evenly spaced: a catalog sorted by source still contributes every part of itself.
        const float s = nearest(uint32_t(a * n_tracks / n_anchors));
        if (std::isfinite(s)) reference.push_back(s);
    }
    if (reference.empty())
        return Status(ErrorCode::invalid_argument, "match calibration: no track has a nearest neighbour");
    return MatchCalibration::from_reference(std::move(reference));
}

Result<MatchCalibration> calibrate_catalog(const Catalog& catalog, size_t max_anchors) {
    SearchOptions o;
    o.k = 1;
    auto nearest = [&](uint32_t t) {
        o.exclude_track = t;
        auto hits = catalog.search(catalog.embedding(t), o);
        return hits && !hits->empty() ? hits->front().score : kUnknown;
    };
    return calibrate_nearest(catalog.size(), nearest, max_anchors);
}

}  // namespace cf::match
