// cuefinder app — the browser app's state and screens (Dear ImGui), independent of the platform.
//
//   cf::app::App app(host, embedder.get());
//   app.set_models(models);                        // the analysis slots (models/*/manifest.json)
//   app.open_catalog(bytes, "demo", "catalog/");   // catalog.cfc bytes; previews under base_url
//   each frame:  ImGui::NewFrame(); app.frame(); ImGui::Render(); ... draw ...
//   a drop:      int id = app.analyze("song.mp3", bytes);   // host->analysis_finished(id, ...) later
//
// [SECTION] Query (what the user dropped or picked)
// [SECTION] Map state
// [SECTION] App
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/host.h"
#include "core/analysis/track_analyzer.h"
#include "core/catalog/catalog.h"
#include "core/catalog/export.h"
#include "core/image/colour.h"
#include "core/map/view.h"
#include "core/match/calibration.h"
#include "core/semantic/image_query.h"
#include "core/semantic/semantic_search.h"

namespace cf::app {

class MapRenderer;

// [SECTION] Query --------------------------------------------------------------------------------
struct Query {
    enum class Kind { none, file, track } kind = Kind::none;
    std::string name;                 ///< file name, or the track's title
    std::string title;                ///< the file's own title (and artist) tags, if any
    std::string track_id;             ///< Kind::track
    std::vector<float> embedding;
    std::vector<TagScore> tags;       ///< best first (MSD), for "why it matched"
    std::vector<TagScore> mtt_tags;
    std::map<std::string, float> all_tags;  ///< every tag of a dropped file: "msd:rock" → probability
    std::array<float, kNumMoods> moods = {kUnknown, kUnknown, kUnknown, kUnknown, kUnknown};
    float bpm = kUnknown, bpm_confidence = kUnknown, loudness_lufs = kUnknown, loudness_range_lu = kUnknown;
    float duration_s = kUnknown;
    std::string codec;
    int sample_rate_hz = 0, channels = 0;
    std::vector<float> waveform_min, waveform_max;
    std::vector<double> patch_start_s;          ///< taggram columns
    std::vector<std::string> taggram_labels;    ///< taggram rows (the track's top tags)
    std::vector<float> taggram;                 ///< rows × columns, row-major
    float segment_start_s = 0.0f;               ///< where A/B playback of the query starts
    std::optional<MapPoint> map_position;
    double analysis_s = 0.0;
    double first_results_s = 0.0;     ///< drop → first results (the embedding model done)
    double decode_s = 0.0, features_s = 0.0, inference_s = 0.0;  ///< TrackAnalysis stage times
};

// [SECTION] Map state ----------------------------------------------------------------------------
enum class MapTool { pan, box, lasso };
enum class MapLayout { catalog, pca, tsne_browser };

struct ColourBy {
    enum class Kind { source, bpm, loudness, duration, mood, tag, label } kind = Kind::source;
    int index = 0;  ///< mood index (kMoodNames), tag index (App::tag_vocabulary()) or zero-shot label index
};

/// Words and a picture as parts of the query (app_words.cpp), beside a dropped or chosen track.
struct TextPart {
    std::string text;                            ///< what the results are for ("" = no text part)
    std::optional<semantic::PreparedText> prepared;
    double embed_ms = 0, score_ms = 0;           ///< last query: text → embedding, embedding → catalog scores
};
struct ImagePart {
    std::string name;                            ///< "" = no picture
    std::vector<semantic::ImageClass> classes;   ///< what it shows, best first
    ColourFeel feel;
    std::string explanation;                     ///< "sees: …; feels: …"
    std::optional<semantic::PreparedText> sees;  ///< the classes' words through the text bridge
    std::optional<semantic::PreparedText> feels; ///< the colour moods as concept weights
    std::vector<float> scores;                   ///< per catalog track: sees and feels combined
    int width_px = 0, height_px = 0;
    std::string format;
    double analysis_ms = 0;
};
/// One zero-shot label of the tagging panel.
struct LabelScore {
    std::string label;
    semantic::PreparedText prepared;
    std::vector<float> percentile;               ///< per catalog track, 0..1
    size_t n_fit = 0;                            ///< tracks at or above the threshold
    std::vector<uint32_t> best;                  ///< best tracks, best first
    float file_raw = kUnknown, file_percentile = kUnknown;  ///< the dropped file
    std::string file_why;
};

struct Rect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// [SECTION] App ----------------------------------------------------------------------------------
class App {
public:
    App(Host& host, Embedder* embedder);
    ~App();

