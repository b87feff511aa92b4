// cuefinder app session — a dropped video → fitted soundtrack suggestions (video_model.h).
#include "app/session/video_model.h"

#include <algorithm>
#include <cstdio>

#include "app/session/words_model.h"
#include "core/audio/audio_reader.h"
#include "core/audio/wav_writer.h"
#include "core/fit/cue_sheet.h"
#include "core/fit/duck.h"
#include "core/fit/fit_json.h"
#include "core/fit/mux_command.h"
#include "core/fit/render.h"
#include "core/fit/track_audio.h"
#include "core/io/byte_source.h"
#include "core/io/json_reader.h"
#include "core/query/clip_pictures.h"
#include "core/rhythm/tempo_reading.h"

namespace cf::app {

namespace {

constexpr int kRenderRateHz = 44100;

std::string file_stem(const std::string& name) {
    const std::string base(file_name_of(name));
    const size_t dot = base.find_last_of('.');
    return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

}  // namespace

const char* video_stage_name(VideoStage stage) {
    switch (stage) {
        case VideoStage::none: return "none";
        case VideoStage::reading: return "reading";
        case VideoStage::classifying: return "classifying";
        case VideoStage::ready: return "ready";
        case VideoStage::failed: return "failed";
    }
    return "none";
}

VideoModel::VideoModel(Host& host, Embedder* embedder, WordsModel& words) : host_(host), embedder_(embedder), words_(words) {}
VideoModel::~VideoModel() = default;

void VideoModel::attach(const Catalog* catalog, const query::QueryEngine* engine, const std::string& base_url) {
    if (clip_) host_.show_clip(0, false);
    catalog_ = catalog, engine_ = engine, base_url_ = base_url;
    audio_files_.clear();
    request_ = 0;
    clip_.reset();
    reading_.reset();
    clip_name_.clear(), error_.clear(), notice_.clear(), explanation_.clear();
    stage_ = VideoStage::none;
    rows_.clear();
    selected_ = audition_row_ = pending_row_ = -1;
    pending_ = Action::none;
    fetched_track_ = UINT32_MAX;
    fetched_bytes_.clear();
}

Status VideoModel::set_track_files(const std::string& catalog_json) {
    auto v = parse_json(catalog_json);
    if (!v) return Status(ErrorCode::invalid_argument, "catalog.json: " + v.status().message());
    const JsonValue* tracks = v->is_object() ? v->find("tracks") : nullptr;
    if (!tracks || !tracks->is_array()) return Status(ErrorCode::invalid_argument, "catalog.json: no \"tracks\" array");
    audio_files_.clear();
    for (const JsonValue& t : tracks->items()) {
        const JsonValue* id = t.find("id");
        const JsonValue* audio = t.find("audio");
        if (id && id->is_string() && audio && audio->is_string() && !audio->string().empty())
            audio_files_[id->string()] = audio->string();
    }
    for (VideoRow& r : rows_) r.has_full_audio = !track_audio_url(r.suggestion.track).empty();
    return Status::ok();
}

// ---- reading -----------------------------------------------------------------------------------

int VideoModel::begin(const std::string& name) {
    request_ = next_request_++;
    reading_name_ = name;
    started_s_ = host_.now_s();
    progress_ = 0;
    error_.clear();
    if (!clip_) stage_ = VideoStage::reading;
    return request_;
}

void VideoModel::partial(int request, ClipAnalysis clip, double fraction) {
    if (!current(request)) return;
    progress_ = std::clamp(fraction, 0.0, 1.0);
    if (final_ && shown_request_ == request) return;  // the whole clip is already in
    if (clip.shots.duration_s < min_partial_s || !engine_) return;
    show(request, std::move(clip), false);
    rank(request);
}

void VideoModel::finished(int request, Result<ClipAnalysis> clip) {
    if (!current(request)) return;
    if (!clip) return failed(request, clip.status().message());
    progress_ = 1;
    read_s_ = host_.now_s() - started_s_;
    show(request, std::move(*clip), true);
    classify_and_rank(request);
}

void VideoModel::picture_unreadable(int request, const std::string& message, double duration_s, ClipSound sound) {
    if (!current(request)) return;
    if (!(duration_s > 0)) return failed(request, message + " (and its length is unknown)");
    ClipAnalysis clip;
    clip.info.duration_s = duration_s;
    clip.shots.duration_s = duration_s;
    clip.sound = std::move(sound);
    show(request, std::move(clip), true);
    *reading_ = query::sound_only_reading(duration_s);
    notice_ = message;
    rank(request);
}

void VideoModel::failed(int request, const std::string& message) {
    if (!current(request)) return;
    error_ = message.find(reading_name_) == std::string::npos ? reading_name_ + ": " + message : message;
    request_ = 0;
    stage_ = clip_ ? VideoStage::ready : VideoStage::failed;
    host_.show_clip(request, false);
}

// The clip becomes the one shown (the first partial reading of a new clip replaces the old one).
void VideoModel::show(int request, ClipAnalysis clip, bool final) {
    if (!clip_ || clip_name_ != reading_name_ || shown_request_ != request) {
        host_.show_clip(request, true);
        shown_request_ = request;
        rows_.clear();
        selected_ = audition_row_ = -1;
        first_suggestions_s_ = finished_s_ = 0;
        notice_.clear();
    }
    clip_name_ = reading_name_;
    clip_ = std::move(clip);
    reading_ = std::make_shared<query::ClipReading>(query::clip_reading(clip_->shots));
    final_ = final;
    stage_ = final ? VideoStage::classifying : VideoStage::reading;
}

void VideoModel::classify_and_rank(int request) {
    WordsModel& w = words_;
    if (!embedder_ || !w.search() || w.image_labels().empty()) {
        notice_ = "shots not classified: the image and text models are not loaded on this page (ranked by pace)";
        return rank(request);
    }
    w.when_ready([this, request] {
        if (!current(request) || !clip_) return;
        auto still = [this, request] { return current(request); };
        query::read_shot_pictures(reading_, clip_->keyframes, words_.image_labels(), *embedder_, *words_.search(), {},
                                  still, [this, request](Status s) {
                                      if (!current(request)) return;
                                      if (!s) notice_ = "shots not classified: " + s.message();
                                      rank(request);
                                  });
    });
}

void VideoModel::refine() {
    if (clip_ && reading_ && engine_) rank(shown_request_);
}

// Ranks the catalog for the clip as read so far, then fits every suggestion.
void VideoModel::rank(int request) {
    if (!engine_ || !reading_) return;
    query::SoundtrackOptions o;
    o.k = k;
    const bool words_ready = words_.search() && words_.ready();
    auto r = query::suggest_soundtrack(*engine_, words_ready ? &words_.matcher() : nullptr, *reading_,
                                       words_ready ? words_.text_queries() : std::vector<query::TextQuery>{}, o);
    if (!r) {
        error_ = clip_name_ + ": " + r.status().message();
        return;
    }
    const uint32_t selected_track = selected_ >= 0 && size_t(selected_) < rows_.size() ? rows_[selected_].suggestion.track : UINT32_MAX;
    rows_.clear();
    for (query::Suggestion& s : *r) rows_.push_back(VideoRow{std::move(s), std::nullopt, "", false});
    fit_rows();
    selected_ = rows_.empty() ? -1 : 0;
    for (size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i].suggestion.track == selected_track) selected_ = int(i);
    explanation_ = rows_.empty() ? "" : rows_[0].suggestion.why;
    if (first_suggestions_s_ == 0) first_suggestions_s_ = host_.now_s() - started_s_;
    if (final_ && current(request)) {
        stage_ = VideoStage::ready;
        finished_s_ = host_.now_s() - started_s_;
    }
}

void VideoModel::fit_rows() {
    for (VideoRow& row : rows_) {
        row.has_full_audio = !track_audio_url(row.suggestion.track).empty();
        auto fit = query::fit_catalog_track(*catalog_, row.suggestion.track, *reading_);
        if (fit) row.fit = std::move(*fit);
        else row.fit_error = fit.status().message();
    }
}

// ---- suggestions, audition, exports --------------------------------------------------------------

void VideoModel::select(int row) { selected_ = rows_.empty() ? -1 : std::clamp(row, 0, int(rows_.size()) - 1); }

std::string VideoModel::track_audio_url(uint32_t track) const {
    if (!catalog_ || track >= catalog_->size()) return "";
    auto it = audio_files_.find(catalog_->tracks()[track].id);
    return it == audio_files_.end() ? "" : base_url_ + "audio/" + it->second;
}

void VideoModel::audition(int row) {
    select(row);
    fetch_for(row, Action::audition);
}

void VideoModel::stop_audition() {
    if (audition_row_ >= 0) host_.pause();
    audition_row_ = -1;
}

void VideoModel::export_wav(int row) { fetch_for(row, Action::export_wav); }

// Runs `action` on `row` once its track's audio is here (fetching it first when needed).
void VideoModel::fetch_for(int row, Action action) {
    if (!valid_fit(row)) return;
    const VideoRow& r = rows_[row];
    const TrackMeta& t = catalog_->tracks()[r.suggestion.track];
    const std::string url = track_audio_url(r.suggestion.track);
    if (url.empty()) {
        error_ = (t.title.empty() ? t.id : t.title) +
                 ": the catalog does not publish this track's full-length audio (its license, or the catalog was built without it)";
        return;
    }
    error_.clear();
    if (fetched_track_ == r.suggestion.track) return run_action(row, action);
    pending_ = action, pending_row_ = row;
    fetch_id_ = next_fetch_++;
    host_.fetch(fetch_id_, url);
}

void VideoModel::on_fetched(int fetch_id, Result<std::vector<uint8_t>> bytes) {
    if (fetch_id != fetch_id_ || pending_row_ < 0 || size_t(pending_row_) >= rows_.size()) return;
    const int row = pending_row_;
    const Action action = pending_;
    pending_ = Action::none, pending_row_ = -1;
    if (!bytes) {
        error_ = bytes.status().message();
        return;
    }
    fetched_bytes_ = std::move(*bytes);
    fetched_track_ = rows_[row].suggestion.track;
    run_action(row, action);
}

void VideoModel::run_action(int row, Action action) {
    auto wav = render_wav(row);
    if (!wav) {
        error_ = wav.status().message();
        return;
    }
    if (action == Action::audition) {
        audition_row_ = row;
        host_.play_with_clip(*wav, 0.0, clip_sound);
        return;
    }
    host_.download_bytes(wav_name(row), "audio/wav", *wav);
}

// The fitted edit of row's track, from the fetched audio (only the stretches the edit plays are
// decoded; stereo kept): a 44.1 kHz WAV of exactly the clip's length, ducked under the clip's own
// sound when clip_sound is on.
Result<std::vector<uint8_t>> VideoModel::render_wav(int row) {
    const VideoRow& r = rows_[row];
    const TrackMeta& t = catalog_->tracks()[r.suggestion.track];
    TrackAudioOptions o;
    o.timeline = false, o.audio = true;
    o.audio_windows = plan_source_windows(r.fit->plan);
    auto audio = read_track_audio(make_owned_memory_source(fetched_bytes_, t.title.empty() ? t.id : t.title), o);
    if (!audio) return audio.status();
    auto out = render_plan_at_rate(r.fit->plan, audio->pcm_view(), kRenderRateHz);
    if (!out) return out.status();
    if (clip_sound && clip_) CF_RETURN_IF_ERROR(duck_under_clip(*out, audio->n_channels, kRenderRateHz, clip_->sound));
    return encode_wav(*out, audio->n_channels, kRenderRateHz);
}

std::string VideoModel::wav_name(int row) const {
    const TrackMeta& t = catalog_->tracks()[rows_[row].suggestion.track];
    return file_stem(clip_name_) + " - " + (t.title.empty() ? t.id : t.title) + ".wav";
}

bool VideoModel::valid_fit(int row) {
    if (row < 0 || size_t(row) >= rows_.size()) return false;
    if (rows_[row].fit) return true;
    const TrackMeta& t = catalog_->tracks()[rows_[row].suggestion.track];
    error_ = (t.title.empty() ? t.id : t.title) + ": not fitted to the clip: " + rows_[row].fit_error;
    return false;
}

void VideoModel::export_cues(int row, const std::string& format) {
    if (!valid_fit(row)) return;
    const VideoRow& r = rows_[row];
    const TrackMeta& t = catalog_->tracks()[r.suggestion.track];
    CueSheet cue;
    cue.clip = {clip_name_, clip_->shots.duration_s, reading_->cuts_s};
    cue.track = {t.id, t.title, t.artist.empty() ? t.composer : t.artist, t.path, t.license, ""};
    cue.segment = r.fit->segment;
    cue.plan = r.fit->plan;
    const bool csv = format == "csv";
    host_.download(file_stem(wav_name(row)) + (csv ? ".csv" : ".json"), csv ? "text/csv" : "application/json",
                   csv ? cue_sheet_csv(cue) : cue_sheet_json(cue));
}

void VideoModel::export_mux_command(int row) {
    if (!valid_fit(row)) return;
    MuxOptions o;
    o.keep_clip_audio = clip_sound && clip_ && clip_->info.has_audio;
    auto cmd = ffmpeg_mux_command(clip_name_, wav_name(row), file_stem(clip_name_) + " with music.mp4", o);
    if (!cmd) {
        error_ = cmd.status().message();
        return;
    }
    mux_command_ = *cmd;
    host_.download(file_stem(wav_name(row)) + " - mux.sh", "text/x-shellscript", "#!/bin/sh\n" + *cmd + "\n");
}

// ---- state ---------------------------------------------------------------------------------------

namespace {

void write_row(JsonWriter& w, const Catalog& cat, const VideoRow& r) {
    const TrackMeta& t = cat.tracks()[r.suggestion.track];
    w.begin_object().key("id").value(t.id).key("title").value(t.title).key("score").number(r.suggestion.score, "%.4f");
    w.key("bpm").number(t.bpm, "%.1f");
    write_tempo_json(w, tempo_reading(t.bpm, t.bpm_confidence));
    w.key("license").value(t.license).key("why").value(r.suggestion.why);
    w.key("full_audio").value(r.has_full_audio);
    if (r.fit) {
        w.key("fit");
        write_fit_json(w, r.fit->segment, r.fit->plan);
    } else {
        w.key("fit_error").value(r.fit_error);
    }
    w.end_object();
}

}  // namespace

void VideoModel::write_state(JsonWriter& w) const {
    w.key("video").begin_object().key("stage").value(video_stage_name(stage_)).key("reading").value(request_ != 0 && !final_);
    w.key("progress").number(progress_, "%.3f").key("name").value(clip_name_).key("error").value(error_);
    w.key("notice").value(notice_).key("explanation").value(explanation_).key("clip_sound").value(clip_sound);
    w.key("first_suggestions_s").number(first_suggestions_s_, "%.3f").key("read_s").number(read_s_, "%.3f");
    w.key("finished_s").number(finished_s_, "%.3f");
    w.key("selected").value(selected_).key("auditioning").value(audition_row_).key("mux_command").value(mux_command_);
    if (clip_) {
        w.key("clip").begin_object();
        write_clip_json(w, clip_name_, *clip_);
        w.end_object();
    }
    w.key("suggestions").begin_array();
    if (catalog_)
        for (const VideoRow& r : rows_) write_row(w, *catalog_, r);
    w.end_array().end_object();
}

}  // namespace cf::app
