// cuefinder core — why two tracks match, in words a person reads: what they share that is unusual
// for this catalog, and what differs.
//
//   cf::query::MatchExplainer why(matcher);                       // once per catalog (concept spread)
//   cf::query::MatchWhy w = why.explain(query_values, matcher.track_values(t));
//   w.text();                                                     // "both: piano, sad · more: drums · less: vocals"
//
// Every track of a catalog of electronic music has "electronic" and "instrumental" among its top
// tags, so a list of shared top tags reads the same on every row. Here a concept counts by its
// z-score against the catalog (its value above the catalog mean in standard deviations): shared =
// both tracks well above the catalog (z ≥ shared_z), ranked by the smaller of the two; more/less =
// the result is far from the query (|Δz| ≥ differ_z, and by differ_min in probability) on a concept
// one of them has (z ≥ shared_z), largest difference first. Concepts with the same words
// ("msd:electronic", "mtt:electronic") are named once.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/semantic/text_matcher.h"

namespace cf::query {

struct MatchWhy {
    std::vector<std::string> shared;  ///< concepts both have, unusual for the catalog, strongest first
    std::vector<std::string> more;    ///< the result has much more of these than the query
    std::vector<std::string> less;    ///< the result has much less of these than the query
    /// "both: piano, sad · more: drums · less: vocals" (empty parts left out; "" when nothing stands out).
    std::string text() const;
};

struct MatchWhyOptions {
    float shared_z = 0.5f;   ///< a concept "stands out" in a track from this z on
    float differ_z = 1.25f;  ///< a difference is named from this |Δz| on …
    float differ_min = 0.15f;  ///< … and this difference in probability (0..1): Δz alone is loud on a narrow spread
    size_t max_shared = 3, max_differ = 2;
};

class MatchExplainer {
public:
    /// Reads the catalog's spread of every concept from the matcher (track_values of every track).
    explicit MatchExplainer(const semantic::TextMatcher& matcher, MatchWhyOptions options = {});

    /// Query and result concept values (matcher.concepts() order; NaN = the catalog mean).
    /// Values of another size than the matcher's concepts give an empty MatchWhy.
    MatchWhy explain(std::span<const float> query, std::span<const float> result) const;

private:
    float z(size_t c, float value) const;
    const semantic::TextMatcher* matcher_;
    MatchWhyOptions options_;
    std::vector<float> mean_, sd_;  ///< per concept, over the catalog
};

}  // namespace cf::query
