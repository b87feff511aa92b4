// One pass over a track: read() drives the decoder and feeds the tempo tracker; the source tap feeds
// the loudness meter and keeps the audio.
#include "core/fit/track_audio.h"

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
    Status status;
};

/// Keeps frames as 1 or 2 channels (more are averaged to one).
void keep_frames(Taps& t, const float* x, size_t n_frames, int n_channels) {
    std::vector<float>& pcm = t.out->pcm;
    if (pcm.size() + n_frames * size_t(t.out->n_channels) > t.max_floats) {
        if (t.status.is_ok()) t.status = Status(ErrorCode::too_large, "the track's audio is longer than the render's budget");
        return;
    }
    if (n_channels <= 2) {
        pcm.insert(pcm.end(), x, x + n_frames * size_t(n_channels));
        return;
    }
    for (size_t i = 0; i < n_frames; ++i, x += n_channels) {
        float sum = 0.0f;
        for (int c = 0; c < n_channels; ++c) sum += x[c];
        pcm.push_back(sum / float(n_channels));
    }
}

void on_source(Taps& t, const AudioInfo& info, const float* x, size_t n_frames, int n_channels, int rate_hz) {
    if (t.timeline) {
        if (!t.loudness && rate_hz >= 8000) t.loudness = std::make_unique<LoudnessMeter>(rate_hz, n_channels, loudness_options_for(info));
        if (t.loudness) t.loudness->push_interleaved(x, n_frames);
    }
    if (t.audio) keep_frames(t, x, n_frames, n_channels);
}

}  // namespace

Result<TrackAudio> read_track_audio(const std::string& path, const TrackAudioOptions& options) {
    TrackAudio out;
    Taps taps{nullptr, &out, options.timeline, options.audio, options.max_audio_bytes / sizeof(float), Status::ok()};
    DecodeOptions d;
    d.output_rate_hz = kTempoRateHz;
    d.resample_quality = options.timeline ? ResampleQuality::medium : ResampleQuality::fast;
    const AudioInfo* info = nullptr;
    d.source_tap = [&](const float* x, size_t n, int ch, int rate) {
        if (info) on_source(taps, *info, x, n, ch, rate);
    };
    auto reader = AudioReader::open_file(path, d);
    if (!reader) return reader.status();
    info = &(*reader)->info();
    out.sample_rate_hz = info->source_rate_hz;
    out.n_source_channels = info->n_source_channels;
    out.n_channels = info->n_source_channels <= 2 ? info->n_source_channels : 1;
    std::unique_ptr<TempoTracker> tempo = options.timeline ? std::make_unique<TempoTracker>(kTempoRateHz) : nullptr;
    std::vector<float> block(8192);
    size_t n_read = 0;
    for (;;) {
        auto n = (*reader)->read(block.data(), block.size());
        if (!n) return n.status();
        if (!taps.status.is_ok()) return Status(taps.status.code(), path + ": " + taps.status.message());
        if (*n == 0) break;
        if (tempo) tempo->push(block.data(), *n);
        n_read += *n;
    }
    out.duration_s = double(n_read) / kTempoRateHz;
    if (options.timeline) {
        const LoudnessResult loud = taps.loudness ? taps.loudness->finish() : LoudnessResult{};
        out.timeline = make_timeline(out.duration_s, tempo->finish(), loud);
    }
    return out;
}

}  // namespace cf
