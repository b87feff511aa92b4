#include "bindings/web/search_options.h"

#include <cstdlib>
#include <sstream>

namespace cf::web {

std::vector<std::vector<std::string>> parse_records(const char* text) {
    std::vector<std::vector<std::string>> out;
    std::stringstream in(text ? text : "");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> fields;
        size_t start = 0;
        for (;;) {
            const size_t tab = line.find('\t', start);
            fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        out.push_back(std::move(fields));
    }
    return out;
}

float parse_float(const std::string& s) {
    if (s.empty() || s == "null" || s == "nan") return kUnknown;
    char* end = nullptr;
    const float v = std::strtof(s.c_str(), &end);
    return end == s.c_str() ? kUnknown : v;
}

int mood_index(const std::string& name) {
    for (size_t i = 0; i < kNumMoods; ++i)
        if (name == kMoodNames[i]) return int(i);
    return -1;
}

Result<SearchOptions> parse_search_options(const char* text) {
    SearchOptions o;
    for (const auto& f : parse_records(text)) {
        const std::string& key = f[0];
        auto need = [&](size_t n) { return f.size() >= n; };
        if (key == "k" && need(2)) {
            const long k = std::strtol(f[1].c_str(), nullptr, 10);
            if (k < 1 || k > 100000) return Status(ErrorCode::invalid_argument, "k must be in [1, 100000], got " + f[1]);
            o.k = size_t(k);
        } else if (key == "bpm_min" && need(2)) o.filters.bpm_min = parse_float(f[1]);
        else if (key == "bpm_max" && need(2)) o.filters.bpm_max = parse_float(f[1]);
        else if (key == "duration_min_s" && need(2)) o.filters.duration_min_s = parse_float(f[1]);
        else if (key == "duration_max_s" && need(2)) o.filters.duration_max_s = parse_float(f[1]);
        else if (key == "license" && need(2)) o.filters.license_kinds.push_back(f[1]);
        else if (key == "exact") o.exact = true;
        else if (key == "mood_min" && need(3)) {
            const int m = mood_index(f[1]);
            if (m < 0) return Status(ErrorCode::invalid_argument, "unknown mood '" + f[1] + "' (happy, sad, relaxed, aggressive, danceable)");
            o.filters.mood_min[size_t(m)] = parse_float(f[2]);
        } else if (key == "query_tag" && need(3)) o.query_tags.push_back({f[1], parse_float(f[2])});
        else if (key == "query_mood" && need(3)) {
            const int m = mood_index(f[1]);
            if (m >= 0) o.query_moods[size_t(m)] = parse_float(f[2]);
        } else {
            return Status(ErrorCode::invalid_argument, "unknown search option '" + key + "'");
        }
    }
    return o;
}

}  // namespace cf::web
