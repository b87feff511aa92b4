// AudioReader: sniff → per-codec PcmDecoder → mean of the channels → libsamplerate → 16 kHz mono.
//
// [SECTION] options and names
// [SECTION] ReaderImpl: bounded buffers, downmix, resampling, seeking on the output grid
// [SECTION] open, decode_all, decode_windows
#include "core/audio/audio_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <numeric>

#include "core/audio/detail/pcm_decoder.h"
#include "core/audio/detail/resampler.h"
#include "core/audio/detail/sniff.h"

namespace cf {

// -----------------------------------------------------------------------------------------------
// [SECTION] options and names
// -----------------------------------------------------------------------------------------------

const char* audio_codec_name(AudioCodec codec) {
    switch (codec) {
        case AudioCodec::wav: return "WAV";
        case AudioCodec::mp3: return "MP3";
        case AudioCodec::flac: return "FLAC";
        case AudioCodec::vorbis: return "Ogg Vorbis";
        case AudioCodec::opus: return "Ogg Opus";
    }
    return "unknown";
}

namespace {

Status out_of_range(const char* field, double value, double lo, double hi) {
    char text[200];
    std::snprintf(text, sizeof text, "DecodeOptions.%s = %g is out of range [%g, %g]", field, value, lo, hi);
    return Status(ErrorCode::invalid_argument, text);
}

}  // namespace

Status validate(const DecodeOptions& o) {
    constexpr double kMaxRatio = 256.0;  // libsamplerate's limit
    if (o.output_rate_hz < 1000 || o.output_rate_hz > 384000)
        return out_of_range("output_rate_hz", o.output_rate_hz, 1000, 384000);
    if (o.max_channels < 1 || o.max_channels > 65535) return out_of_range("max_channels", o.max_channels, 1, 65535);
    if (o.min_source_rate_hz < 1 || o.min_source_rate_hz < o.output_rate_hz / kMaxRatio)
        return out_of_range("min_source_rate_hz", o.min_source_rate_hz, std::max(1.0, std::ceil(o.output_rate_hz / kMaxRatio)),
                            o.max_source_rate_hz);
    if (o.max_source_rate_hz < o.min_source_rate_hz || o.max_source_rate_hz > o.output_rate_hz * kMaxRatio)
        return out_of_range("max_source_rate_hz", o.max_source_rate_hz, o.min_source_rate_hz, o.output_rate_hz * kMaxRatio);
    if (!(o.max_duration_s > 0.0) || o.max_duration_s > 1e7)  // 1e7 s keeps sample indices far from overflow
        return out_of_range("max_duration_s", o.max_duration_s, 0, 1e7);
    if (o.max_output_bytes == 0) return out_of_range("max_output_bytes", 0, 1, double(SIZE_MAX));
    if (o.resample_quality != ResampleQuality::fast && o.resample_quality != ResampleQuality::medium &&
        o.resample_quality != ResampleQuality::best)
        return out_of_range("resample_quality", int(o.resample_quality), 0, 2);
    return Status::ok();
}

// -----------------------------------------------------------------------------------------------
// [SECTION] ReaderImpl
// -----------------------------------------------------------------------------------------------

namespace {

// Seeking decodes from this long before the target so the resampler's filter is filled with real
// samples again (libsamplerate's best sinc spans ~±400 input samples at 44.1 → 16 kHz, < 10 ms).
constexpr double kSeekPrerollS = 0.05;

class ReaderImpl final : public AudioReader {
public:
    ReaderImpl(std::unique_ptr<ByteSource> source, std::unique_ptr<detail::PcmDecoder> decoder, AudioCodec codec,
               const DecodeOptions& options)
        : source_(std::move(source)), decoder_(std::move(decoder)), options_(options) {
        const detail::PcmFormat& f = decoder_->format();
        info_.codec = codec;
        info_.source_rate_hz = f.source_rate_hz;
        info_.n_source_channels = f.n_channels;
        info_.n_source_frames = f.n_frames;
        info_.duration_s = f.n_frames >= 0 ? double(f.n_frames) / f.source_rate_hz : -1.0;
        info_.output_rate_hz = options.output_rate_hz;
        info_.length_is_estimate = f.n_frames_is_estimate;
        info_.tags = f.tags;
        // A block is at most 4096 frames and at most 64 Ki floats, whatever the channel count.
        block_frames_ = std::clamp<size_t>(size_t(65536) / size_t(f.n_channels), 1, 4096);
        frames_.resize(block_frames_ * size_t(f.n_channels));
        mono_.resize(block_frames_);
        // Source frames ↔ output samples come in whole groups of grid_source_frames_ ↔ grid_output_samples_.
        int64_t g = std::gcd(int64_t(f.source_rate_hz), int64_t(options.output_rate_hz));
        grid_source_frames_ = f.source_rate_hz / g;
        grid_output_samples_ = options.output_rate_hz / g;
        max_source_frames_ = int64_t(std::min(options.max_duration_s * f.source_rate_hz, 9e18));
    }

