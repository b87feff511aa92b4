// cuefinder app session — the app's state and logic without ImGui or emscripten: the catalog, the
// analysis of a dropped file, the query, filters and results, playback (A/B), and the parts that have
// files of their own: the map (map_model.h), words/picture/labels (words_model.h), the mixed query
// (mixed_search.h). The screens (src/app/ui_*.cpp) read it and call its methods; tests drive it with
// a fake Host and a fake Embedder (tests/app/).
//
//   cf::app::Session s(host, embedder);
//   s.set_models(models);                                 // the analysis slots
//   s.open_catalog(bytes, "demo", "catalog/");            // catalog.cfc bytes; previews under base_url
//   s.query_track(3);                                     // results(): similar tracks, the track left out
//   int id = s.analyze("song.mp3", bytes);                // then pump(budget_s) / step() until done
//   s.filters().bpm = true;  s.run_search();              // filters narrow the results
//
// [SECTION] Catalog and models  [SECTION] Analysis  [SECTION] Query and results  [SECTION] Playback
// [SECTION] Map  [SECTION] Like/skip, custom tags, playlists (session_feedback.cpp)  [SECTION] Messages and state
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/host.h"
#include "app/session/custom_tags.h"
#include "app/session/drop_analysis.h"
#include "app/session/feedback_model.h"
#include "app/session/map_model.h"
#include "app/session/playlist_model.h"
#include "app/session/query.h"
#include "app/session/results.h"
#include "app/session/video_model.h"
#include "app/session/words_model.h"
#include "core/analysis/track_analyzer.h"
#include "core/catalog/catalog.h"
#include "core/catalog/export.h"
#include "core/common/json.h"
#include "core/query/query_engine.h"

namespace cf::app {

enum class Playing { none, track, query };

class Session {
public:
    Session(Host& host, Embedder* embedder);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // [SECTION] Catalog and models ---------------------------------------------------------------
    /// The analysis slots; the core's "query" profile caps are applied.
    void set_models(std::vector<AudioModel> models);
    const std::vector<AudioModel>& models() const { return models_; }
    /// Model licence lines for the about panel (name → "license; source").
    void set_model_notes(std::map<std::string, std::string> notes) { model_notes_ = std::move(notes); }
    const std::map<std::string, std::string>& model_notes() const { return model_notes_; }
    /// Opens catalog.cfc bytes. `base_url` prefixes preview file names ("catalog/"). Resets the query,
    /// results, selection, words and map.
    Status open_catalog(std::vector<uint8_t> bytes, const std::string& name, const std::string& base_url);
    const Catalog* catalog() const { return catalog_.get(); }
    const std::string& catalog_name() const { return catalog_name_; }
    /// The sentence encoder's vocabulary: text search, zero-shot tags and pictures once a catalog is open.
    Status set_text_model(const std::string& vocab_text);

    // [SECTION] Analysis -------------------------------------------------------------------------
    /// Starts analysing a dropped or picked file (audio or a picture). Returns a request id (> 0) that
    /// Host::analysis_finished reports on. A file that fails leaves the query and results as they were
    /// and sets error() naming the file.
    int analyze(const std::string& name, std::vector<uint8_t> bytes);
    /// Up to `budget_s` of analysis work; true while there is more decoding/feature work to do.
    bool pump(double budget_s);
    /// One frame's slice of analysis work (results appear as soon as the embedding model answered).
    void step(double budget_s);
    bool analysing() const { return analysis_request_ != 0 && drop_ != nullptr; }
    const std::string& analysis_name() const { return analysis_name_; }
    const char* analysis_stage() const { return analysing() ? drop_->stage() : "idle"; }
    double analysis_progress() const { return analysing() ? drop_->progress() : 0.0; }
    void cancel_analysis() { if (drop_) drop_->cancel(); }
    /// Changes whenever a drop's analysis puts a new list up (first, refined, complete).
    int list_version() const { return list_version_; }
    /// Each audio model once on a silent patch, in the background (drop_analysis.h: warm_up_models).
    void warm_models() { warm_up_models(models_, embedder_); }

