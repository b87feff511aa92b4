#include "core/catalog/export.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/common/csv.h"
#include "core/common/json.h"

namespace cf {

namespace {

std::string number(float v, int decimals) {
    if (!std::isfinite(v)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, double(v));
    return buf;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += items[i];
    }
    return out;
}

std::string top_tags_text(const TrackMeta& t, size_t n) {
    std::vector<std::string> names;
    for (size_t i = 0; i < t.top_tags.size() && i < n; ++i) names.push_back(t.top_tags[i].label);
    return join(names, "; ");
}

std::string moods_text(const TrackMeta& t) {
    std::string out;
    for (size_t m = 0; m < kNumMoods; ++m) {
        if (!std::isfinite(t.moods[m])) continue;
        if (!out.empty()) out += "; ";
        out += std::string(kMoodNames[m]) + "=" + number(t.moods[m], 2);
    }
    return out;
}

std::string who(const TrackMeta& t) {
    if (!t.artist.empty() && !t.composer.empty() && t.artist != t.composer) return t.artist + " (composer: " + t.composer + ")";
    return !t.artist.empty() ? t.artist : t.composer;
}

}  // namespace

std::vector<ExportRow> export_rows(std::span<const SearchHit> hits) {
    std::vector<ExportRow> rows;
    rows.reserve(hits.size());
    for (const SearchHit& h : hits) rows.push_back({h.track, h.score, h.shared_tags, h.shared_moods, h.match_percent});
    return rows;
}

std::string export_csv(const Catalog& catalog, std::span<const ExportRow> rows) {
    std::string out =
        "rank,id,title,artist,composer,source,license,license_kind,attribution,score,match_percent,bpm,duration_s,"
        "loudness_lufs,top_tags,moods,shared,path\r\n";
    size_t rank = 0;
    for (const ExportRow& r : rows) {
        ++rank;
        if (r.track >= catalog.size()) continue;
        const TrackMeta& t = catalog.tracks()[r.track];
        std::vector<std::string> shared = r.shared_tags;
        shared.insert(shared.end(), r.shared_moods.begin(), r.shared_moods.end());
        const std::string fields[] = {
            std::to_string(rank), t.id, t.title, t.artist, t.composer, t.source, t.license, license_kind(t.license),
            t.attribution, number(r.score, 4), number(r.match_percent, 1), number(t.bpm, 1), number(t.duration_s, 1),
            number(t.loudness_lufs, 1),
            top_tags_text(t, 5), moods_text(t), join(shared, "; "), t.path,
        };
        for (size_t i = 0; i < std::size(fields); ++i) {
            if (i) out += ',';
            out += csv_field(fields[i]);
        }
        out += "\r\n";
    }
    return out;
}

namespace {

void write_export_row(JsonWriter& w, const TrackMeta& t, const ExportRow& r, size_t rank) {
    w.begin_object();
    w.key("rank").value(rank);
    const std::string kind = license_kind(t.license);
    const std::pair<const char*, std::string_view> strings[] = {
        {"id", t.id}, {"title", t.title}, {"artist", t.artist}, {"composer", t.composer}, {"source", t.source},
        {"license", t.license}, {"license_kind", kind}, {"attribution", t.attribution}, {"path", t.path}};
    for (const auto& [key, text] : strings) w.key(key).value(text);
    w.key("score").number(r.score, "%.4f");
    w.key("match_percent").number(r.match_percent, "%.1f");
    w.key("bpm").number(t.bpm, "%.1f");
    w.key("duration_s").number(t.duration_s, "%.1f");
    w.key("loudness_lufs").number(t.loudness_lufs, "%.1f");
    w.key("top_tags").begin_array();
    for (size_t i = 0; i < t.top_tags.size() && i < 5; ++i) w.value(t.top_tags[i].label);
    w.end_array();
    w.key("shared_tags").strings(r.shared_tags);
    w.key("shared_moods").strings(r.shared_moods);
    w.end_object();
}

}  // namespace

std::string export_json(const Catalog& catalog, std::span<const ExportRow> rows, const std::string& query) {
    JsonWriter w;
    w.begin_object();
    w.key("query").value(query);
    w.key("catalog_tracks").value(catalog.size());
    w.key("results").begin_array();
    size_t rank = 0;
    for (const ExportRow& r : rows) {
        ++rank;
        if (r.track < catalog.size()) write_export_row(w, catalog.tracks()[r.track], r, rank);
    }
    w.end_array();
    w.end_object();
    return w.take();
}

std::string attribution_text(const Catalog& catalog, std::span<const ExportRow> rows) {
    std::string out;
    std::set<std::string> licenses;
    std::set<uint32_t> seen;
    for (const ExportRow& r : rows) {
        if (r.track >= catalog.size() || !seen.insert(r.track).second) continue;
        const TrackMeta& t = catalog.tracks()[r.track];
        out += "\"" + (t.title.empty() ? t.id : t.title) + "\"";
        if (const std::string by = who(t); !by.empty()) out += " by " + by;
        out += "\n";
        if (!t.source.empty()) out += "  Source: " + t.source + "\n";
        if (!t.license.empty()) {
            out += "  License: " + t.license + "\n";
            licenses.insert(t.license);
        }
        if (!t.attribution.empty()) out += "  " + t.attribution + "\n";
        out += "\n";
    }
    if (seen.empty()) return "No tracks selected.\n";
    out += "Music found with cuefinder; " + std::to_string(seen.size()) + (seen.size() == 1 ? " track" : " tracks") +
           " under: ";
    out += join(std::vector<std::string>(licenses.begin(), licenses.end()), ", ");
    out += ". Check each license's terms before publishing.\n";
    return out;
}

}  // namespace cf