    Status init() { return resampler_.init(info_.source_rate_hz, info_.output_rate_hz, options_.resample_quality); }

    const AudioInfo& info() const override { return info_; }
    const std::string& name() const override { return source_->name(); }
    double position_s() const override { return double(output_index_) / info_.output_rate_hz; }

    Result<size_t> read(float* out, size_t n_samples) override {
        if (!sticky_error_.is_ok()) return sticky_error_;
        while (skip_outputs_ > 0) {  // the pre-roll of the last seek
            float scratch[1024];
            size_t n_skip = size_t(std::min<int64_t>(skip_outputs_, int64_t(std::size(scratch))));
            Result<size_t> n = produce(scratch, n_skip);
            if (!n) return sticky_error_ = n.status();
            if (*n == 0) {
                skip_outputs_ = 0;
                break;
            }
            skip_outputs_ -= int64_t(*n);
        }
        Result<size_t> n = produce(out, n_samples);
        if (!n) return sticky_error_ = n.status();
        // A decoder error ends the input like the end of the stream does: the samples before it (and
        // the resampler's tail) come out first, then the error.
        if (*n == 0 && !end_error_.is_ok()) return sticky_error_ = end_error_;
        output_index_ += int64_t(*n);
        return n;
    }

    Status seek(double time_s) override {
        if (!std::isfinite(time_s) || time_s < 0.0) {
            char text[120];
            std::snprintf(text, sizeof text, "seek to %g s: the time must be finite and >= 0", time_s);
            return detail::input_error(*source_, ErrorCode::invalid_argument, text);
        }
        // No stream is longer than max_duration_s (open() or read() rejects it), so no target is either.
        int64_t target = std::llround(std::min(time_s, options_.max_duration_s) * info_.output_rate_hz);
        if (info_.n_source_frames >= 0 && !info_.length_is_estimate)  // clamp to the end (for position_s())
            target = std::min(target, int64_t(std::ceil(double(info_.n_source_frames) * info_.output_rate_hz /
                                                        info_.source_rate_hz)));
        // Restart the resampler on a whole grid point at least kSeekPrerollS before the target, so the
        // output samples after the pre-roll fall exactly where a read from the start puts them.
        int64_t start = target;
        if (!resampler_.bypass()) {
            int64_t preroll = int64_t(std::ceil(kSeekPrerollS * info_.output_rate_hz));
            start = std::max<int64_t>(0, target - preroll) / grid_output_samples_ * grid_output_samples_;
        }
        int64_t source_frame = start / grid_output_samples_ * grid_source_frames_;
        if (resampler_.bypass()) source_frame = target;
        sticky_error_ = end_error_ = Status::ok();
        in_pos_ = in_len_ = 0;
        input_done_ = false;
        resampler_.reset();
        source_frames_read_ = source_frame;
        resampler_index_ = start;
        end_padding_left_ = -1;
        output_index_ = target;
        skip_outputs_ = target - start;
        // The tap resumes at the source frame of the target itself (frames_at_output(target)).
        tap_skip_frames_ = std::max<int64_t>(
            0, std::llround(double(target) * info_.source_rate_hz / info_.output_rate_hz) - source_frame);
        Status status = decoder_->seek(source_frame);
        if (!status) sticky_error_ = status;
        return status;
    }

private:
    /// Reads one block from the decoder into mono_; at the end of the input (or at an error, which
    /// end_error_ then holds) sets input_done_.
    void fill() {
        Status status = fill_block();
        if (!status) {
            in_pos_ = in_len_ = 0;
            input_done_ = true;
            if (!(status.code() == ErrorCode::truncated && options_.accept_truncated)) end_error_ = status;
        }
    }

