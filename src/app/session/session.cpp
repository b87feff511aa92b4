// cuefinder app session — the catalog, the analysis of a dropped file, the search, playback, the map's
// layouts. The state JSON is in session_json.cpp.
#include "app/session/session.h"

#include <algorithm>
#include <cmath>

#include "app/session/mixed_search.h"
#include "core/analysis/profiles.h"
#include "core/image/image.h"
#include "core/io/byte_source.h"
#include "core/map/pca.h"

namespace cf::app {

namespace {

// A dropped file is analysed with the core's "query" profile (core/analysis/profiles.h): 16 spread
// one-patch windows, mtt on 8 of them, each mood model on 4; first results come from the "quick"
// profile's 4 windows before (drop_analysis.h).
const AnalysisProfile& query_profile() {
    static const AnalysisProfile profile = *analysis_profile("query");
    return profile;
}

}  // namespace

Session::Session(Host& host, Embedder* embedder)
    : host_(host),
      embedder_(embedder),
      words_(host, embedder, query_,
             WordsHooks{[this] { words_parts_changed(); }, [this](const std::string& e) { error_ = e; }, [this] { words_labels_scored(); }}),
      video_(host, embedder, words_) {}
Session::~Session() = default;

void Session::set_models(std::vector<AudioModel> models) {
    models_ = with_profile_caps(query_profile(), std::move(models));
    if (drop_) drop_->cancel();
    drop_.reset();
    analysis_request_ = 0;
}

Status Session::open_catalog(std::vector<uint8_t> bytes, const std::string& name, const std::string& base_url) {
    auto cat = Catalog::open_buffer(std::move(bytes), name);
    if (!cat) return cat.status();
    engine_.reset();
    catalog_ = std::make_unique<Catalog>(std::move(*cat));
    engine_ = std::make_unique<query::QueryEngine>(*catalog_);  // calibrates the match % once per catalog
    catalog_name_ = name;
    catalog_base_url_ = base_url;
    results_.clear();
    query_ = Query{};
    filters_.license_kinds.clear();
    for (const TrackMeta& t : catalog_->tracks()) filters_.license_kinds[license_kind(t.license)] = true;
    map_.open(*catalog_);
    words_.clear_parts();
    words_.attach(*catalog_, models_);  // text search for this catalog (when the text model is loaded)
    video_.attach(catalog_.get(), engine_.get(), base_url);
    if (Status f = feedback_.open(*engine_); !f) status_text_ = f.message();  // like/skip off, the rest works
    custom_tags_.open(*catalog_);
    playlist_.clear();
    pending_session_.reset();
    base_key_.clear();
    return Status();
}

Status Session::set_text_model(const std::string& vocab_text) {
    Status s = words_.set_text_model(vocab_text);
    if (s && catalog_) words_.attach(*catalog_, models_);
    // A kept session with remarks waited for the sentence encoder.
    if (s && pending_session_) load_session(pending_session_->first, pending_session_->second);
    pending_session_.reset();
    return s;
}

// ---- analysis ----------------------------------------------------------------------------------

int Session::analyze(const std::string& name, std::vector<uint8_t> bytes) {
    const int request = next_request_++;
    if (analysis_request_ && drop_) {  // a newer drop replaces the running one
        drop_->cancel();
        host_.analysis_finished(analysis_request_, false, "replaced by " + name);
    }
    error_.clear();
    if (bytes.empty() || !catalog_) {
        error_ = name + (bytes.empty() ? ": the file is empty (0 bytes)" : ": no catalog is loaded yet");
        host_.analysis_finished(request, false, error_);
        return request;
    }
    // A session or a custom tag exported from this page.
    if (import_json_file(request, name, bytes)) return request;
    // A picture: what it shows and how it feels become part of the query (words_model.cpp).
    if (ImageFormat format; sniff_image_format(bytes, &format)) {
        words_.analyze_image(request, name, std::move(bytes));
        return request;
    }
    if (!drop_) drop_ = std::make_unique<DropAnalysis>(models_, embedder_);
    analysis_request_ = request;
    preliminary_shown_ = refined_shown_ = false;
    first_results_s_ = 0.0;
    analysis_name_ = name;
    analysis_started_s_ = host_.now_s();
    drop_->start(std::move(bytes), name);
    return request;
}

bool Session::pump(double budget_s) {
    if (!analysing()) return false;
    const bool more = step_analysis(budget_s);
    return analysing() && more;
}

void Session::step(double budget_s) { step_analysis(budget_s); }

// First results from the quick stage's embedding; refined once the query stage's embedding model has
// answered (the tags and moods may still run: the list does not change when they arrive).
bool Session::step_analysis(double budget_s) {
    if (!analysing()) return false;
    const bool more = drop_->step(budget_s);
    if (drop_->failed()) return analysis_failed(), false;
    if (drop_->done()) return finish_analysis(), false;
    if (!refined_shown_ && drop_->embedding_ready()) {
        show_analysis(drop_->partial_result(), false);
        refined_shown_ = !query_.embedding.empty();
    } else if (!preliminary_shown_ && !refined_shown_ && drop_->quick_ready()) {
        show_analysis(drop_->quick_result(), true);
    }
    return more;
}

// A list from a partial analysis (preliminary: the quick stage's).
void Session::show_analysis(const TrackAnalysis& a, bool preliminary) {
    Query q = query_from_analysis(a, models_, analysis_name_);
    if (q.embedding.empty()) return;
    q.analysis_s = host_.now_s() - analysis_started_s_;
    if (!preliminary_shown_) first_results_s_ = q.analysis_s;
    q.first_results_s = first_results_s_;
    q.preliminary = preliminary;
    query_ = std::move(q);
    search_keeping_selection();
    preliminary_shown_ = true;
}

// The matches of a dropped file's newer analysis: the track the user had selected in the earlier list
// stays selected, wherever it moved (no jump under the user's eyes).
void Session::search_keeping_selection() {
    const SearchHit* kept = preliminary_shown_ ? results_.selected() : nullptr;
    const int keep_track = kept ? int(kept->track) : -1;
    if (!preliminary_shown_) ab_on_query_ = false;
    run_search();
    ++list_version_;
    const int row = keep_track >= 0 ? results_.row_of(uint32_t(keep_track)) : -1;
    if (row >= 0) select_row(row);
}

void Session::analysis_failed() {
    const int request = analysis_request_;
    analysis_request_ = 0;
    error_ = drop_->status().message();
    if (error_.find(analysis_name_) == std::string::npos) error_ = analysis_name_ + ": " + error_;
    // Neither audio nor a picture: say what else the page takes.
    if (drop_->status().code() == ErrorCode::unsupported_format && error_.find("audio format") != std::string::npos)
        error_ += "; pictures can be JPEG, PNG, GIF, BMP or WebP";
    host_.analysis_finished(request, false, error_);
}

void Session::finish_analysis() {
    Query q = query_from_analysis(drop_->result(), models_, analysis_name_);
    q.analysis_s = host_.now_s() - analysis_started_s_;
    q.first_results_s = preliminary_shown_ ? first_results_s_ : q.analysis_s;
    const int request = analysis_request_;
    analysis_request_ = 0;
    if (q.embedding.empty()) {
        error_ = analysis_name_ + ": the analysis produced no embedding (is the embedding model loaded?)";
        host_.analysis_finished(request, false, error_);
        return;
    }
    query_ = std::move(q);
    search_keeping_selection();
    words_.score_labels();  // the tagging panel's scores for this file
    host_.analysis_finished(request, true, "");
}

// ---- query and results -------------------------------------------------------------------------

void Session::query_track(uint32_t track) {
    if (!catalog_ || track >= catalog_->size()) return;
    error_.clear();
    query_ = query_from_track(*catalog_, track);
    run_search();
}

void Session::select_row(int row) {
    results_.selected_row = results_.hits.empty() ? -1 : std::clamp(row, -1, int(results_.hits.size()) - 1);
    map_.states_changed();
}

// The query's matches; once anything was liked, skipped or remarked, the adaptive session's re-ranking
// of them (session_feedback.cpp). A custom tag filter narrows both.
void Session::run_search() {
    if (!catalog_) return;
    if (query_.kind == Query::Kind::none && !words_.has_parts() && !feedback_.active()) return results_.clear();
    SearchOptions o = filters_.search_options(query_);
    o.filters.allowed_tracks = custom_tags_.allowed();
    const bool mixed = words_.has_parts() && words_.ready();  // words and/or a picture, mixed with the track
    const MixWeights weights{words_.weight_track, words_.weight_text, words_.weight_image};
    auto hits = feedback_.active() ? session_search(o, mixed)
                : mixed ? mixed_search(*engine_, words_.matcher(), mixed_query(*catalog_, query_, words_.text(), words_.image(), weights, o, engine_->explainer()))
                        : track_search(*engine_, query_, o);
    if (!hits) {
        error_ = "search: " + hits.status().message();
        return;
    }
    results_.set(std::move(*hits), mixed || feedback_.active());
    map_.states_changed();
    if (query_.kind == Query::Kind::none) return;
    if (auto p = query_map_position(*catalog_, query_, map_.layout_xy())) query_.map_position = p;
}

std::string Session::results_title() const {
    std::string what;
    if (query_.kind != Query::Kind::none && words_.weight_track > 0) what = query_.name;
    if (!words_.text().text.empty() && words_.weight_text > 0) what += (what.empty() ? "\"" : " + \"") + words_.text().text + "\"";
    if (!words_.image().name.empty() && words_.weight_image > 0) what += (what.empty() ? "" : " + ") + words_.image().name;
    if (feedback_.active()) what += what.empty() ? "what you liked and skipped" : ", re-ranked by your likes and skips";
    return what;
}

void Session::words_parts_changed() {
    if (video_.has_clip()) video_.refine();  // the words refine the soundtrack suggestions too
    if (query_.kind == Query::Kind::none && !words_.has_parts()) results_.clear();
    else run_search();
}

void Session::words_labels_scored() {
    if (map_.colour_by().kind != ColourBy::Kind::label) return;
    if (words_.label_scores().empty()) map_.set_colour_by(ColourBy{});
    else map_.colours_changed();
}

// ---- playback ----------------------------------------------------------------------------------

void Session::play_track(uint32_t track) {
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
    map_.states_changed();
}

void Session::play_result(size_t row) {
    if (row >= results_.hits.size()) return;
    results_.selected_row = int(row);
    play_track(results_.hits[row].track);
}

void Session::play_query_at(double start_s) {
    host_.play_query(start_s);
    playing_what_ = Playing::query;
    ab_on_query_ = true;
}

void Session::toggle_ab() {
    if (query_.kind != Query::Kind::file || !results_.has_selection()) return;
    if (!ab_on_query_) play_query_at(query_.segment_start_s);
    else play_track(results_.selected()->track);
}

void Session::toggle_pause() {
    if (host_.playing()) host_.pause();
    else if (playing_what_ != Playing::none) host_.resume();
    else if (results_.has_selection()) play_result(size_t(results_.selected_row));
}

void Session::check_playback() {
    if (playing_what_ != Playing::none && !host_.playing() && host_.position_s() <= 0.0 && !host_.playback_error().empty()) {
        error_ = host_.playback_error();
        playing_what_ = Playing::none;
    }
}

void Session::export_list(const std::vector<ExportRow>& rows, const std::string& what, const std::string& format) {
    if (!catalog_) return;
    const std::string base = "cuefinder-" + what;
    if (format == "csv") host_.download(base + ".csv", "text/csv", export_csv(*catalog_, rows));
    else if (format == "json") host_.download(base + ".json", "application/json", export_json(*catalog_, rows, query_.name));
    else host_.download(base + "-credits.txt", "text/plain", attribution_text(*catalog_, rows));
}

// ---- map ---------------------------------------------------------------------------------------

void Session::show_layout(MapLayout layout) {
    if (!catalog_) return;
    if (layout == MapLayout::catalog) {
        map_.set_layout(MapLayout::catalog, catalog_->map_xy());
        run_search();  // the query's place depends on the layout
    } else if (layout == MapLayout::pca) {
        compute_pca();
    } else if (map_.has_browser_tsne()) {
        map_.set_layout(MapLayout::tsne_browser, map_.browser_tsne_xy(), false);
    }
}

void Session::compute_pca() {
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
    map_.set_layout(MapLayout::pca, std::move(*xy));
    run_search();
}

void Session::start_tsne() {
    if (!catalog_) return;
    const size_t n = catalog_->size(), dim = catalog_->dim();
    std::vector<float> data(n * dim);
    for (uint32_t i = 0; i < n; ++i) {
        std::vector<float> e = catalog_->embedding(i);
        std::copy(e.begin(), e.end(), data.begin() + ptrdiff_t(i) * ptrdiff_t(dim));
    }
    const float perplexity = std::min(map_.tsne_perplexity, std::max(2.0f, float(n - 1) / 3.0f - 1.0f));
    host_.start_tsne(data.data(), n, dim, perplexity, 1);
    map_.tsne_started();
}

void Session::stop_tsne() {
    host_.stop_tsne();
    map_.tsne_stopped();
}

void Session::on_tsne_progress(const float* xy, size_t n_points, int iteration, int total, bool done) {
    if (!catalog_ || !map_.tsne_progress(xy, n_points, catalog_->size(), iteration, total, done)) return;
    if (done) run_search();
}

void Session::on_tsne_error(const std::string& message) {
    map_.tsne_stopped();
    error_ = "t-SNE: " + message;
}

std::span<const float> Session::colour_label_percentile() const {
    const auto& labels = words_.label_scores();
    const size_t i = size_t(map_.colour_by().index);
    if (map_.colour_by().kind == ColourBy::Kind::custom_tag)
        return i < custom_tags_.tags().size() ? std::span<const float>(custom_tags_.tags()[i].scores) : std::span<const float>{};
    if (map_.colour_by().kind != ColourBy::Kind::label || i >= labels.size()) return {};
    return labels[i].percentile;
}

bool Session::update_map() { return catalog_ && map_.update(*catalog_, colour_label_percentile()); }

}  // namespace cf::app
