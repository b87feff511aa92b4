// cuefinder app session — a query from an analysis or a catalog track.
#include "app/session/query.h"

#include "core/analysis/track_summary.h"

#include <algorithm>
#include <cmath>

namespace cf::app {

namespace {

// The taggram: the top tags' probability per analysed patch (at most 8 rows).
void set_taggram(Query& q, const AudioModel& m, const ModelResult& r, const std::vector<TagScore>& tags) {
    std::vector<size_t> rows;
    for (const TagScore& t : tags)
        for (size_t j = 0; j < m.labels.size(); ++j)
            if (m.labels[j] == t.label) rows.push_back(j);
    if (rows.size() > 8) rows.resize(8);
    const size_t cols = r.patches.size();
    q.taggram.assign(rows.size() * cols, 0.0f);
    q.taggram_labels.clear();
    for (size_t ri = 0; ri < rows.size(); ++ri) {
        q.taggram_labels.push_back(m.labels[rows[ri]]);
        for (size_t c = 0; c < cols; ++c) q.taggram[ri * cols + c] = r.per_patch[c * r.n_outputs + rows[ri]];
    }
}

// A tag model's top tags (the core's track summary) become the query's tags (MSD, or the first tag
// model that is not MTT) with the taggram, or its MTT tags.
void add_tags(Query& q, const AudioModel& m, const ModelResult& r, std::vector<TagScore> tags) {
    for (size_t j = 0; j < r.mean.size() && j < m.labels.size(); ++j) q.all_tags[m.key + ":" + m.labels[j]] = r.mean[j];
    if (m.key == "msd" || (q.tags.empty() && m.key != "mtt")) {
        set_taggram(q, m, r, tags);
        q.tags = std::move(tags);
    } else {
        q.mtt_tags = std::move(tags);
    }
}

}  // namespace

Query query_from_analysis(const TrackAnalysis& a, const std::vector<AudioModel>& models, const std::string& name) {
    Query q;
    q.kind = Query::Kind::file;
    q.name = name;
    q.embedding = a.embedding;
    q.duration_s = float(a.duration_s);
    q.codec = audio_codec_name(a.info.codec);
    q.sample_rate_hz = a.info.source_rate_hz;
    q.channels = a.info.n_source_channels;
    if (auto it = a.info.tags.find("title"); it != a.info.tags.end() && !it->second.empty()) {
        q.title = it->second;
        if (auto ar = a.info.tags.find("artist"); ar != a.info.tags.end() && !ar->second.empty()) q.title += " - " + ar->second;
    }
    q.bpm = a.tempo.bpm > 0 ? float(a.tempo.bpm) : kUnknown;
    q.bpm_confidence = float(a.tempo.confidence);
    q.loudness_lufs = a.loudness.has_loudness ? float(a.loudness.integrated_lufs) : kUnknown;
    q.loudness_range_lu = float(a.loudness.loudness_range_lu);
    q.waveform_min = a.waveform_min;
    q.waveform_max = a.waveform_max;
    q.patch_start_s = a.patch_start_s;
    q.decode_s = a.decode_s;
    q.features_s = a.features_s;
    q.inference_s = a.inference_s;
    const TrackSummary summary = summarize_track(a, models);
    q.moods = summary.moods;
    for (size_t i = 0; i < models.size() && i < a.models.size(); ++i)
        if (models[i].role == ModelRole::tags) add_tags(q, models[i], a.models[i], summary.top_tags(models[i].key));
    q.segment_start_s = float(summary.segment_start_s);  // A/B plays the representative segment
    return q;
}

Query query_from_track(const Catalog& catalog, uint32_t track) {
    const TrackMeta& t = catalog.tracks()[track];
    Query q;
    q.kind = Query::Kind::track;
    q.name = t.title.empty() ? t.id : t.title;
    q.track_id = t.id;
    q.embedding = catalog.embedding(track);
    q.tags = t.top_tags;
    q.moods = t.moods;
    q.bpm = t.bpm;
    q.bpm_confidence = t.bpm_confidence;
    q.loudness_lufs = t.loudness_lufs;
    q.duration_s = t.duration_s;
    q.segment_start_s = std::isfinite(t.segment_start_s) ? t.segment_start_s : 0.0f;
    return q;
}

}  // namespace cf::app
