#include "bindings/web/search_options.h"

#include <cmath>
#include <optional>
#include <type_traits>

namespace cf::web {
namespace {

Status bad(const std::string& key, const std::string& what) {
    return Status(ErrorCode::invalid_argument, "search option '" + key + "': " + what);
}

// A number or null (unknown) into `out`.
Status number_or_null(const std::string& key, const JsonValue& v, float& out) {
    if (v.is_null()) return out = kUnknown, Status();
    if (!v.is_number()) return bad(key, "expected a number or null");
    out = float(v.number());
    return Status();
}

// A bound: a number, or null for no bound.
Status bound(const std::string& key, const JsonValue& v, std::optional<float>& out) {
    float x = kUnknown;
    if (Status st = number_or_null(key, v, x); !st) return st;
    out = v.is_null() ? std::nullopt : std::optional<float>(x);
    return Status();
}

// {"name": number|null, ...} into per-mood values (float, or optional bounds); unknown moods are an
// error unless `skip_unknown`.
template <typename T>
Status mood_values(const std::string& key, const JsonValue& v, std::array<T, kNumMoods>& out, bool skip_unknown) {
    if (!v.is_object()) return bad(key, "expected an object {\"mood\": value}");
    for (const auto& [name, value] : v.members()) {
        const int m = mood_index(name);
        if (m < 0 && skip_unknown) continue;
        if (m < 0) return bad(key, "unknown mood '" + name + "' (happy, sad, relaxed, aggressive, danceable)");
        Status st;
        if constexpr (std::is_same_v<T, float>) st = number_or_null(key + "." + name, value, out[size_t(m)]);
        else st = bound(key + "." + name, value, out[size_t(m)]);
        if (!st) return st;
    }
    return Status();
}

Status tag_values(const std::string& key, const JsonValue& v, std::vector<TagScore>& out) {
    if (!v.is_object()) return bad(key, "expected an object {\"tag\": probability}");
    for (const auto& [label, value] : v.members()) {
        float p = kUnknown;
        if (Status st = number_or_null(key + "." + label, value, p); !st) return st;
        out.push_back({label, p});
    }
    return Status();
}

Status licenses(const std::string& key, const JsonValue& v, std::vector<std::string>& out) {
    if (!v.is_array()) return bad(key, "expected an array of license kinds");
    for (const JsonValue& item : v.items()) {
        if (!item.is_string()) return bad(key, "expected an array of strings");
        out.push_back(item.string());
    }
    return Status();
}

Status k_value(const std::string& key, const JsonValue& v, size_t& out) {
    if (!v.is_number() || v.number() != std::floor(v.number())) return bad(key, "expected an integer");
    if (v.number() < 1 || v.number() > 100000) return bad(key, "must be in [1, 100000], got " + std::to_string(long(v.number())));
    out = size_t(v.number());
    return Status();
}

}  // namespace

int mood_index(const std::string& name) {
    for (size_t i = 0; i < kNumMoods; ++i)
        if (name == kMoodNames[i]) return int(i);
    return -1;
}

Result<bool> apply_search_option(const std::string& key, const JsonValue& v, SearchOptions& o) {
    Status st;
    SearchFilters& f = o.filters;
    if (key == "k") st = k_value(key, v, o.k);
    else if (key == "bpm_min") st = bound(key, v, f.bpm_min);
    else if (key == "bpm_max") st = bound(key, v, f.bpm_max);
    else if (key == "duration_min_s") st = bound(key, v, f.duration_min_s);
    else if (key == "duration_max_s") st = bound(key, v, f.duration_max_s);
    else if (key == "license") st = licenses(key, v, f.license_kinds);
    else if (key == "exact") st = v.is_bool() ? (o.exact = v.boolean(), Status()) : bad(key, "expected true or false");
    else if (key == "mood_min") st = mood_values(key, v, f.mood_min, false);
    else if (key == "query_tags") st = tag_values(key, v, o.query_tags);
    else if (key == "query_moods") st = mood_values(key, v, o.query_moods, true);
    else return false;
    if (!st) return st;
    return true;
}

Result<SearchOptions> parse_search_options(const char* json_text) {
    auto r = parse_search_request(json_text);
    if (!r) return r.status();
    if (!r->query_concepts.empty()) return Status(ErrorCode::invalid_argument, "unknown search option 'query_concepts'");
    return std::move(r->options);
}

Result<SearchRequest> parse_search_request(const char* json_text) {
    SearchRequest r;
    SearchOptions& o = r.options;
    if (!json_text || !*json_text) return r;
    auto v = parse_json(json_text);
    if (!v) return Status(ErrorCode::invalid_argument, "search options: " + v.status().message());
    if (!v->is_object()) return Status(ErrorCode::invalid_argument, "search options: expected a JSON object");
    for (const auto& [key, value] : v->members()) {
        if (key == "query_concepts") {
            if (Status st = tag_values(key, value, r.query_concepts); !st) return st;
            continue;
        }
        auto known = apply_search_option(key, value, o);
        if (!known) return known.status();
        if (!*known) return Status(ErrorCode::invalid_argument, "unknown search option '" + key + "'");
    }
    return r;
}

}  // namespace cf::web