    // [SECTION] Query and results ----------------------------------------------------------------
    const Query& query() const { return query_; }
    /// Uses catalog track `track` as the query ("find similar").
    void query_track(uint32_t track);
    const Results& results() const { return results_; }
    /// Selects a row (-1: none), clamped to the list.
    void select_row(int row);
    Filters& filters() { return filters_; }
    const Filters& filters() const { return filters_; }
    /// Searches again with the current query, words, picture and filters.
    void run_search();
    /// What the matches are for: "song.mp3 + \"calm\" + sea.jpg" (parts with a weight above 0).
    std::string results_title() const;

    // [SECTION] Playback -------------------------------------------------------------------------
    Playing playing_what() const { return playing_what_; }
    uint32_t playing_track() const { return playing_track_; }
    bool ab_on_query() const { return ab_on_query_; }
    void play_track(uint32_t track);
    void play_result(size_t row);
    /// Plays the dropped file from `start_s`.
    void play_query_at(double start_s);
    /// A/B: the selected result's preview ↔ the dropped file at its representative segment.
    void toggle_ab();
    /// Space: pause, resume, or play the selected row.
    void toggle_pause();
    /// Notices a playback that failed to start (the error shows, nothing plays).
    void check_playback();
    /// Offers a list as a download: format "csv", "json" or "credits".
    void export_list(const std::vector<ExportRow>& rows, const std::string& what, const std::string& format);

    // [SECTION] Map ------------------------------------------------------------------------------
    MapModel& map() { return map_; }
    const MapModel& map() const { return map_; }
    void show_layout(MapLayout layout);   ///< catalog / PCA / the browser t-SNE (when it has run)
    void start_tsne();
    void stop_tsne();
    void on_tsne_progress(const float* xy, size_t n_points, int iteration, int total, bool done);
    void on_tsne_error(const std::string& message);
    /// The map's data for this frame (positions and colours); true if they changed.
    bool update_map();
    /// The chosen zero-shot label's per-track fit when the map is coloured by one, else empty.
    std::span<const float> colour_label_percentile() const;

    WordsModel& words() { return words_; }
    const WordsModel& words() const { return words_; }
    /// A dropped video → fitted soundtrack suggestions (video_model.h).
    VideoModel& video() { return video_; }
    const VideoModel& video() const { return video_; }

    // [SECTION] Like/skip, custom tags, playlists (session_feedback.cpp) -----------------------------
    /// Like or skip a catalog track (a row, a map point): the matches are re-ranked by the adaptive
    /// session (feedback_model.h), which is kept in the browser after every change.
    void like(uint32_t track);
    void skip(uint32_t track);
    /// A typed remark ("more upbeat", "no vocals"): embedded, then added to the session.
    void remark(const std::string& text);
    bool remark_in_flight() const { return remark_in_flight_; }
    void undo_feedback();
    void clear_feedback();
    const FeedbackModel& feedback() const { return feedback_; }
    /// Offers the session as a JSON download; dropping that file on the page imports it.
    void export_session();

    /// Trains custom tag `name` from the map selection (else the liked tracks; skipped tracks are its
    /// negatives), colours the map by it and keeps it. Errors show in error().
    void train_custom_tag(const std::string& name);
    void remove_custom_tag(size_t index);
    void export_custom_tag(size_t index);
    /// Filters the matches by a custom tag's fits (-1: off).
    void filter_by_custom_tag(int index);
    const CustomTags& custom_tags() const { return custom_tags_; }

    /// Makes a playlist from the map selection, else the liked tracks, else the current query.
    void make_playlist();
    void export_playlist(const std::string& format);  ///< "m3u8", "xspf", "csv"
    PlaylistModel& playlist() { return playlist_; }
    const PlaylistModel& playlist() const { return playlist_; }

