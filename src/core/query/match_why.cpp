#include "core/query/match_why.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cf::query {

namespace {

constexpr float kMinSd = 0.02f;  // probabilities that barely vary in a catalog say nothing

struct Ranked {
    float key;
    size_t index;
};

// The words of the ranked concepts, best first, each words once, at most `n`.
std::vector<std::string> words_of(std::vector<Ranked> ranked, const semantic::TextMatcher& m, size_t n,
                                  std::vector<std::string>* seen) {
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.key > b.key; });
    std::vector<std::string> out;
    for (const Ranked& r : ranked) {
        if (out.size() == n) break;
        const std::string& w = m.concepts()[r.index].words;
        if (std::find(seen->begin(), seen->end(), w) != seen->end()) continue;
        seen->push_back(w);
        out.push_back(w);
    }
    return out;
}

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : ", ") + w;
    return s;
}

}  // namespace

std::string MatchWhy::text() const {
    std::string s;
    auto part = [&](const char* name, const std::vector<std::string>& words) {
        if (words.empty()) return;
        s += (s.empty() ? "" : " · ") + std::string(name) + ": " + join(words);
    };
    part("both", shared);
    part("more", more);
    part("less", less);
    return s;
}

MatchExplainer::MatchExplainer(const semantic::TextMatcher& matcher, MatchWhyOptions options)
    : matcher_(&matcher), options_(options) {
    const size_t c_n = matcher.n_concepts(), n = matcher.n_tracks();
    std::vector<double> sum(c_n, 0.0), sum2(c_n, 0.0);
    for (uint32_t t = 0; t < n; ++t) {
        const std::span<const float> v = matcher.track_values(t);
        for (size_t c = 0; c < c_n; ++c) sum[c] += v[c], sum2[c] += double(v[c]) * v[c];
    }
    mean_.resize(c_n);
    sd_.resize(c_n);
    for (size_t c = 0; c < c_n; ++c) {
        const double m = n ? sum[c] / double(n) : 0.0;
        mean_[c] = float(m);
        sd_[c] = float(n ? std::sqrt(std::max(0.0, sum2[c] / double(n) - m * m)) : 0.0);
    }
}

float MatchExplainer::z(size_t c, float value) const {
    if (!std::isfinite(value)) return 0.0f;
    return (value - mean_[c]) / sd_[c];
}

MatchWhy MatchExplainer::explain(std::span<const float> query, std::span<const float> result) const {
    MatchWhy why;
    const size_t c_n = mean_.size();
    if (query.size() != c_n || result.size() != c_n) return why;
    std::vector<Ranked> shared, more, less;
    for (size_t c = 0; c < c_n; ++c) {
        if (!(sd_[c] >= kMinSd)) continue;
        const float zq = z(c, query[c]), zr = z(c, result[c]);
        if (zq >= options_.shared_z && zr >= options_.shared_z) shared.push_back({std::min(zq, zr), c});
        if (std::max(zq, zr) < options_.shared_z || std::fabs(zr - zq) < options_.differ_z) continue;
        if (!(std::fabs(result[c] - query[c]) >= options_.differ_min)) continue;
        (zr > zq ? more : less).push_back({std::fabs(zr - zq), c});
    }
    std::vector<std::string> seen;
    why.shared = words_of(std::move(shared), *matcher_, options_.max_shared, &seen);
    why.more = words_of(std::move(more), *matcher_, options_.max_differ, &seen);
    why.less = words_of(std::move(less), *matcher_, options_.max_differ, &seen);
    return why;
}

}  // namespace cf::query
