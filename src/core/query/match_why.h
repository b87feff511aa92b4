// cuefinder core — why two tracks match, in words a person reads: what they share that is unusual
// for this catalog, and what differs.
//
//   cf::query::MatchExplainer why(catalog);          // once per catalog: every concept's spread
//   cf::query::MatchWhy w = why.explain(why.track_values(q), why.track_values(t));
//   w.text();                                        // "both: piano, sad · more: drums · less: vocals"
//   auto file = why.values_of([&](std::string_view key) { return analysis_prob(key); });  // a dropped file
//
// The concepts are the catalog's tag labels ("msd:rock", "mtt:piano": its TAGP section) and the five
// moods ("mood:happy"). Every track of a catalog of electronic music has "electronic" and
// "instrumental" among its top tags, so a list of shared top tags reads the same on every row. Here a
// concept counts by its z-score against the catalog (its value above the catalog mean in standard
// deviations): shared = both tracks well above the catalog (z ≥ shared_z), ranked by the smaller of
// the two; more/less = the result is far from the query (|Δz| ≥ differ_z, and by differ_min in
// probability) on a concept one of them has (z ≥ shared_z), largest difference first. Concepts of one
// topic are named once: the same words ("msd:electronic", "mtt:electronic") or a shared word ("female
// vocals", "female voice"; plural s ignored).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/catalog/catalog.h"

namespace cf::query {

struct MatchWhy {
    std::vector<std::string> shared;  ///< concepts both have, unusual for the catalog, strongest first
    std::vector<std::string> more;    ///< the result has much more of these than the query
    std::vector<std::string> less;    ///< the result has much less of these than the query
    /// "both: piano, sad · more: drums · less: vocals" (empty parts left out; "" when nothing stands out).
    std::string text() const;
    /// For a short column: "piano", "sad", "more drums", "less vocals".
    std::vector<std::string> words() const;
};

struct MatchWhyOptions {
    float shared_z = 0.5f;     ///< a concept "stands out" in a track from this z on
    float differ_z = 1.25f;    ///< a difference is named from this |Δz| on …
    float differ_min = 0.15f;  ///< … and this difference in probability (0..1): Δz alone is loud on a narrow spread
    size_t max_shared = 3, max_differ = 2;
};

class MatchExplainer {
public:
    /// Reads every concept's spread over the catalog (kept by reference: it must outlive this).
    explicit MatchExplainer(const Catalog& catalog, MatchWhyOptions options = {});

    size_t n_concepts() const { return keys_.size(); }
    const std::vector<std::string>& keys() const { return keys_; }  ///< "msd:rock", …, "mood:happy"
    /// A catalog track's values, keys() order (a mood the track lacks is NaN).
    std::vector<float> track_values(uint32_t track) const;
    /// An outside item's values: `prob(key)` per key, NaN when unknown.
    std::vector<float> values_of(const std::function<float(std::string_view key)>& prob) const;
    /// Values of another size than n_concepts() give an empty MatchWhy; NaN = the catalog mean.
    MatchWhy explain(std::span<const float> query, std::span<const float> result) const;

private:
    float z(size_t c, float value) const;
    /// Words of (rank key, concept) pairs, best first, each words once, at most n.
    std::vector<std::string> words_of(std::vector<std::pair<float, size_t>> ranked, size_t n, std::vector<std::string>* seen) const;
    const Catalog* catalog_;
    MatchWhyOptions options_;
    std::vector<std::string> keys_, words_;
    std::vector<float> mean_, sd_;  ///< per concept, over the catalog
};

}  // namespace cf::query
