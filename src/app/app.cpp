// cuefinder app — state and logic behind the screens (the screens are ui_*.cpp).
#include "app/app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "app/map_renderer.h"
#include "core/analysis/profiles.h"
#include "core/common/json.h"
#include "core/common/random.h"
#include "core/image/image.h"
#include "core/io/byte_source.h"
#include "core/map/pca.h"

namespace cf::app {

namespace {

// A dropped file is analysed with the core's "query" profile (core/analysis/profiles.h): 16 spread
// one-patch windows, mtt on 8 of them, each mood model on 4.
const AnalysisProfile& query_profile() {
    static const AnalysisProfile profile = *analysis_profile("query");
    return profile;
}

}  // namespace

App::App(Host& host, Embedder* embedder) : host_(host), embedder_(embedder) {}
App::~App() = default;

void App::set_models(std::vector<AudioModel> models) {
    models_ = with_profile_caps(query_profile(), std::move(models));
    analyzer_.reset();
}

Status App::open_catalog(std::vector<uint8_t> bytes, const std::string& name, const std::string& base_url) {
    auto cat = Catalog::open_buffer(std::move(bytes), name);
    if (!cat) return cat.status();
    catalog_ = std::make_unique<Catalog>(std::move(*cat));
    match_calibration_.reset();
    if (auto cal = match::calibrate_catalog(*catalog_)) match_calibration_ = std::move(*cal);  // once per catalog
    catalog_name_ = name;
    catalog_base_url_ = base_url;
    results_.clear();
    selection_.clear();
    query_ = Query{};
    selected_row_ = -1;
    // Distinct sources (for colours and the legend), most frequent first.
    std::map<std::string, size_t> counts;
    for (const TrackMeta& t : catalog_->tracks()) ++counts[t.source.empty() ? "(unknown)" : t.source];
    std::vector<std::pair<std::string, size_t>> by_count(counts.begin(), counts.end());
    std::stable_sort(by_count.begin(), by_count.end(), [](auto& a, auto& b) { return a.second > b.second; });
    sources_.clear();
    std::map<std::string, uint32_t> index;
    for (auto& [s, n] : by_count) {
        index[s] = uint32_t(sources_.size());
        sources_.push_back(s);
    }
    source_index_.clear();
    for (const TrackMeta& t : catalog_->tracks()) source_index_.push_back(index[t.source.empty() ? "(unknown)" : t.source]);
    tag_vocabulary_ = tag_vocabulary_from_catalog();
    filters_.license_kinds.clear();
    for (const TrackMeta& t : catalog_->tracks()) filters_.license_kinds[license_kind(t.license)] = true;
    layout_ = MapLayout::catalog;
    layout_xy_ = catalog_->map_xy();
    display_dirty_ = colours_dirty_ = states_dirty_ = true;
    view_fitted_ = false;
    text_ = TextPart{};
    image_ = ImagePart{};
    label_scores_.clear();
    results_are_fit_ = false;
    if (colour_by_.kind == ColourBy::Kind::label) colour_by_ = ColourBy{};
    attach_semantic();  // text search for this catalog (when the text model is loaded)
    return Status();
}

std::vector<std::string> App::tag_vocabulary_from_catalog() const {
    // Tags that appear in any track's top tags, by how often they do.
    std::map<std::string, double> weight;
    for (const TrackMeta& t : catalog_->tracks())
        for (const TagScore& s : t.top_tags) weight[s.label] += s.prob;
    std::vector<std::pair<std::string, double>> v(weight.begin(), weight.end());
    std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
    std::vector<std::string> out;
    for (auto& [label, w] : v) out.push_back(label);
    return out;
}

// ---- analysis ----------------------------------------------------------------------------------

int App::analyze(const std::string& name, std::vector<uint8_t> bytes) {
    const int request = next_request_++;
    if (analysis_request_ && analyzer_) {  // a newer drop replaces the running one
        analyzer_->cancel();
        host_.analysis_finished(analysis_request_, false, "replaced by " + name);
    }
    error_.clear();
    if (bytes.empty()) {
        error_ = name + ": the file is empty (0 bytes)";
        host_.analysis_finished(request, false, error_);
        return request;
    }
    if (!catalog_) {
        error_ = name + ": no catalog is loaded yet";
        host_.analysis_finished(request, false, error_);
        return request;
    }
    // A picture: what it shows and how it feels become part of the query (app_words.cpp).
    if (ImageFormat format; sniff_image_format(bytes, &format)) {
        analyze_image(request, name, std::move(bytes));
        return request;
    }
    analyzer_ = std::make_unique<TrackAnalyzer>(models_, embedder_, query_profile().options);
    analysis_request_ = request;
    preliminary_shown_ = false;
    first_results_s_ = 0.0;
    analysis_name_ = name;
    analysis_started_s_ = host_.now_s();
    (void)analyzer_->start(make_owned_memory_source(std::move(bytes), name));
    return request;
}

bool App::pump(double budget_s) {
    if (!analysis_request_ || !analyzer_) return false;
    step_analysis(budget_s);
    return analysis_request_ && analyzer_ && analyzer_->state() == AnalysisState::working;
}

void App::step_analysis(double budget_s) {
    if (!analysis_request_ || !analyzer_) return;
    const AnalysisState s = analyzer_->step(budget_s);
    // First results as soon as the embedding model has answered (the mood models may still run):
    // the embedding and tags are already final, so the list will not change when the rest arrives.
    if (s == AnalysisState::waiting && !preliminary_shown_ && analyzer_->model_done(analyzer_->embedding_model_index())) {
        Query q = query_from(analyzer_->partial_result());
        if (!q.embedding.empty()) {
            q.analysis_s = host_.now_s() - analysis_started_s_;
            first_results_s_ = q.analysis_s;
            query_ = std::move(q);
            ab_on_query_ = false;
            run_search();
            preliminary_shown_ = true;
        }
    }
    if (s == AnalysisState::done) {
        finish_analysis();
    } else if (s == AnalysisState::failed) {
        const int request = analysis_request_;
        analysis_request_ = 0;
        error_ = analyzer_->status().message();
        if (error_.find(analysis_name_) == std::string::npos) error_ = analysis_name_ + ": " + error_;
        // Neither audio nor a picture: say what else the page takes.
        if (analyzer_->status().code() == ErrorCode::unsupported_format && error_.find("audio format") != std::string::npos)
            error_ += "; pictures can be JPEG, PNG, GIF, BMP or WebP";
        host_.analysis_finished(request, false, error_);
    }
}

Query App::query_from(const TrackAnalysis& a) const {
    Query q;
    q.kind = Query::Kind::file;
    q.name = analysis_name_;
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
    q.analysis_s = host_.now_s() - analysis_started_s_;
    q.first_results_s = first_results_s_;
    q.decode_s = a.decode_s;
    q.features_s = a.features_s;
    q.inference_s = a.inference_s;
    for (size_t i = 0; i < models_.size() && i < a.models.size(); ++i) {
        const AudioModel& m = models_[i];
        const ModelResult& r = a.models[i];
        if (m.role == ModelRole::mood) {
            for (size_t k = 0; k < kNumMoods; ++k)
                if (m.key == kMoodNames[k] && r.mean.size() > size_t(m.positive_index)) q.moods[k] = r.mean[size_t(m.positive_index)];
            continue;
        }
        std::vector<TagScore> tags;
        for (size_t j = 0; j < r.mean.size() && j < m.labels.size(); ++j) tags.push_back({m.labels[j], r.mean[j]});
        for (size_t j = 0; j < r.mean.size() && j < m.labels.size(); ++j) q.all_tags[m.key + ":" + m.labels[j]] = r.mean[j];
        std::stable_sort(tags.begin(), tags.end(), [](auto& x, auto& y) { return x.prob > y.prob; });
        if (tags.size() > 10) tags.resize(10);
        if (m.key == "msd" || (q.tags.empty() && m.key != "mtt")) {
            // The taggram: the top tags' probability per analysed patch.
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
            q.tags = std::move(tags);
        } else {
            q.mtt_tags = std::move(tags);
        }
    }
    // Representative segment for A/B: the patch whose embedding is closest to the mean.
    if (!a.patch_embeddings.empty() && !a.embedding.empty()) {
        const size_t dim = a.embedding.size(), n = a.patch_embeddings.size() / dim;
        double best = -1e30;
        for (size_t p = 0; p < n && p < a.patch_start_s.size(); ++p) {
            double dot = 0;
            for (size_t d = 0; d < dim; ++d) dot += double(a.patch_embeddings[p * dim + d]) * a.embedding[d];
            if (dot > best) best = dot, q.segment_start_s = float(std::max(0.0, a.patch_start_s[p] - 10.0));
        }
    }
    return q;
}

void App::finish_analysis() {
    Query q = query_from(analyzer_->result());
    const int request = analysis_request_;
    analysis_request_ = 0;
    if (q.embedding.empty()) {
        error_ = analysis_name_ + ": the analysis produced no embedding (is the embedding model loaded?)";
        host_.analysis_finished(request, false, error_);
        return;
    }
    query_ = std::move(q);
    const int keep_row = selected_row_;
    if (!preliminary_shown_) ab_on_query_ = false;
    run_search();
    // The list is the same as the first results (same embedding, same filters): keep the user's row.
    if (preliminary_shown_ && keep_row >= 0 && size_t(keep_row) < results_.size()) selected_row_ = keep_row;
    score_labels();  // the tagging panel's scores for this file
    host_.analysis_finished(request, true, "");
}

void App::query_track(uint32_t track) {
    if (!catalog_ || track >= catalog_->size()) return;
    const TrackMeta& t = catalog_->tracks()[track];
    Query q;
    q.kind = Query::Kind::track;
    q.name = t.title.empty() ? t.id : t.title;
    q.track_id = t.id;
    q.embedding = catalog_->embedding(track);
    q.tags = t.top_tags;
    q.moods = t.moods;
    q.bpm = t.bpm;
    q.loudness_lufs = t.loudness_lufs;
    q.duration_s = t.duration_s;
    q.segment_start_s = std::isfinite(t.segment_start_s) ? t.segment_start_s : 0.0f;
    error_.clear();
    query_ = std::move(q);
    run_search();
}

// ---- search ------------------------------------------------------------------------------------

SearchOptions App::search_options() const {
    SearchOptions o;
    o.k = size_t(std::max(1, filters_.k));
    if (filters_.bpm) o.filters.bpm_min = filters_.bpm_min, o.filters.bpm_max = filters_.bpm_max;
    if (filters_.duration) o.filters.duration_min_s = filters_.duration_min_s, o.filters.duration_max_s = filters_.duration_max_s;
    if (filters_.moods)
        for (size_t m = 0; m < kNumMoods; ++m)
            if (filters_.mood_min[m] > 0) o.filters.mood_min[m] = filters_.mood_min[m];
    if (filters_.license) {
        for (auto& [kind, on] : filters_.license_kinds)
            if (on) o.filters.license_kinds.push_back(kind);
        if (o.filters.license_kinds.empty()) o.filters.license_kinds.push_back("(none)");  // nothing allowed
    }
    o.query_tags = query_.tags;
    o.query_moods = query_.moods;
    return o;
}

void App::run_search() {
    if (!catalog_ || (query_.kind == Query::Kind::none && !has_semantic_parts())) return;
    const SearchOptions o = search_options();
    if (has_semantic_parts() && semantic_ready_) {
        run_semantic_search(o);  // words and/or a picture, mixed with the track (app_words.cpp)
    } else {
        Result<std::vector<SearchHit>> hits =
            query_.kind == Query::Kind::track ? catalog_->search_track(query_.track_id, o) : catalog_->search(query_.embedding, o);
        if (!hits) {
            error_ = "search: " + hits.status().message();
            return;
        }
        if (match_calibration_) match_calibration_->apply(*hits);
        results_ = std::move(*hits);
        results_are_fit_ = false;
        selected_row_ = results_.empty() ? -1 : 0;
    }
    if (query_.kind == Query::Kind::none) {
        states_dirty_ = true;
        return;
    }
    // Place a dropped file on the map among its 10 nearest tracks (unfiltered, so the place does not
    // move with the filters), weighted by similarity.
    if (query_.kind == Query::Kind::file) {
        SearchOptions plain;
        plain.k = 10;
        if (auto nn = catalog_->search(query_.embedding, plain)) {
            std::vector<uint32_t> idx;
            std::vector<float> w;
            for (const SearchHit& h : *nn) idx.push_back(h.track), w.push_back(std::max(0.0f, h.score) * std::max(0.0f, h.score));
            query_.map_position = place_among(layout_xy_, idx, w);
        }
    } else if (auto t = catalog_->find(query_.track_id); t && 2 * *t + 1 < layout_xy_.size()) {
        query_.map_position = MapPoint{layout_xy_[2 * *t], layout_xy_[2 * *t + 1]};
    }
    states_dirty_ = true;
}

// ---- playback ----------------------------------------------------------------------------------

void App::play_track(uint32_t track) {
    if (!catalog_ || track >= catalog_->size()) return;
    const TrackMeta& t = catalog_->tracks()[track];
    if (t.preview.empty()) {
        error_ = (t.title.empty() ? t.id : t.title) + ": this track has no preview clip in the catalog";
        return;
    }
    host_.play_url(catalog_base_url_ + "previews/" + t.preview, 0.0);
    playing_what_ = Playing::track;
    playing_track_ = track;
    ab_on_query_ = false;
    states_dirty_ = true;
}

void App::play_result(size_t row) {
    if (row >= results_.size()) return;
    selected_row_ = int(row);
    play_track(results_[row].track);
}

void App::toggle_ab() {
    // A/B: the selected result's preview ↔ the dropped file at its representative segment.
    if (query_.kind != Query::Kind::file || selected_row_ < 0 || size_t(selected_row_) >= results_.size()) return;
    if (!ab_on_query_) {
        host_.play_query(query_.segment_start_s);
        playing_what_ = Playing::query;
        ab_on_query_ = true;
    } else {
        play_track(results_[size_t(selected_row_)].track);
    }
}

void App::export_list(const std::vector<ExportRow>& rows, const std::string& what, const char* format) {
    if (!catalog_) return;
    const std::string fmt = format;
    const std::string base = "cuefinder-" + what;
    if (fmt == "csv") host_.download(base + ".csv", "text/csv", export_csv(*catalog_, rows));
    else if (fmt == "json") host_.download(base + ".json", "application/json", export_json(*catalog_, rows, query_.name));
    else host_.download(base + "-credits.txt", "text/plain", attribution_text(*catalog_, rows));
}

// ---- map data ----------------------------------------------------------------------------------

void App::set_display_points(size_t n) {
    display_points_ = n;
    display_dirty_ = colours_dirty_ = states_dirty_ = true;
}

void App::rebuild_display() {
    const size_t n_tracks = catalog_ ? catalog_->size() : 0;
    const size_t n = display_points_ ? display_points_ : n_tracks;
    display_xy_.assign(2 * n, 0.0f);
    display_track_.assign(n, 0);
    if (n_tracks == 0) return;
    const MapBounds b = map_bounds(layout_xy_);
    const float spread = b.empty ? 1.0f : 0.01f * std::max(b.max_x - b.min_x, b.max_y - b.min_y);
    SplitMix64 rng(12345);
    for (size_t i = 0; i < n; ++i) {
        const uint32_t t = uint32_t(i % n_tracks);
        display_track_[i] = t;
        float jx = 0, jy = 0;
        if (i >= n_tracks) {  // benchmark copies: jittered around the original
            jx = spread * float(rng.normal());
            jy = spread * float(rng.normal());
        }
        display_xy_[2 * i] = layout_xy_[2 * t] + jx;
        display_xy_[2 * i + 1] = layout_xy_[2 * t + 1] + jy;
    }
    display_dirty_ = false;
    colours_dirty_ = states_dirty_ = true;
}

void App::recolour() {
    if (!catalog_) return;
    const auto& tracks = catalog_->tracks();
    std::vector<float> value(tracks.size(), kUnknown);
    bool categorical = colour_by_.kind == ColourBy::Kind::source;
    for (size_t i = 0; i < tracks.size(); ++i) {
        const TrackMeta& t = tracks[i];
        switch (colour_by_.kind) {
            case ColourBy::Kind::source: break;
            case ColourBy::Kind::bpm: value[i] = t.bpm; break;
            case ColourBy::Kind::loudness: value[i] = t.loudness_lufs; break;
            case ColourBy::Kind::duration: value[i] = t.duration_s; break;
            case ColourBy::Kind::mood: value[i] = t.moods[size_t(colour_by_.index) % kNumMoods]; break;
            case ColourBy::Kind::label:
                if (size_t(colour_by_.index) < label_scores_.size()) value[i] = label_scores_[size_t(colour_by_.index)].percentile[i];
                break;
            case ColourBy::Kind::tag: {
                value[i] = 0.0f;
                const std::string& label = tag_vocabulary_[size_t(colour_by_.index) % std::max<size_t>(1, tag_vocabulary_.size())];
                for (const TagScore& s : t.top_tags)
                    if (s.label == label) value[i] = s.prob;
                break;
            }
        }
    }
    std::vector<uint32_t> track_rgba(tracks.size());
    if (categorical) {
        for (size_t i = 0; i < tracks.size(); ++i) track_rgba[i] = category_colour(source_index_[i]).packed();
    } else {
        colour_range_ = colour_by_.kind == ColourBy::Kind::mood || colour_by_.kind == ColourBy::Kind::label ? ValueRange{0.0f, 1.0f}
                                                                                                          : robust_range(value);
        if (colour_by_.kind == ColourBy::Kind::tag) colour_range_ = ValueRange{0.0f, std::max(0.05f, colour_range_.hi)};
        for (size_t i = 0; i < tracks.size(); ++i) track_rgba[i] = ramp_colour(colour_range_.normalise(value[i])).packed();
    }
    display_rgba_.resize(display_track_.size());
    for (size_t i = 0; i < display_track_.size(); ++i) display_rgba_[i] = track_rgba[display_track_[i]];
    colours_dirty_ = false;
    states_dirty_ = true;
}

void App::compute_pca() {
    if (!catalog_) return;
    const size_t n = catalog_->size(), dim = catalog_->dim();
    std::vector<float> data(n * dim);
    for (uint32_t i = 0; i < n; ++i) {
        std::vector<float> e = catalog_->embedding(i);
        std::copy(e.begin(), e.end(), data.begin() + ptrdiff_t(i) * ptrdiff_t(dim));
    }
    auto xy = pca_2d(data.data(), n, dim);
    if (!xy) {
        error_ = "PCA: " + xy.status().message();
        return;
    }
    layout_xy_ = std::move(*xy);
    layout_ = MapLayout::pca;
    display_dirty_ = true;
    view_fitted_ = false;
    run_search();  // the query's place depends on the layout
}

void App::on_tsne_progress(const float* xy, size_t n_points, int iteration, int total, bool done) {
    if (!catalog_ || n_points != catalog_->size()) return;
    tsne_iteration_ = iteration;
    tsne_total_ = total;
    tsne_running_ = !done;
    layout_xy_.assign(xy, xy + 2 * n_points);
    layout_ = MapLayout::tsne_browser;
    display_dirty_ = true;
    if (!view_fitted_ || iteration < 300) view_fitted_ = false;  // follow the layout while it expands
    if (done) {
        tsne_xy_ = layout_xy_;  // kept, so the layout menu can come back to it
        run_search();
    }
}

void App::on_tsne_error(const std::string& message) {
    tsne_running_ = false;
    error_ = "t-SNE: " + message;
}

void App::fit_view() {
    const MapBounds b = map_bounds(display_xy_);
    if (b.empty) return;
    view_cx_ = 0.5f * (b.min_x + b.max_x);
    view_cy_ = 0.5f * (b.min_y + b.max_y);
    view_fitted_ = true;
    view_scale_ = -1.0f;  // computed from the canvas size in ui_map.cpp
}

// ---- state for scripts and tests ---------------------------------------------------------------

std::string App::state_json() const {
    std::string o = "{\"ready\":";
    o += catalog_ ? "true" : "false";
    o += ",\"catalog\":";
    if (catalog_)
        o += "{\"name\":" + json_quote(catalog_name_) + ",\"tracks\":" + std::to_string(catalog_->size()) +
             ",\"dim\":" + std::to_string(catalog_->dim()) + ",\"embedding\":" + json_quote(catalog_->embedding_name()) + "}";
    else
        o += "null";
    const bool busy = analysis_request_ != 0 || tsne_running_ || !loading_text_.empty();
    o += ",\"busy\":" + std::string(busy ? "true" : "false");
    o += ",\"stage\":" + json_quote(analysis_request_ && analyzer_ ? analyzer_->stage() : (tsne_running_ ? "t-SNE" : loading_text_.empty() ? "idle" : "loading"));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", analysis_request_ && analyzer_ ? analyzer_->progress() : 0.0);
    o += ",\"progress\":" + std::string(buf);
    o += ",\"error\":" + (error_.empty() ? std::string("null") : json_quote(error_));
    o += ",\"query\":";
    if (query_.kind == Query::Kind::none) {
        o += "null";
    } else {
        o += "{\"kind\":" + std::string(query_.kind == Query::Kind::file ? "\"file\"" : "\"track\"") + ",\"name\":" + json_quote(query_.name);
        if (!query_.track_id.empty()) o += ",\"track_id\":" + json_quote(query_.track_id);
        auto num = [&](const char* key, float v) {
            if (std::isfinite(v)) {
                std::snprintf(buf, sizeof buf, ",\"%s\":%.3f", key, double(v));
                o += buf;
            }
        };
        num("bpm", query_.bpm);
        num("loudness_lufs", query_.loudness_lufs);
        num("duration_s", query_.duration_s);
        num("analysis_s", float(query_.analysis_s));
        num("first_results_s", float(query_.first_results_s));
        num("decode_s", float(query_.decode_s));
        num("features_s", float(query_.features_s));
        num("inference_s", float(query_.inference_s));
        o += ",\"tags\":[";
        for (size_t i = 0; i < query_.tags.size() && i < 5; ++i) o += (i ? "," : "") + json_quote(query_.tags[i].label);
        o += "],\"moods\":{";
        bool first = true;
        for (size_t m = 0; m < kNumMoods; ++m) {
            if (!std::isfinite(query_.moods[m])) continue;
            std::snprintf(buf, sizeof buf, "%s\"%s\":%.3f", first ? "" : ",", kMoodNames[m], double(query_.moods[m]));
            o += buf;
            first = false;
        }
        o += "}";
        if (query_.map_position) {
            std::snprintf(buf, sizeof buf, ",\"map_xy\":[%.4f,%.4f]", double(query_.map_position->x), double(query_.map_position->y));
            o += buf;
        }
        o += "}";
    }
    o += ",\"results\":[";
    for (size_t i = 0; i < results_.size(); ++i) {
        const TrackMeta& t = catalog_->tracks()[results_[i].track];
        std::snprintf(buf, sizeof buf, "%.4f", double(results_[i].score));
        const std::string score = buf;
        std::snprintf(buf, sizeof buf, "%.1f", double(results_[i].match_percent));
        const std::string match = std::isnan(results_[i].match_percent) ? "null" : buf;  // raw cosine + calibrated
        std::string why;
        for (const std::string& w : results_[i].shared_tags) why += (why.empty() ? "" : ", ") + w;
        for (const std::string& w : results_[i].shared_moods) why += (why.empty() ? "" : ", ") + w;
        o += std::string(i ? "," : "") + "{\"id\":" + json_quote(t.id) + ",\"path\":" + json_quote(t.path) +
             ",\"title\":" + json_quote(t.title) + ",\"score\":" + score + ",\"match_percent\":" + match + ",\"why\":" + json_quote(why) + "}";
    }
    o += "],\"selected_row\":" + std::to_string(selected_row_);
    o += semantic_state_json();
    o += ",\"selection\":[";
    for (size_t i = 0; i < selection_.size(); ++i) o += (i ? "," : "") + json_quote(catalog_->tracks()[selection_[i]].id);
    o += "],\"playing\":";
    if (playing_what_ == Playing::none || !host_.playing()) o += "null";
    else if (playing_what_ == Playing::query) o += "{\"what\":\"query\"}";
    else o += "{\"what\":\"track\",\"id\":" + json_quote(catalog_->tracks()[playing_track_].id) + "}";
    const char* layout = layout_ == MapLayout::catalog ? "catalog" : layout_ == MapLayout::pca ? "pca" : "tsne";
    o += ",\"map\":{\"layout\":\"" + std::string(layout) + "\",\"points\":" + std::to_string(display_track_.size()) +
         ",\"tool\":\"" + (tool_ == MapTool::pan ? "pan" : tool_ == MapTool::box ? "box" : "lasso") + "\"" +
         ",\"tsne_running\":" + (tsne_running_ ? "true" : "false") + ",\"tsne_iteration\":" + std::to_string(tsne_iteration_);
    static const char* kColourKindNames[] = {"source", "bpm", "loudness", "duration", "mood", "tag", "label"};
    o += ",\"colour\":\"" + std::string(kColourKindNames[int(colour_by_.kind)]) + "\",\"colour_index\":" + std::to_string(colour_by_.index) + "}";
    o += ",\"filters\":{\"bpm\":" + std::string(filters_.bpm ? "true" : "false") + ",\"duration\":" + (filters_.duration ? "true" : "false") +
         ",\"moods\":" + (filters_.moods ? "true" : "false") + ",\"license\":" + (filters_.license ? "true" : "false") + "}";
    o += ",\"about_open\":" + std::string(show_about_ ? "true" : "false");
    o += "}";
    return o;
}

std::string App::layout_json() const {
    std::string o = "{";
    bool first = true;
    char buf[160];
    for (const auto& [name, r] : layout_rects_) {
        std::snprintf(buf, sizeof buf, "%s%s:{\"x\":%.1f,\"y\":%.1f,\"w\":%.1f,\"h\":%.1f}", first ? "" : ",", json_quote(name).c_str(),
                      double(r.x0), double(r.y0), double(r.x1 - r.x0), double(r.y1 - r.y0));
        o += buf;
        first = false;
    }
    return o + "}";
}

}  // namespace cf::app
