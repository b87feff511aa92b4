#include "core/analysis/catalog_entry.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>

#include "core/common/json.h"

namespace cf {

namespace {

Status corrupt(const std::string& what) { return Status(ErrorCode::corrupt, "analysis: " + what); }

/// The member `key` when it is a non-empty string, else "" (JavaScript's `a || b` treats "" as missing).
std::string text_of(const JsonValue* object, const char* key) {
    const JsonValue* v = object ? object->find(key) : nullptr;
    return v && v->is_string() ? v->string() : std::string();
}

std::string first_of(std::initializer_list<std::string> candidates) {
    for (const std::string& c : candidates)
        if (!c.empty()) return c;
    return {};
}

float number_of(const JsonValue& object, const char* key) {
    const JsonValue* v = object.find(key);
    return v && v->is_number() ? float(v->number()) : kUnknown;
}

std::vector<float> floats(const JsonValue* array) {
    std::vector<float> out;
    if (!array) return out;
    for (const JsonValue& v : array->items()) out.push_back(v.is_number() ? float(v.number()) : kUnknown);
    return out;
}

int mood_index(const std::string& key) {
    for (size_t k = 0; k < kNumMoods; ++k)
        if (key == kMoodNames[k]) return int(k);
    return -1;
}

std::vector<TagScore> top_tags_of(const JsonValue& probs, size_t n) {
    std::vector<std::string> labels;
    std::vector<float> values;
    for (const JsonValue::Member& m : probs.members()) {
        if (!m.second.is_number()) continue;
        labels.push_back(m.first);
        values.push_back(float(m.second.number()));
    }
    return top_tags(labels, values, n);
}

std::vector<TimeWindow> windows_of(const JsonValue* windows) {
    std::vector<TimeWindow> out;
    if (!windows) return out;
    auto field = [](const JsonValue& w, size_t i) { return w.items().size() > i && w.items()[i].is_number() ? w.items()[i].number() : 0.0; };
    for (const JsonValue& w : windows->items()) out.push_back({field(w, 0), field(w, 1)});
    return out;
}

// Patch start times from the windows (the JSON has no per-patch times without the taggram).
std::vector<double> patch_starts(const std::vector<TimeWindow>& windows, size_t n_rows, double track_s) {
    std::vector<double> starts;
    if (windows.size() == n_rows) {
        for (const TimeWindow& w : windows) starts.push_back(w.start_s);
        return starts;
    }
    for (const TimeWindow& w : windows)
        for (double t = w.start_s; t < w.start_s + w.duration_s && starts.size() < n_rows; t += patch_duration_s()) starts.push_back(t);
    while (starts.size() < n_rows) starts.push_back(starts.empty() ? 0.0 : std::min(track_s, starts.back() + patch_duration_s()));
    return starts;
}

std::vector<double> doubles(const JsonValue* array) {
    std::vector<double> out;
    if (array)
        for (const JsonValue& v : array->items()) out.push_back(v.is_number() ? v.number() : std::nan(""));
    return out;
}

// Beats, the RMS energy curve (null points — silence — at its floor) and the per-patch embeddings at
// their patches' centres: what fitting a track to a clip needs (core/fit/fit.h).
TrackTimeline timeline_of(const JsonValue& a, double track_s) {
    TrackTimeline t;
    t.duration_s = track_s;
    const double bpm = number_of(a, "bpm");
    if (bpm > 0) {
        t.bpm = bpm;
        const double confidence = number_of(a, "bpm_confidence");
        t.beat_confidence = std::isfinite(confidence) ? std::clamp(confidence, 0.0, 1.0) : 0.0;
        t.beats_s = doubles(a.find("beats_s"));
    }
    if (const JsonValue* energy = a.find("energy")) {
        t.energy_times_s = doubles(energy->find("times_s"));
        for (double db : doubles(energy->find("rms_dbfs"))) t.energy_db.push_back(std::isfinite(db) ? float(db) : -120.0f);
    }
    const JsonValue* e = a.find("embedding");
    const std::vector<float> mean = floats(e ? e->find("values") : nullptr);
    t.embeddings = floats(e ? e->find("per_patch") : nullptr);
    const size_t n_rows = mean.empty() ? 0 : t.embeddings.size() / mean.size();
    t.embeddings.resize(n_rows * mean.size());
    t.embedding_dim = mean.size();
    for (double start : patch_starts(windows_of(a.find("windows")), n_rows, track_s))
        t.embedding_times_s.push_back(std::min(track_s, start + patch_duration_s() / 2));
    return t;
}

Segment segment_of(const JsonValue& a, double track_s, double segment_s) {
    const JsonValue* e = a.find("embedding");
    const std::vector<float> mean = floats(e ? e->find("values") : nullptr);
    const std::vector<float> per_patch = floats(e ? e->find("per_patch") : nullptr);
    const size_t n_rows = mean.empty() ? 0 : per_patch.size() / mean.size();
    const std::vector<TimeWindow> windows = windows_of(a.find("windows"));
    const std::vector<TimeWindow> spans = patch_spans(windows, patch_starts(windows, n_rows, track_s), track_s);
    return representative_segment(per_patch, mean, spans, track_s, segment_s);
}

// The mean embedding at unit length (in double, as the build always did, so the bytes stay the same).
Result<std::vector<float>> unit_embedding(const JsonValue& a) {
    const JsonValue* e = a.find("embedding");
    const JsonValue* values = e ? e->find("values") : nullptr;
    if (!values || values->items().empty()) return Status(ErrorCode::invalid_argument, "the analysis has no embedding");
    double sum = 0;
    for (const JsonValue& v : values->items()) sum += v.number() * v.number();
    const double norm = sum > 0 ? std::sqrt(sum) : 1.0;
    std::vector<float> out;
    for (const JsonValue& v : values->items()) out.push_back(float(v.number() / norm));
    return out;
}

Result<std::vector<float>> tag_probs_of(const JsonValue& a, const std::vector<std::string>& labels) {
    const JsonValue* tags = a.find("tags");
    std::vector<float> out;
    for (const std::string& l : labels) {
        const size_t colon = l.find(':');
        const JsonValue* set = tags && colon != std::string::npos ? tags->find(l.substr(0, colon)) : nullptr;
        const JsonValue* p = set ? set->find(l.substr(colon + 1)) : nullptr;
        if (!p || !p->is_number() || !std::isfinite(p->number()))
            return Status(ErrorCode::invalid_argument, "the analysis has no probability for the tag " + json_quote(l));
        out.push_back(float(p->number()));
    }
    return out;
}

std::string title_from_file_name(const std::string& name) {
    std::string stem = name;
    for (const char* ext : {".wav", ".mp3", ".flac", ".ogg", ".oga", ".opus"}) {
        const std::string e = ext;
        if (stem.size() < e.size()) continue;
        std::string tail = stem.substr(stem.size() - e.size());
        for (char& c : tail) c = char(std::tolower(static_cast<unsigned char>(c)));
        if (tail == e) {
            stem.resize(stem.size() - e.size());
            break;
        }
    }
    std::string out;
    bool in_run = false;
    for (char c : stem) {
        const bool sep = c == '_' || c == '-';
        if (!sep) out += c;
        else if (!in_run) out += ' ';
        in_run = sep;
    }
    return out;
}

void fill_text_fields(TrackMeta& m, const JsonValue& t, const JsonValue* tag) {
    m.title = first_of({text_of(&t, "title"), text_of(tag, "title"), title_from_file_name(text_of(&t, "file_name"))});
    m.artist = first_of({text_of(&t, "artist"), text_of(tag, "artist")});
    m.composer = first_of({text_of(&t, "composer"), text_of(tag, "composer")});
    m.genre = first_of({text_of(&t, "genre"), text_of(tag, "genre")});
    m.source = text_of(&t, "source");
    m.license = first_of({text_of(&t, "license"), text_of(tag, "license"), text_of(tag, "copyright")});
    m.attribution = text_of(&t, "attribution");
    if (m.attribution.empty()) {
        for (const std::string& part : {m.title, first_of({m.artist, m.composer}), m.source,
                                        first_of({text_of(&t, "license"), text_of(tag, "license")})})
            if (!part.empty()) m.attribution += (m.attribution.empty() ? "" : " \xE2\x80\x94 ") + part;
    }
    m.path = text_of(&t, "path");
    m.preview = text_of(&t, "preview");
    for (std::string* f : {&m.id, &m.title, &m.artist, &m.composer, &m.genre, &m.source, &m.license, &m.attribution, &m.path,
                           &m.preview})
        *f = one_line(*f);
}

void fill_numbers(TrackMeta& m, const JsonValue& a, const TrackSummary& s) {
    m.duration_s = number_of(a, "duration_s");
    const float bpm = number_of(a, "bpm");
    if (bpm > 0) {  // 0: no tempo found
        m.bpm = bpm;
        m.bpm_confidence = number_of(a, "bpm_confidence");
    }
    m.loudness_lufs = number_of(a, "loudness_lufs");
    m.top_tags = s.top_tags("msd");
    m.moods = s.moods;
    m.segment_start_s = float(s.segment_start_s);
    m.segment_duration_s = float(s.segment_duration_s);
}

}  // namespace

std::string one_line(std::string_view text) {
    std::string out;
    bool in_break = false;
    for (char c : text) {
        const bool brk = c == '\t' || c == '\r' || c == '\n';
        if (!brk) out += c;
        else if (!in_break) out += ' ';
        in_break = brk;
    }
    const size_t first = out.find_first_not_of(" \t\n\r\f\v");
    if (first == std::string::npos) return {};
    const size_t last = out.find_last_not_of(" \t\n\r\f\v");
    return out.substr(first, last - first + 1);
}

Result<TrackSummary> summarize_analysis_json(const JsonValue& a, const SummaryOptions& options) {
    if (!a.is_object()) return corrupt("not a JSON object");
    const JsonValue* duration = a.find("duration_s");
    if (!duration || !duration->is_number()) return corrupt("no duration_s");
    TrackSummary s;
    if (const JsonValue* tags = a.find("tags"))
        for (const JsonValue::Member& m : tags->members()) s.top_tags_by_model[m.first] = top_tags_of(m.second, options.n_top_tags);
    if (const JsonValue* moods = a.find("moods"))
        for (const JsonValue::Member& m : moods->members())
            if (const int k = mood_index(m.first); k >= 0 && m.second.is_number()) s.moods[size_t(k)] = float(m.second.number());
    const Segment seg = segment_of(a, duration->number(), options.segment_duration_s);
    s.segment_start_s = seg.start_s;
    s.segment_duration_s = seg.duration_s;
    return s;
}

Result<CatalogEntry> catalog_entry(const JsonValue& a, const JsonValue& t, const std::vector<std::string>& tag_labels) {
    const std::string id = text_of(&t, "id");
    if (!t.is_object() || id.empty()) return Status(ErrorCode::invalid_argument, "catalog track: no \"id\" (a non-empty string)");
    auto fail = [&](const Status& st) { return Status(ErrorCode::invalid_argument, "track " + json_quote(id) + ": " + st.message()); };
    if (const JsonValue* e = a.find("error"); e && e->is_string())
        return fail(Status(ErrorCode::invalid_argument, "the analysis failed: " + e->string()));
    auto summary = summarize_analysis_json(a);
    if (!summary) return fail(summary.status());
    CatalogEntry entry;
    auto embedding = unit_embedding(a);
    if (!embedding) return fail(embedding.status());
    entry.embedding = std::move(*embedding);
    auto probs = tag_probs_of(a, tag_labels);
    if (!probs) return fail(probs.status());
    entry.tag_probs = std::move(*probs);
    entry.meta.id = id;
    const JsonValue* file_tags = a.find("metadata");
    fill_text_fields(entry.meta, t, file_tags && file_tags->is_object() ? file_tags : nullptr);
    fill_numbers(entry.meta, a, *summary);
    entry.timeline = timeline_of(a, number_of(a, "duration_s"));
    if (Status st = validate(entry.timeline); !st) return fail(st);
    return entry;
}

}  // namespace cf
