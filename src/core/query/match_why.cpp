#include "core/query/match_why.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/semantic/concepts.h"

namespace cf::query {

namespace {

constexpr float kMinSd = 0.02f;  // probabilities that barely vary in a catalog say nothing

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : ", ") + w;
    return s;
}

// "female vocals" → {"female", "vocal"}: words of one topic share a token ("female voice", "female vocal").
std::vector<std::string> tokens(const std::string& words) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < words.size()) {
        const size_t j = words.find_first_of(" ,-", i);
        std::string t = words.substr(i, j == std::string::npos ? std::string::npos : j - i);
        if (t.size() > 3 && t.back() == 's') t.pop_back();
        if (!t.empty()) out.push_back(std::move(t));
        if (j == std::string::npos) break;
        i = j + 1;
    }
    return out;
}

bool same_topic(const std::string& a, const std::vector<std::string>& seen) {
    const std::vector<std::string> ta = tokens(a);
    for (const std::string& s : seen)
        for (const std::string& t : tokens(s))
            if (std::find(ta.begin(), ta.end(), t) != ta.end()) return true;
    return false;
}

std::string words_of_key(const std::string& key) {
    const size_t colon = key.find(':');
    if (colon == std::string::npos) return key;
    return semantic::concept_words(std::string_view(key).substr(0, colon), std::string_view(key).substr(colon + 1));
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

std::vector<std::string> MatchWhy::words() const {
    std::vector<std::string> out = shared;
    for (const std::string& w : more) out.push_back("more " + w);
    for (const std::string& w : less) out.push_back("less " + w);
    return out;
}

MatchExplainer::MatchExplainer(const Catalog& catalog, MatchWhyOptions options) : catalog_(&catalog), options_(options) {
    keys_ = catalog.tag_labels();
    for (const char* m : kMoodNames) keys_.push_back(std::string("mood:") + m);
    for (const std::string& k : keys_) words_.push_back(words_of_key(k));
    const size_t c_n = keys_.size();
    std::vector<double> sum(c_n, 0.0), sum2(c_n, 0.0), count(c_n, 0.0);
    for (uint32_t t = 0; t < catalog.size(); ++t) {
        const std::vector<float> v = track_values(t);
        for (size_t c = 0; c < c_n; ++c)
            if (std::isfinite(v[c])) sum[c] += v[c], sum2[c] += double(v[c]) * v[c], count[c] += 1;
    }
    mean_.assign(c_n, 0.0f);
    sd_.assign(c_n, 0.0f);
    for (size_t c = 0; c < c_n; ++c) {
        if (count[c] == 0) continue;
        const double m = sum[c] / count[c];
        mean_[c] = float(m);
        sd_[c] = float(std::sqrt(std::max(0.0, sum2[c] / count[c] - m * m)));
    }
}

std::vector<float> MatchExplainer::track_values(uint32_t track) const {
    std::vector<float> v;
    v.reserve(keys_.size());
    const size_t n_tags = catalog_->tag_labels().size();
    for (size_t l = 0; l < n_tags; ++l) v.push_back(catalog_->tag_prob(track, l));
    for (float m : catalog_->tracks()[track].moods) v.push_back(m);
    return v;
}

std::vector<float> MatchExplainer::values_of(const std::function<float(std::string_view key)>& prob) const {
    std::vector<float> v;
    v.reserve(keys_.size());
    for (const std::string& k : keys_) v.push_back(prob(k));
    return v;
}

float MatchExplainer::z(size_t c, float value) const {
    if (!std::isfinite(value)) return 0.0f;
    return (value - mean_[c]) / sd_[c];
}

std::vector<std::string> MatchExplainer::words_of(std::vector<std::pair<float, size_t>> ranked, size_t n,
                                                  std::vector<std::string>* seen) const {
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (const auto& [key, index] : ranked) {
        if (out.size() == n) break;
        const std::string& w = words_[index];
        if (same_topic(w, *seen)) continue;  // "female voice" after "female vocals"
        seen->push_back(w);
        out.push_back(w);
    }
    return out;
}

MatchWhy MatchExplainer::explain(std::span<const float> query, std::span<const float> result) const {
    MatchWhy why;
    const size_t c_n = keys_.size();
    if (query.size() != c_n || result.size() != c_n) return why;
    std::vector<std::pair<float, size_t>> shared, more, less;
    for (size_t c = 0; c < c_n; ++c) {
        if (!(sd_[c] >= kMinSd)) continue;
        const float zq = z(c, query[c]), zr = z(c, result[c]);
        if (zq >= options_.shared_z && zr >= options_.shared_z) shared.push_back({std::min(zq, zr), c});
        if (std::max(zq, zr) < options_.shared_z || std::fabs(zr - zq) < options_.differ_z) continue;
        if (!(std::fabs(result[c] - query[c]) >= options_.differ_min)) continue;
        (zr > zq ? more : less).push_back({std::fabs(zr - zq), c});
    }
    std::vector<std::string> seen;
    why.shared = words_of(std::move(shared), options_.max_shared, &seen);
    why.more = words_of(std::move(more), options_.max_differ, &seen);
    why.less = words_of(std::move(less), options_.max_differ, &seen);
    return why;
}

}  // namespace cf::query