    /// The keys of what the page keeps for this catalog (Host::save_state), for the page to hand back.
    std::vector<std::string> state_keys() const;
    /// What the page kept under `key`. Errors name what could not be restored (the kept text stays).
    Status restore_state(const std::string& key, const std::string& json);

    // [SECTION] Messages and state ---------------------------------------------------------------
    const std::string& error() const { return error_; }
    void set_error(const std::string& message) { error_ = message; }
    void set_loading(const std::string& text, double fraction) { loading_text_ = text, loading_fraction_ = fraction; }
    const std::string& loading_text() const { return loading_text_; }
    double loading_fraction() const { return loading_fraction_; }
    void set_status(const std::string& text, double fraction) { status_text_ = text, status_fraction_ = fraction; }
    const std::string& status_text() const { return status_text_; }
    double status_fraction() const { return status_fraction_; }
    Host& host() { return host_; }

    /// window.cuefinder.state(): catalog, work in progress, query, results, words, selection, map.
    /// `view_fields` adds the screens' own members (key/value pairs) before the closing brace.
    std::string state_json(const std::function<void(JsonWriter&)>& view_fields = {}) const;

private:
    bool step_analysis(double budget_s);  ///< true while there is decoding work left
    void show_analysis(const TrackAnalysis& a, bool preliminary);
    void search_keeping_selection();
    void finish_analysis();
    void analysis_failed();
    void words_parts_changed();
    void words_labels_scored();
    void compute_pca();
    void write_query(JsonWriter& w) const;
    void write_results(JsonWriter& w) const;
    void write_map(JsonWriter& w) const;
    void write_feedback(JsonWriter& w) const;
    Result<std::vector<SearchHit>> session_search(const SearchOptions& o, bool mixed);
    Result<std::vector<float>> query_scores(const SearchOptions& o, bool mixed) const;
    std::optional<query::PlaylistSeed> playlist_seed(std::string* name) const;
    bool import_json_file(int request, const std::string& name, const std::vector<uint8_t>& bytes);
    void feedback_changed(const Status& s);
    void load_session(const std::string& json, const std::string& what);
    void save_custom_tags();
    std::string session_key() const;
    std::string query_key(bool mixed) const;

    Host& host_;
    Embedder* embedder_;
    std::vector<AudioModel> models_;
    std::map<std::string, std::string> model_notes_;
    std::unique_ptr<Catalog> catalog_;
    std::unique_ptr<query::QueryEngine> engine_;  ///< over catalog_: the track search, the mixed query, match %
    std::string catalog_name_, catalog_base_url_;

    std::unique_ptr<DropAnalysis> drop_;  ///< a dropped audio file: quick first results, then the query profile
    int analysis_request_ = 0, next_request_ = 1;
    std::string analysis_name_;
    double analysis_started_s_ = 0.0;
    bool preliminary_shown_ = false, refined_shown_ = false;
    int list_version_ = 0;
    double first_results_s_ = 0.0;

    std::string error_, loading_text_, status_text_;
    double loading_fraction_ = 0.0, status_fraction_ = 0.0;

    Query query_;
    Results results_;
    Filters filters_;

    Playing playing_what_ = Playing::none;
    uint32_t playing_track_ = 0;
    bool ab_on_query_ = false;

    MapModel map_;
    FeedbackModel feedback_;
    bool remark_in_flight_ = false;
    std::string base_key_;             ///< query_key() of base_scores_ ("" = none yet)
    std::vector<float> base_scores_;   ///< the query's raw score per track, for the adaptive session
    double feedback_ms_ = 0.0;  ///< the last input's re-rank (the query's scores, refit, top-k), wall time
    std::optional<std::pair<std::string, std::string>> pending_session_;  ///< (json, what) waiting for the text model
    CustomTags custom_tags_;
    PlaylistModel playlist_;
    WordsModel words_;
    VideoModel video_;  ///< after words_ (it holds a reference to it)
};

}  // namespace cf::app
