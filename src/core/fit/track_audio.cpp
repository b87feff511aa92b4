// One pass over a track: read() drives the decoder and feeds the tempo tracker; the source tap feeds
// the loudness meter and keeps the audio. With windows (audio only), the reader seeks to each and the
// tap writes its frames where they belong in a silent buffer of the track's length.
#include "core/fit/track_audio.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/audio/audio_reader.h"
#include "core/loudness/loudness.h"
#include "core/rhythm/tempo.h"

namespace cf {

namespace {

constexpr int kTempoRateHz = 16000;  // the rate TempoTracker is tuned for (the analysis uses it too)

struct Taps {
    std::unique_ptr<LoudnessMeter> loudness;
    TrackAudio* out = nullptr;
    bool timeline = false, audio = false;
    size_t max_floats = 0;
    bool windowed = false;   ///< pcm is preallocated; frames go to write_frame
    size_t write_frame = 0;
    Status status;
};

/// One frame of n_channels as the kept 1 or 2 channels (more are averaged to one) at `to`.
void keep_frame(const float* x, int n_channels, float* to) {
    if (n_channels <= 2) {
        std::copy_n(x, n_channels, to);
        return;
    }
    float sum = 0.0f;
    for (int c = 0; c < n_channels; ++c) sum += x[c];
    *to = sum / float(n_channels);
}

void keep_frames(Taps& t, const float* x, size_t n_frames, int n_channels) {
    std::vector<float>& pcm = t.out->pcm;
    const size_t kept = size_t(t.out->n_channels);
    if (t.windowed) {
        for (size_t i = 0; i < n_frames && (t.write_frame + 1) * kept <= pcm.size(); ++i, ++t.write_frame)
            keep_frame(x + i * size_t(n_channels), n_channels, pcm.data() + t.write_frame * kept);
        return;
    }
    if (pcm.size() + n_frames * kept > t.max_floats) {
        if (t.status.is_ok()) t.status = Status(ErrorCode::too_large, "the track's audio is longer than the render's budget");
        return;
    }
    const size_t at = pcm.size();
    pcm.resize(at + n_frames * kept);
    for (size_t i = 0; i < n_frames; ++i) keep_frame(x + i * size_t(n_channels), n_channels, pcm.data() + at + i * kept);
}

void on_source(Taps& t, const AudioInfo& info, const float* x, size_t n_frames, int n_channels, int rate_hz) {
    if (t.timeline) {
        if (!t.loudness && rate_hz >= 8000) t.loudness = std::make_unique<LoudnessMeter>(rate_hz, n_channels, loudness_options_for(info));
        if (t.loudness) t.loudness->push_interleaved(x, n_frames);
    }
    if (t.audio) keep_frames(t, x, n_frames, n_channels);
}

/// Reads to the end (or, with until_s ≥ 0, until the reader passes it), pushing into `tempo` if any;
/// the number of output samples read.
Result<size_t> read_through(AudioReader& reader, const Taps& taps, const std::string& path, TempoTracker* tempo, double until_s) {
    std::vector<float> block(8192);
    size_t n_read = 0;
    for (;;) {
        auto n = reader.read(block.data(), block.size());
        if (!n) return n.status();
        if (!taps.status.is_ok()) return Status(taps.status.code(), path + ": " + taps.status.message());
        if (*n == 0) break;
        if (tempo) tempo->push(block.data(), *n);
        n_read += *n;
        if (until_s >= 0 && reader.position_s() >= until_s) break;
    }
    return n_read;
}

/// The windowed read: a silent buffer of the track's length, each window decoded into it.
Status read_windows(AudioReader& reader, Taps& taps, const std::string& path, const std::vector<TimeWindow>& windows) {
    const AudioInfo& info = reader.info();
    const size_t n_floats = size_t(info.n_source_frames) * size_t(taps.out->n_channels);
    if (n_floats > taps.max_floats) return Status(ErrorCode::too_large, path + ": the track's audio is longer than the render's budget");
    taps.out->pcm.assign(n_floats, 0.0f);
    taps.windowed = true;
    for (const TimeWindow& w : windows) {
        const double start_s = std::clamp(w.start_s, 0.0, info.duration_s);
        CF_RETURN_IF_ERROR(reader.seek(start_s));
        taps.write_frame = size_t(std::llround(start_s * info.source_rate_hz));
        auto n = read_through(reader, taps, path, nullptr, start_s + std::max(0.0, w.duration_s));
        if (!n) return n.status();
    }
    return Status::ok();
}

}  // namespace

Result<TrackAudio> read_track_audio(const std::string& path, const TrackAudioOptions& options) {
    auto source = open_file_source(path);
    if (!source) return source.status();
    return read_track_audio(std::move(*source), options);
}

Result<TrackAudio> read_track_audio(std::unique_ptr<ByteSource> source, const TrackAudioOptions& options) {
    if (!source) return Status(ErrorCode::invalid_argument, "read_track_audio: no source");
    const std::string path = source->name();
    TrackAudio out;
    Taps taps{nullptr, &out, options.timeline, options.audio, options.max_audio_bytes / sizeof(float), false, 0, Status::ok()};
    DecodeOptions d;
    d.output_rate_hz = kTempoRateHz;
    d.resample_quality = options.timeline ? ResampleQuality::medium : ResampleQuality::fast;
    const AudioInfo* info = nullptr;
    d.source_tap = [&](const float* x, size_t n, int ch, int rate) {
        if (info) on_source(taps, *info, x, n, ch, rate);
    };
    auto reader = AudioReader::open(std::move(source), d);
    if (!reader) return reader.status();
    info = &(*reader)->info();
    out.sample_rate_hz = info->source_rate_hz;
    out.n_source_channels = info->n_source_channels;
    out.n_channels = info->n_source_channels <= 2 ? info->n_source_channels : 1;
    const bool windowed = options.audio && !options.timeline && !options.audio_windows.empty() && info->n_source_frames > 0 &&
                          !info->length_is_estimate;
    if (windowed) {
        CF_RETURN_IF_ERROR(read_windows(**reader, taps, path, options.audio_windows));
        out.duration_s = info->duration_s;
        return out;
    }
    std::unique_ptr<TempoTracker> tempo = options.timeline ? std::make_unique<TempoTracker>(kTempoRateHz) : nullptr;
    auto n_read = read_through(**reader, taps, path, tempo.get(), -1);
    if (!n_read) return n_read.status();
    out.duration_s = double(*n_read) / kTempoRateHz;
    if (options.timeline) {
        const LoudnessResult loud = taps.loudness ? taps.loudness->finish() : LoudnessResult{};
        out.timeline = make_timeline(out.duration_s, tempo->finish(), loud);
    }
    return out;
}

std::vector<TimeWindow> plan_source_windows(const EditPlan& plan, double margin_s) {
    double crossfade_s = 0.0;
    for (const Splice& s : plan.splices) crossfade_s = std::max(crossfade_s, s.crossfade_s);
    std::vector<TimeWindow> windows;
    for (size_t k = 0; k < plan.pieces.size(); ++k) {
        const SourcePiece& p = plan.pieces[k];
        // render_plan plays the last piece up to the edit's end, the others half a crossfade past theirs.
        const double end_s = k + 1 == plan.pieces.size() ? p.source_start_s + (plan.length_s - p.out_start_s) : p.source_end_s;
        const double a = std::max(0.0, p.source_start_s - crossfade_s - margin_s);
        windows.push_back({a, end_s + crossfade_s + margin_s - a});
    }
    return windows;
}

}  // namespace cf