    Status fill_block() {
        in_pos_ = in_len_ = 0;
        Result<size_t> n = decoder_->read(frames_.data(), block_frames_);
        if (!n) return n.status();
        if (*n == 0) {
            input_done_ = true;
            return Status::ok();
        }
        CF_ASSERT(*n <= block_frames_);
        const size_t n_channels = size_t(info_.n_source_channels);
        const float* f = frames_.data();
        if (n_channels == 1) {
            std::copy_n(f, *n, mono_.data());
        } else if (n_channels == 2) {
            for (size_t i = 0; i < *n; ++i) mono_[i] = (f[2 * i] + f[2 * i + 1]) * 0.5f;
        } else {
            const float scale = 1.0f / float(n_channels);
            for (size_t i = 0; i < *n; ++i, f += n_channels) {
                float sum = 0.0f;
                for (size_t c = 0; c < n_channels; ++c) sum += f[c];
                mono_[i] = sum * scale;
            }
        }
        for (size_t i = 0; i < *n; ++i) {
            if (!std::isfinite(mono_[i])) {
                char text[120];
                std::snprintf(text, sizeof text, "the %s decoder produced a non-finite sample at %.3f s",
                              audio_codec_name(info_.codec), double(source_frames_read_ + int64_t(i)) / info_.source_rate_hz);
                return detail::input_error(*source_, ErrorCode::corrupt, text);
            }
        }
        if (options_.source_tap) {  // skip what precedes the seek target (the pre-roll)
            size_t skip = size_t(std::min<int64_t>(tap_skip_frames_, int64_t(*n)));
            tap_skip_frames_ -= int64_t(skip);
            if (skip < *n)
                options_.source_tap(frames_.data() + skip * n_channels, *n - skip, info_.n_source_channels,
                                    info_.source_rate_hz);
        }
        source_frames_read_ += int64_t(*n);
        if (source_frames_read_ > max_source_frames_) {
            char text[120];
            std::snprintf(text, sizeof text, "longer than the %g s limit (max_duration_s)", options_.max_duration_s);
            return detail::input_error(*source_, ErrorCode::too_large, text);
        }
        in_len_ = *n;
        return Status::ok();
    }

    /// Fills `out` with up to n output samples; fewer only at the end of the input.
    Result<size_t> produce(float* out, size_t n) {
        size_t produced = 0;
        while (produced < n) {
            if (in_pos_ == in_len_ && !input_done_) fill();
            if (resampler_.bypass()) {
                size_t m = std::min(in_len_ - in_pos_, n - produced);
                std::copy_n(mono_.data() + in_pos_, m, out + produced);
                in_pos_ += m;
                produced += m;
                if (m == 0 && input_done_) break;
                continue;
            }
            if (input_done_) {
                // The output ends at sample ceil(n_source_frames × out/in), whatever the phase at which
                // libsamplerate's own flush would stop: that one hinges on float rounding, and a read from
                // the start and one after a seek must end at the same sample.
                int64_t end = (source_frames_read_ * info_.output_rate_hz + info_.source_rate_hz - 1) / info_.source_rate_hz;
                n = std::min<size_t>(n, produced + size_t(std::max<int64_t>(0, end - resampler_index_)));
                if (produced == n) break;
                if (in_pos_ == in_len_ && end_padding_left_ != 0) pad_with_zeros();
            }
            bool flush = input_done_ && end_padding_left_ == 0;
            Result<detail::StreamResampler::Step> step =
                resampler_.process(mono_.data() + in_pos_, in_len_ - in_pos_, out + produced, n - produced, flush);
            if (!step) return detail::input_error(*source_, step.status().code(), step.status().message());
            in_pos_ += step->n_in_used;
            produced += step->n_out_produced;
            resampler_index_ += int64_t(step->n_out_produced);
            if (step->n_in_used == 0 && step->n_out_produced == 0) {
                if (flush) break;  // the filter tail is flushed
                CF_ASSERT(in_pos_ == in_len_);  // libsamplerate only stalls for want of input
            }
        }
        return produced;
    }