    void set_models(std::vector<AudioModel> models);
    const std::vector<AudioModel>& models() const { return models_; }
    /// Model licence lines for the about panel (name → "license; source").
    void set_model_notes(std::map<std::string, std::string> notes) { model_notes_ = std::move(notes); }

    /// Opens catalog.cfc bytes. `base_url` prefixes preview file names ("catalog/").
    Status open_catalog(std::vector<uint8_t> bytes, const std::string& name, const std::string& base_url);
    bool has_catalog() const { return catalog_ != nullptr; }

    /// Starts analysing a dropped or picked file. Returns a request id (> 0) that
    /// Host::analysis_finished reports on. A file that fails leaves the current query and results as
    /// they were and shows the error.
    int analyze(const std::string& name, std::vector<uint8_t> bytes);
    /// Does up to `budget_s` of analysis work outside a frame (the page calls it between frames while
    /// a file is decoded, so decoding is not limited to a slice of each frame). True while there is
    /// more decoding/feature work to do.
    bool pump(double budget_s);
    /// Uses a catalog track as the query (as "find similar" on the map does).
    void query_track(uint32_t track);

    /// Worker callbacks.
    void on_tsne_progress(const float* xy, size_t n_points, int iteration, int total, bool done);
    void on_tsne_error(const std::string& message);

    /// Map benchmark: show `n` points (the catalog's, plus jittered copies) — frame-time measurements.
    void set_display_points(size_t n);

    /// The sentence encoder's vocabulary (models/use-lite/vocab.txt): enables text search, zero-shot
    /// tags and picture queries once the catalog is open (its concepts are embedded then).
    Status set_text_model(const std::string& vocab_text);
    /// The image model's class lines (models/mobilenet-v2/labels.txt).
    void set_image_labels(const std::string& labels_text);
    /// Text search: results for `text` arrive when it is embedded (typing calls this every change).
    void set_text_query(const std::string& text);
    /// Zero-shot tags: scores each comma-separated label against the catalog (and the dropped file).
    void set_tag_labels(const std::string& labels_text);

    /// Messages from the page while it loads (downloads): shown in a progress bar; "" hides it.
    void set_loading(const std::string& text, double fraction) { loading_text_ = text; loading_fraction_ = fraction; }
    void set_error(const std::string& message) { error_ = message; }
    /// Background work the user need not wait for (saving the site for offline use): a small bar in
    /// the menu bar; "" hides it.
    void set_status(const std::string& text, double fraction) { status_text_ = text; status_fraction_ = fraction; }

    /// Builds the UI for this frame (between ImGui::NewFrame and ImGui::Render).
    void frame();

    /// window.cuefinder.state(): catalog, work in progress, query, results (ids and paths in order).
    std::string state_json() const;
    /// Screen rectangles (CSS pixels) of named widgets from the last frame, for tests that click.
    std::string layout_json() const;

private:
    // screens (one file each: ui_query.cpp, ui_results.cpp, ui_map.cpp, ui_about.cpp)
    void draw_menu();
    void draw_query_panel();
    void draw_filters_panel();
    void draw_results_panel();
    void draw_map_panel();
    void draw_about();
    void draw_waveform(float height);
    void draw_taggram(float height);
    void handle_keys();
    void draw_words_panel();
    void draw_tags_panel();

    // logic
    void step_analysis(double budget_s);
    void finish_analysis();
    Query query_from(const TrackAnalysis& a) const;  ///< everything but the timings
    void run_search();
    SearchOptions search_options() const;
    void play_track(uint32_t track);
    void play_result(size_t row);
    void toggle_ab();
    void export_list(const std::vector<ExportRow>& rows, const std::string& what, const char* format);
    void rebuild_display();
    void recolour();
    void compute_pca();
    void fit_view();
    std::vector<std::string> tag_vocabulary_from_catalog() const;
    // words and pictures (app_words.cpp)
    void attach_semantic();
    void when_semantic_ready(std::function<void()> action);
    void start_text_embedding();
    void analyze_image(int request, const std::string& name, std::vector<uint8_t> bytes);
    void score_labels();
    void run_semantic_search(const SearchOptions& o);
    std::vector<float> query_concept_values() const;  ///< the dropped file's concept values
    bool has_semantic_parts() const { return !text_.text.empty() || !image_.name.empty(); }
    std::string semantic_state_json() const;
    void mark(const char* name);  ///< records the last item's rect under `name`

