// [SECTION] options  [SECTION] keyframe keeper  [SECTION] reading  [SECTION] finishing  [SECTION] JSON
#include "core/video/clip_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/video/video_json.h"

namespace cf {

// [SECTION] options

Status ClipReaderOptions::validate() const {
    CF_RETURN_IF_ERROR(detector.validate());
    if (!std::isfinite(keyframe_bin_s) || keyframe_bin_s < 0.05 || keyframe_bin_s > 10) {
        char buf[120];
        std::snprintf(buf, sizeof buf, "ClipReaderOptions.keyframe_bin_s = %g is outside 0.05..10", keyframe_bin_s);
        return Status(ErrorCode::invalid_argument, buf);
    }
    return sound.validate();
}

// [SECTION] keyframe keeper

namespace {

/// A frame kept as a keyframe candidate: the best of its bin so far.
struct Candidate {
    long long bin = 0;
    int frame_idx = 0;
    double time_s = 0;
    float score = -1;
    Image pixels;
};

// The kept frame for a shot: the best-scoring candidate inside its keyframe search span (the span
// the detector picks from, so with the detector's pick inside a bin the kept one is that pick);
// when no candidate lies there (a shot shorter than a bin whose bin was won by a neighbour), the
// kept frame nearest the detector's pick, preferring one inside the shot.
const Candidate* kept_for_shot(const std::vector<Candidate>& kept, const Shot& shot) {
    const FrameSpan span = keyframe_search_span(shot);
    const Candidate* best = nullptr;
    for (const Candidate& c : kept)
        if (c.frame_idx >= span.first && c.frame_idx <= span.last && (!best || c.score > best->score)) best = &c;
    if (best) return best;
    const int last = shot.first_frame_idx + shot.n_frames - 1;
    auto cost = [&](const Candidate& c) {
        const bool inside = c.frame_idx >= shot.first_frame_idx && c.frame_idx <= last;
        return (inside ? 0.0 : 1e9) + std::abs(c.time_s - shot.keyframe_s);
    };
    for (const Candidate& c : kept)
        if (!best || cost(c) < cost(*best)) best = &c;
    return best;
}

}  // namespace

// [SECTION] reading

struct ClipReader::Impl {
    std::string name;
    VideoInfo info;
    ClipReaderOptions options;
    ShotDetector detector;
    ClipSoundMeter sound;
    std::vector<Candidate> kept;  // in frame order, one per bin
    double last_frame_s = 0;
    size_t n_audio_samples = 0;
    int audio_rate_hz = 0;

    Impl(std::string n, VideoInfo i, ClipReaderOptions o)
        : name(std::move(n)), info(std::move(i)), options(o), detector(o.detector), sound(o.sound) {}

    Status error(ErrorCode code, const std::string& what) const { return Status(code, name + ": " + what); }
    void keep_if_best(const VideoFrame& frame, int frame_idx);
    Result<ClipAnalysis> analyse(bool complete) const;
};

void ClipReader::Impl::keep_if_best(const VideoFrame& frame, int frame_idx) {
    const long long bin = (long long)std::floor(frame.time_s / options.keyframe_bin_s);
    const float score = detector.keyframe_score(frame_idx);
    if (kept.empty() || kept.back().bin != bin) kept.push_back(Candidate{bin});
    Candidate& c = kept.back();
    if (score <= c.score) return;  // ties keep the earlier frame, as the detector's pick does
    c.frame_idx = frame_idx;
    c.time_s = frame.time_s;
    c.score = score;
    c.pixels.width_px = frame.width_px;
    c.pixels.height_px = frame.height_px;
    c.pixels.rgb = frame.rgb;
}

ClipReader::ClipReader(std::string name, VideoInfo info, ClipReaderOptions options)
    : impl_(std::make_unique<Impl>(std::move(name), std::move(info), options)) {}
ClipReader::~ClipReader() = default;
ClipReader::ClipReader(ClipReader&&) noexcept = default;
ClipReader& ClipReader::operator=(ClipReader&&) noexcept = default;

Status ClipReader::push_frame(const VideoFrame& frame) {
    Impl& s = *impl_;
    if (Status v = s.options.validate(); !v) return v.with_context(s.name);
    const int idx = s.detector.n_frames();
    if (Status pushed = s.detector.push(frame); !pushed) return pushed.with_context(s.name);
    s.keep_if_best(frame, idx);
    s.last_frame_s = frame.time_s;
    return Status::ok();
}

Status ClipReader::push_audio(const float* mono, size_t n_samples, int rate_hz) {
    Impl& s = *impl_;
    if (Status pushed = s.sound.push(mono, n_samples, rate_hz); !pushed) return pushed.with_context(s.name);
    s.n_audio_samples += n_samples;
    s.audio_rate_hz = rate_hz;
    return Status::ok();
}

int ClipReader::n_frames() const { return impl_->detector.n_frames(); }
double ClipReader::last_frame_s() const { return impl_->last_frame_s; }

// [SECTION] finishing

// The whole clip ends where its headers say when they say (and the frames agree); otherwise where
// the frames or the sound end, whichever is later. A partial reading ends after its last frame.
Result<ClipAnalysis> ClipReader::Impl::analyse(bool complete) const {
    if (Status v = options.validate(); !v) return v.with_context(name);
    const double audio_s = audio_rate_hz ? double(n_audio_samples) / audio_rate_hz : 0.0;
    const bool header_duration = complete && info.duration_s > 0 && info.duration_s >= last_frame_s;
    Result<ShotAnalysis> shots = detector.finish(header_duration ? info.duration_s : 0.0);
    if (shots && complete && !header_duration && audio_s > shots->duration_s) shots = detector.finish(audio_s);
    if (!shots) return shots.status().with_context(name);
    ClipAnalysis out;
    out.info = info;
    if (complete) out.info.duration_s = shots->duration_s;
    out.complete = complete;
    out.shots = std::move(*shots);
    for (Shot& shot : out.shots.shots) {
        const Candidate* c = kept_for_shot(kept, shot);
        shot.keyframe_idx = c->frame_idx;  // the frame whose pixels are kept
        shot.keyframe_s = c->time_s;
        out.keyframes.push_back(c->pixels);
    }
    out.sound = sound.finish();
    return out;
}

Result<ClipAnalysis> ClipReader::finish_partial() const {
    const Impl& s = *impl_;
    if (s.detector.n_frames() < 2)
        return s.error(ErrorCode::empty, "too early for a reading: " + std::to_string(s.detector.n_frames()) +
                                             " frame(s) decoded, 2 needed");
    return s.analyse(false);
}

Result<ClipAnalysis> ClipReader::finish() {
    const Impl& s = *impl_;
    if (s.detector.n_frames() == 0) return s.error(ErrorCode::empty, "no video frame decoded");
    return s.analyse(true);
}

ClipSound ClipReader::sound() const { return impl_->sound.finish(); }

// [SECTION] JSON

void write_clip_json(JsonWriter& w, const std::string& file, const ClipAnalysis& clip) {
    w.key("file").value(file);
    write_video_info_json(w, clip.info);
    write_shot_analysis_json(w, clip.shots);
    w.key("sound").begin_object();
    write_clip_sound_json(w, clip.sound);
    w.end_object();
    w.key("complete").value(clip.complete);
}

}  // namespace cf
