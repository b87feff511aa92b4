// cuefinder app session — a dropped video → soundtrack suggestions, fitted to the clip, auditioned
// with it and exported. The page decodes (web/video_reader.mjs: WebCodecs) and pushes frames into a
// core ClipReader (src/bindings/web/video_api.cpp); this model takes the reading, asks the image model
// what the shots show (core/query/clip_pictures.h), ranks the catalog (core/query/soundtrack.h), fits
// each suggestion to the clip's length (fit_catalog_track) and renders the fitted music (core/fit).
//
//   int r = video.begin("clip.mp4");              // the page starts reading it
//   video.partial(r, clip_so_far, 0.4);           // early suggestions (pace + words) while it reads
//   video.finished(r, std::move(clip));           // shots classified → final suggestions, each fitted
//   video.audition(0);                            // host.fetch(track audio) → on_fetched → play with the clip
//   video.export_wav(0);                          // a WAV of exactly the clip's length (download)
//
// A clip that fails leaves the one shown before (and its suggestions) as it was.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/host.h"
#include "core/common/json.h"
#include "core/query/soundtrack.h"
#include "core/video/clip_reader.h"

namespace cf::app {

class WordsModel;

enum class VideoStage { none, reading, classifying, ready, failed };
const char* video_stage_name(VideoStage stage);  ///< "none", "reading", "classifying", "ready", "failed"

/// One suggestion as the app shows it.
struct VideoRow {
    query::Suggestion suggestion;
    std::optional<query::TrackFit> fit;  ///< the edit of exactly the clip's length
    std::string fit_error;               ///< why there is no fit ("" when fitted)
    bool has_full_audio = false;         ///< the site publishes the whole track (catalog.json "audio")
};

/// What the model asks of the page besides Host's calls.
struct VideoHooks {
    std::function<void()> changed;  ///< suggestions or their state changed (the screens redraw anyway)
};

class VideoModel {
public:
    VideoModel(Host& host, Embedder* embedder, WordsModel& words);
    ~VideoModel();

    /// A new catalog: forgets the clip and suggestions. `base_url` prefixes audio/ files.
    void attach(const Catalog* catalog, const query::QueryEngine* engine, const std::string& base_url);
    /// catalog.json's tracks: which have full-length audio (`"audio": file`) — JSON {"tracks": [...]}.
    Status set_track_files(const std::string& catalog_json);

    // [SECTION] Reading a clip (the page decodes; these take the core's reading) --------------------
    int begin(const std::string& name);
    /// The clip read so far (ClipReader::finish_partial): early suggestions once ≥ min_partial_s read.
    void partial(int request, ClipAnalysis clip, double fraction);
    void finished(int request, Result<ClipAnalysis> clip);
    /// The picture cannot be decoded here (HEVC in Chromium on Linux): suggestions from the words and
    /// pace-free ranking; `message` says so plainly (kept as a notice, not an error).
    void picture_unreadable(int request, const std::string& message, double duration_s, ClipSound sound);
    void failed(int request, const std::string& message);
    /// The words changed ("but more epic"): rank again.
    void refine();

    // [SECTION] Suggestions, audition, exports ------------------------------------------------------
    const std::vector<VideoRow>& rows() const { return rows_; }
    int selected() const { return selected_; }
    void select(int row);
    /// Fetches the track's audio (once), renders the fit and plays it with the clip from its start.
    void audition(int row);
    void stop_audition();
    int auditioning() const { return audition_row_; }
    /// The fitted music as a WAV download of exactly the clip's length.
    void export_wav(int row);
    /// The row's cue sheet ("json" or "csv": core/fit/cue_sheet.h) as a download.
    void export_cues(int row, const std::string& format);
    /// The FFmpeg command that muxes the exported WAV with the clip (core/fit/mux_command.h), as a
    /// download (a one-line .sh) and in mux_command() for the page to copy.
    void export_mux_command(int row);
    const std::string& mux_command() const { return mux_command_; }
    /// The page's fetch answer (Host::fetch): the bytes, or an error.
    void on_fetched(int fetch_id, Result<std::vector<uint8_t>> bytes);
    bool clip_sound = false;  ///< mix the clip's own sound in, the music ducked under it

    // [SECTION] State -------------------------------------------------------------------------------
    bool has_clip() const { return clip_.has_value(); }
    const ClipAnalysis* clip() const { return clip_ ? &*clip_ : nullptr; }
    const query::ClipReading* reading() const { return reading_.get(); }
    const std::string& clip_name() const { return clip_name_; }
    int shown_request() const { return shown_request_; }  ///< the page's id of the clip shown (0: none)
    VideoStage stage() const { return stage_; }
    double progress() const { return progress_; }
    const std::string& error() const { return error_; }
    const std::string& notice() const { return notice_; }
    const std::string& explanation() const { return explanation_; }  ///< "still shots; 9 cuts/min → 70–95 BPM; sees: lake"
    double first_suggestions_s() const { return first_suggestions_s_; }
    double finished_s() const { return finished_s_; }
    void write_state(JsonWriter& w) const;  ///< the "video" member of the session's state

    double min_partial_s = 5.0;  ///< clip seconds read before early suggestions
    size_t k = 10;               ///< suggestions shown

private:
    enum class Action { none, audition, export_wav };
    void show(int request, ClipAnalysis clip, bool final);
    void classify_and_rank(int request);
    void rank(int request);
    void fit_rows();
    void fetch_for(int row, Action action);
    void run_action(int row, Action action);
    Result<std::vector<uint8_t>> render_wav(int row);
    std::string track_audio_url(uint32_t track) const;
    std::string wav_name(int row) const;
    bool valid_fit(int row);
    bool current(int request) const { return request == request_; }

    Host& host_;
    Embedder* embedder_;
    WordsModel& words_;
    const Catalog* catalog_ = nullptr;
    const query::QueryEngine* engine_ = nullptr;
    std::string base_url_;
    std::map<std::string, std::string> audio_files_;  ///< track id → file under audio/

    int request_ = 0, next_request_ = 1;     ///< the clip being read (0: none)
    int shown_request_ = 0;                  ///< the clip shown
    std::string reading_name_;               ///< its name
    double started_s_ = 0;
    std::optional<ClipAnalysis> clip_;       ///< the clip shown
    std::shared_ptr<query::ClipReading> reading_;
    std::string clip_name_, error_, notice_, explanation_, mux_command_;
    VideoStage stage_ = VideoStage::none;
    double progress_ = 0, first_suggestions_s_ = 0, read_s_ = 0, finished_s_ = 0;
    bool final_ = false;

    std::vector<VideoRow> rows_;
    int selected_ = -1, audition_row_ = -1;
    int fetch_id_ = 0, next_fetch_ = 1;
    Action pending_ = Action::none;
    int pending_row_ = -1;
    uint32_t fetched_track_ = UINT32_MAX;
    std::vector<uint8_t> fetched_bytes_;     ///< the last fetched track's audio file
};

}  // namespace cf::app