    Host& host_;
    Embedder* embedder_;
    std::vector<AudioModel> models_;
    std::map<std::string, std::string> model_notes_;
    std::unique_ptr<Catalog> catalog_;
    std::optional<match::MatchCalibration> match_calibration_;  ///< of catalog_ (none: fewer than 2 tracks)
    std::string catalog_name_, catalog_base_url_;
    std::vector<std::string> tag_vocabulary_;
    std::vector<std::string> sources_;          ///< distinct sources, for colours
    std::vector<uint32_t> source_index_;        ///< per track

    // analysis
    std::unique_ptr<TrackAnalyzer> analyzer_;
    int analysis_request_ = 0, next_request_ = 1;
    std::string analysis_name_;
    double analysis_started_s_ = 0.0;
    bool preliminary_shown_ = false;
    double first_results_s_ = 0.0;
    std::string error_;
    std::string loading_text_;
    double loading_fraction_ = 0.0;
    std::string status_text_;
    double status_fraction_ = 0.0;

    // query and results
    Query query_;
    std::vector<SearchHit> results_;
    int selected_row_ = -1;
    bool scroll_to_selected_ = false;
    struct Filters {
        bool bpm = false, duration = false, moods = false, license = false;
        float bpm_min = 80, bpm_max = 140, duration_min_s = 60, duration_max_s = 300;
        std::array<float, kNumMoods> mood_min = {0, 0, 0, 0, 0};
        std::map<std::string, bool> license_kinds;
        int k = 25;
    } filters_;
    bool filters_changed_ = false;

    // playback
    enum class Playing { none, track, query } playing_what_ = Playing::none;
    uint32_t playing_track_ = 0;
    bool ab_on_query_ = false;

    // map
    MapTool tool_ = MapTool::pan;
    MapLayout layout_ = MapLayout::catalog;
    ColourBy colour_by_;
    std::vector<float> layout_xy_;        ///< per track, the current layout
    std::vector<float> display_xy_;       ///< per drawn point
    std::vector<uint32_t> display_track_; ///< drawn point → track
    std::vector<uint32_t> display_rgba_;  ///< packed colours
    std::vector<float> display_state_;    ///< 0 normal, 1 match, 2 selected, 3 playing
    size_t display_points_ = 0;           ///< 0 = one per track
    bool display_dirty_ = true, colours_dirty_ = true, states_dirty_ = true;
    float view_cx_ = 0, view_cy_ = 0, view_scale_ = 1;  ///< data → screen: (p - c) * scale + centre of canvas
    bool view_fitted_ = false;
    std::vector<MapPoint> lasso_;
    bool dragging_ = false;
    MapPoint drag_start_screen_{};
    std::vector<uint32_t> selection_;
    std::optional<uint32_t> hovered_track_;
    ValueRange colour_range_;
    float tsne_perplexity_ = 30.0f;
    bool tsne_running_ = false;
    int tsne_iteration_ = 0, tsne_total_ = 0;
    std::vector<float> tsne_xy_;
    std::unique_ptr<MapRenderer> renderer_;

    // words and pictures
    std::unique_ptr<semantic::SemanticSearch> semantic_;
    bool semantic_ready_ = false;
    std::string semantic_status_;                   ///< "" when ready; else what is happening or failed
    std::vector<std::function<void()>> after_semantic_ready_;
    std::vector<std::string> image_labels_;
    std::array<char, 256> text_buf_{};               ///< what is typed
    std::string text_wanted_;                        ///< the latest text to embed
    bool text_in_flight_ = false;
    double text_started_s_ = 0;
    TextPart text_;
    ImagePart image_;
    float weight_track_ = 1.0f, weight_text_ = 1.0f, weight_image_ = 1.0f;
    bool results_are_fit_ = false;                   ///< result scores are calibrated fits (0..1), not cosines
    std::array<char, 512> labels_buf_{};             ///< the tagging panel's labels, as typed
    std::vector<LabelScore> label_scores_;
    bool labels_in_flight_ = false;
    float tag_threshold_ = 0.825f;                   ///< calibrated threshold: best mean F1 on the labelled set (docs/benchmarks/zeroshot.md)
    int image_request_ = 0;                          ///< the picture being analysed (0: none)

    bool show_about_ = false;
    std::map<std::string, Rect> layout_rects_;
};

}  // namespace cf::app