    /// After the last source frame, feeds zeros (what libsamplerate's flush assumes anyway) until the
    /// converter has seen past the position of the last output sample, so that sample always comes out.
    void pad_with_zeros() {
        if (end_padding_left_ < 0)
            end_padding_left_ = (info_.source_rate_hz + info_.output_rate_hz - 1) / info_.output_rate_hz + 2;
        size_t n = size_t(std::min<int64_t>(end_padding_left_, int64_t(mono_.size())));
        std::fill_n(mono_.data(), n, 0.0f);
        in_pos_ = 0;
        in_len_ = n;
        end_padding_left_ -= int64_t(n);
    }

    // Declared first so it outlives the decoder, which reads through it.
    std::unique_ptr<ByteSource> source_;
    std::unique_ptr<detail::PcmDecoder> decoder_;
    DecodeOptions options_;
    AudioInfo info_;
    detail::StreamResampler resampler_;

    size_t block_frames_ = 0;
    std::vector<float> frames_;  ///< one decoder block, interleaved
    std::vector<float> mono_;    ///< the same block averaged to mono
    size_t in_pos_ = 0, in_len_ = 0;
    bool input_done_ = false;    ///< the decoder has nothing more; the resampler is being flushed
    Status end_error_;           ///< the decoder error that ended the input, for after the last sample
    Status sticky_error_;        ///< returned by read() until the next seek

    int64_t grid_source_frames_ = 1, grid_output_samples_ = 1;
    int64_t source_frames_read_ = 0;  ///< source position after mono_ (for messages and max_duration_s)
    int64_t max_source_frames_ = 0;
    int64_t output_index_ = 0;        ///< output samples before the next one read() returns
    int64_t resampler_index_ = 0;     ///< output index of the next sample out of the resampler
    int64_t end_padding_left_ = -1;   ///< zeros still to feed after the last frame (-1: not started)
    int64_t skip_outputs_ = 0;        ///< pre-roll still to drop after a seek
    int64_t tap_skip_frames_ = 0;     ///< source frames of the pre-roll still to hide from the source tap
};

}  // namespace

// -----------------------------------------------------------------------------------------------
// [SECTION] open, decode_all, decode_windows
// -----------------------------------------------------------------------------------------------

namespace detail {

Result<std::unique_ptr<AudioReader>> open_reader_as(AudioCodec codec, std::unique_ptr<ByteSource> source,
                                                    const DecodeOptions& options) {
    Result<std::unique_ptr<PcmDecoder>> decoder = open_decoder(codec, *source, options);
    if (!decoder) return decoder.status();
    auto reader = std::make_unique<ReaderImpl>(std::move(source), std::move(*decoder), codec, options);
    Status status = reader->init();
    if (!status) return Status(status.code(), reader->name() + ": " + status.message());
    return std::unique_ptr<AudioReader>(std::move(reader));
}

}  // namespace detail

Result<std::unique_ptr<AudioReader>> AudioReader::open(std::unique_ptr<ByteSource> source, const DecodeOptions& options) {
    CF_ASSERT(source != nullptr);
    Status valid = validate(options);
    if (!valid) return valid.with_context(source->name());
    Result<AudioCodec> codec = detail::sniff_codec(*source);
    if (!codec) return codec.status();
    return detail::open_reader_as(*codec, std::move(source), options);
}

Result<std::unique_ptr<AudioReader>> AudioReader::open_file(const std::string& path, const DecodeOptions& options) {
    Result<std::unique_ptr<ByteSource>> source = open_file_source(path);
    if (!source) return source.status();
    return open(std::move(*source), options);
}

Result<std::vector<float>> decode_all(AudioReader& reader, const DecodeOptions& options, const ProgressCallback& progress) {
    const AudioInfo& info = reader.info();
    const size_t max_samples = options.max_output_bytes / sizeof(float);
    auto too_large = [&](double n_samples) {
        char text[200];
        std::snprintf(text, sizeof text, "decoding needs %.1f MB of output, more than the %.1f MB budget (max_output_bytes)",
                      n_samples * sizeof(float) / 1e6, double(options.max_output_bytes) / 1e6);
        return Status(ErrorCode::too_large, reader.name() + ": " + text);
    };
    double expected_samples = -1.0;
    if (info.n_source_frames >= 0) {
        expected_samples = std::ceil(double(info.n_source_frames) * info.output_rate_hz / info.source_rate_hz);
        if (expected_samples > double(max_samples)) return too_large(expected_samples);
    }
    if (reader.position_s() != 0.0) CF_RETURN_IF_ERROR(reader.seek(0.0));

    std::vector<float> out;
    if (expected_samples > 0) out.reserve(size_t(std::min(expected_samples + 16, double(max_samples))));
    constexpr size_t kBlock = 16384;
    for (;;) {
        size_t base = out.size();
        out.resize(base + kBlock);
        Result<size_t> n = reader.read(out.data() + base, kBlock);
        if (!n) return n.status();
        out.resize(base + *n);
        if (out.size() > max_samples) return too_large(double(out.size()));
        if (*n == 0) break;
        if (progress) {
            double fraction = expected_samples > 0 ? std::min(1.0, double(out.size()) / expected_samples) : 0.0;
            if (!progress(fraction)) {
                char text[120];
                std::snprintf(text, sizeof text, "decoding cancelled after %.1f s of audio", reader.position_s());
                return Status(ErrorCode::cancelled, reader.name() + ": " + text);
            }
        }
    }
    out.shrink_to_fit();
    if (progress) progress(1.0);
    return out;
}

Result<std::vector<std::vector<float>>> decode_windows(AudioReader& reader, const std::vector<TimeWindow>& windows) {
    std::vector<std::vector<float>> out;
    out.reserve(windows.size());
    const double rate = reader.info().output_rate_hz;
    for (const TimeWindow& w : windows) {
        if (!std::isfinite(w.start_s) || !std::isfinite(w.duration_s) || w.start_s < 0.0 || w.duration_s < 0.0 ||
            w.duration_s > 1e7) {
            char text[160];
            std::snprintf(text, sizeof text, "window (start %g s, duration %g s) must be finite, >= 0 and at most 1e7 s",
                          w.start_s, w.duration_s);
            return Status(ErrorCode::invalid_argument, reader.name() + ": " + text);
        }
        CF_RETURN_IF_ERROR(reader.seek(w.start_s));
        // Grown block by block, so a window past the end of the track costs nothing.
        const size_t n_wanted = size_t(std::llround(w.duration_s * rate));
        std::vector<float> samples;
        while (samples.size() < n_wanted) {
            size_t base = samples.size();
            samples.resize(base + std::min<size_t>(n_wanted - base, 65536));
            Result<size_t> n = reader.read(samples.data() + base, samples.size() - base);
            if (!n) return n.status();
            samples.resize(base + *n);
            if (*n == 0) break;
        }
        out.push_back(std::move(samples));
    }
    return out;
}

}  // namespace cf
