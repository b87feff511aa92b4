// [SECTION] state  [SECTION] opening  [SECTION] audio  [SECTION] decoding  [SECTION] seam
#include "platform/native/ffmpeg_video.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

#include "platform/video_decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/samplefmt.h>
#include <libswscale/swscale.h>
}

namespace cf::platform {

// [SECTION] state

struct FfmpegVideoSource::State {
    std::string path;
    VideoSourceOptions options;
    VideoInfo info;
    AVFormatContext* format = nullptr;
    AVCodecContext* decoder = nullptr;
    SwsContext* scaler = nullptr;
    AVPacket* packet = nullptr;
    AVFrame* decoded = nullptr;
    int stream_idx = -1;
    int scaled_width_px = 0, scaled_height_px = 0;  ///< coded orientation, downscaled
    std::vector<uint8_t> scaled;                    ///< RGB8, coded orientation
    double start_s = 0;
    double last_time_s = -1;
    int n_frames = 0;
    bool flushed = false, finished = false;
    // The clip's first audio stream (options.decode_audio), decoded as its packets come by.
    AVCodecContext* audio_decoder = nullptr;
    AVFrame* audio_frame = nullptr;
    int audio_idx = -1;
    int audio_rate_hz = 0;       ///< of the first decoded audio frame; frames at another rate are left out
    bool audio_started = false;  ///< the first frame's offset from the picture's start was applied
    int64_t audio_skip = 0;      ///< samples still to leave out (audio starting before the picture)
    std::vector<float> audio;    ///< mono, decoded and not yet taken

    ~State() {
        av_frame_free(&audio_frame);
        avcodec_free_context(&audio_decoder);
        sws_freeContext(scaler);
        av_frame_free(&decoded);
        av_packet_free(&packet);
        avcodec_free_context(&decoder);
        avformat_close_input(&format);
    }
    Status error(ErrorCode code, const std::string& what) const { return Status(code, path + ": " + what); }
};

namespace {

std::string av_error_text(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(err, buf, sizeof buf);
    return buf;
}

// Clockwise degrees that turn the coded picture upright. av_display_rotation_get answers the
// counter-clockwise angle the matrix rotates by (a phone's portrait clip: -90), hence the minus.
int rotation_clockwise_deg(const AVStream* stream) {
    const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
    if (!matrix) return 0;
    const double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
    if (!std::isfinite(ccw)) return 0;
    const int quarter = int(std::lround(-ccw / 90.0));
    return ((quarter % 4) + 4) % 4 * 90;
}

// [SECTION] opening

Status check_file(const std::string& path, const FfmpegVideoSource::State& s) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return s.error(ErrorCode::not_found, "no such file");
    if (!std::filesystem::is_regular_file(path, ec)) return s.error(ErrorCode::io, "not a regular file");
    if (std::filesystem::file_size(path, ec) == 0) return s.error(ErrorCode::empty, "empty file (0 bytes)");
    return Status::ok();
}

Status open_stream(FfmpegVideoSource::State& s) {
    int err = avformat_open_input(&s.format, s.path.c_str(), nullptr, nullptr);
    if (err < 0) return s.error(ErrorCode::unsupported_format, "not a video file FFmpeg can read (" + av_error_text(err) + ")");
    err = avformat_find_stream_info(s.format, nullptr);
    if (err < 0) return s.error(ErrorCode::corrupt, "cannot read its streams (" + av_error_text(err) + ")");
    for (unsigned i = 0; i < s.format->nb_streams; ++i)
        s.info.has_audio |= s.format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
    s.stream_idx = av_find_best_stream(s.format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (s.stream_idx < 0)
        return s.error(ErrorCode::unsupported_format,
                       s.info.has_audio ? "not a video: it has audio but no video stream" : "not a video: no video stream");
    return Status::ok();
}

Status open_decoder(FfmpegVideoSource::State& s) {
    const AVCodecParameters* par = s.format->streams[s.stream_idx]->codecpar;
    const char* name = avcodec_get_name(par->codec_id);
    s.info.video_codec = name ? name : "unknown";
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (!codec) return s.error(ErrorCode::unsupported_format, "video codec " + s.info.video_codec + " is not supported by this FFmpeg build");
    s.decoder = avcodec_alloc_context3(codec);
    if (!s.decoder) return s.error(ErrorCode::too_large, "out of memory opening the decoder");
    int err = avcodec_parameters_to_context(s.decoder, par);
    s.decoder->thread_count = 2;  // the machines this runs on are small; more threads only add latency
    // Frames are read at a few hundred pixels: the deblocking filter's effect vanishes in the downscale,
    // and skipping it saves a good part of the decoding time (H.264/HEVC).
    s.decoder->skip_loop_filter = AVDISCARD_ALL;
    s.decoder->flags2 |= AV_CODEC_FLAG2_FAST;
    if (err >= 0) err = avcodec_open2(s.decoder, codec, nullptr);
    if (err < 0) return s.error(ErrorCode::unsupported_format, "cannot open the " + s.info.video_codec + " decoder (" + av_error_text(err) + ")");
    if (par->width <= 0 || par->height <= 0) return s.error(ErrorCode::corrupt, "the video stream states no picture size");
    return Status::ok();
}

void read_info(FfmpegVideoSource::State& s) {
    const AVStream* st = s.format->streams[s.stream_idx];
    const AVCodecParameters* par = st->codecpar;
    s.info.rotation_deg = rotation_clockwise_deg(st);
    const AVRational sar = av_guess_sample_aspect_ratio(s.format, const_cast<AVStream*>(st), nullptr);
    int w = par->width, h = par->height;
    if (sar.num > 0 && sar.den > 0 && sar.num != sar.den) w = int(std::lround(double(w) * sar.num / sar.den));
    const bool sideways = s.info.rotation_deg % 180 != 0;
    s.info.width_px = sideways ? h : w;
    s.info.height_px = sideways ? w : h;
    if (s.format->duration != AV_NOPTS_VALUE && s.format->duration > 0) s.info.duration_s = double(s.format->duration) / AV_TIME_BASE;
    else if (st->duration != AV_NOPTS_VALUE && st->duration > 0) s.info.duration_s = double(st->duration) * av_q2d(st->time_base);
    const AVRational rate = av_guess_frame_rate(s.format, const_cast<AVStream*>(st), nullptr);
    s.info.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0.0;
    s.start_s = st->start_time != AV_NOPTS_VALUE ? double(st->start_time) * av_q2d(st->time_base) : 0.0;
    // The downscaled size, aspect kept, long side ≤ max_size_px, in the coded orientation.
    const double scale = std::min(1.0, double(s.options.max_size_px) / std::max(w, h));
    s.scaled_width_px = std::max(1, int(std::lround(w * scale)));
    s.scaled_height_px = std::max(1, int(std::lround(h * scale)));
}

}  // namespace

// [SECTION] audio

namespace {

// The first audio stream's decoder; none (audio_idx -1) when there is no audio or this build cannot
// decode it: the picture is read all the same.
void open_audio(FfmpegVideoSource::State& s) {
    if (!s.options.decode_audio || !s.info.has_audio) return;
    const AVCodec* codec = nullptr;
    const int idx = av_find_best_stream(s.format, AVMEDIA_TYPE_AUDIO, -1, s.stream_idx, &codec, 0);
    if (idx < 0 || !codec) return;
    s.audio_decoder = avcodec_alloc_context3(codec);
    s.audio_frame = av_frame_alloc();
    if (!s.audio_decoder || !s.audio_frame ||
        avcodec_parameters_to_context(s.audio_decoder, s.format->streams[idx]->codecpar) < 0 ||
        avcodec_open2(s.audio_decoder, codec, nullptr) < 0) {
        avcodec_free_context(&s.audio_decoder);
        return;
    }
    s.audio_idx = idx;
}

// Sample i of channel c of a decoded frame in any of FFmpeg's sample formats, as ±1 full scale.
double sample_at(const AVFrame* f, int c, int i, int n_channels) {
    const AVSampleFormat fmt = AVSampleFormat(f->format);
    const bool planar = av_sample_fmt_is_planar(fmt);
    const uint8_t* base = f->extended_data[planar ? c : 0];
    const size_t at = planar ? size_t(i) : size_t(i) * size_t(n_channels) + size_t(c);
    switch (av_get_packed_sample_fmt(fmt)) {
        case AV_SAMPLE_FMT_FLT: return reinterpret_cast<const float*>(base)[at];
        case AV_SAMPLE_FMT_DBL: return reinterpret_cast<const double*>(base)[at];
        case AV_SAMPLE_FMT_S16: return reinterpret_cast<const int16_t*>(base)[at] / 32768.0;
        case AV_SAMPLE_FMT_S32: return reinterpret_cast<const int32_t*>(base)[at] / 2147483648.0;
        case AV_SAMPLE_FMT_S64: return double(reinterpret_cast<const int64_t*>(base)[at]) / 9223372036854775808.0;
        case AV_SAMPLE_FMT_U8: return (base[at] - 128) / 128.0;
        default: return 0;
    }
}

// Places the first decoded frame on the picture's clock: audio starting after the first frame gets
// leading silence (up to a minute), audio starting before it loses its head.
void start_audio(FfmpegVideoSource::State& s, const AVFrame* f) {
    s.audio_started = true;
    s.audio_rate_hz = f->sample_rate;
    const AVStream* st = s.format->streams[s.audio_idx];
    const int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : st->start_time;
    if (pts == AV_NOPTS_VALUE) return;
    const double offset_s = std::clamp(double(pts) * av_q2d(st->time_base) - s.start_s, -60.0, 60.0);
    const int64_t offset = std::llround(offset_s * f->sample_rate);
    if (offset > 0) s.audio.resize(s.audio.size() + size_t(offset), 0.0f);
    else s.audio_skip = -offset;
}

// Appends a decoded frame, downmixed to mono (the mean of its channels).
void append_audio(FfmpegVideoSource::State& s, const AVFrame* f) {
    if (!s.audio_started) start_audio(s, f);
    const int n_channels = f->ch_layout.nb_channels;
    if (f->sample_rate != s.audio_rate_hz || n_channels < 1) return;
    const int first = int(std::min<int64_t>(s.audio_skip, f->nb_samples));
    s.audio_skip -= first;
    for (int i = first; i < f->nb_samples; ++i) {
        double sum = 0;
        for (int c = 0; c < n_channels; ++c) sum += sample_at(f, c, i, n_channels);
        const double mono = sum / n_channels;
        s.audio.push_back(std::isfinite(mono) ? float(mono) : 0.0f);
    }
}

// Sends an audio packet (nullptr: the end of the file) and takes every frame it gives. A damaged
// packet is skipped: the clip's sound is a bonus, never a reason to fail its picture.
void decode_audio(FfmpegVideoSource::State& s, const AVPacket* packet) {
    if (avcodec_send_packet(s.audio_decoder, packet) < 0 && packet) return;
    while (avcodec_receive_frame(s.audio_decoder, s.audio_frame) == 0) {
        append_audio(s, s.audio_frame);
        av_frame_unref(s.audio_frame);
    }
}

}  // namespace

int FfmpegVideoSource::take_audio(std::vector<float>* mono) {
    State& s = *state_;
    mono->insert(mono->end(), s.audio.begin(), s.audio.end());
    s.audio.clear();
    return s.audio_rate_hz;
}

// [SECTION] decoding

namespace {

Status scale_to_rgb(FfmpegVideoSource::State& s) {
    const AVFrame* f = s.decoded;
    s.scaler = sws_getCachedContext(s.scaler, f->width, f->height, AVPixelFormat(f->format), s.scaled_width_px,
                                    s.scaled_height_px, AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr);
    if (!s.scaler) return s.error(ErrorCode::unsupported_format, "cannot convert its pixel format to RGB");
    s.scaled.resize(size_t(s.scaled_width_px) * size_t(s.scaled_height_px) * 3);
    uint8_t* dst[4] = {s.scaled.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {s.scaled_width_px * 3, 0, 0, 0};
    sws_scale(s.scaler, f->data, f->linesize, 0, f->height, dst, dst_stride);
    return Status::ok();
}

// Turns the small coded-orientation picture upright (clockwise by rotation_deg) into `out`.
void rotate_into(const FfmpegVideoSource::State& s, VideoFrame* out) {
    const int w = s.scaled_width_px, h = s.scaled_height_px, rot = s.info.rotation_deg;
    out->width_px = rot % 180 ? h : w;
    out->height_px = rot % 180 ? w : h;
    out->rgb.resize(size_t(w) * size_t(h) * 3);
    for (int y = 0; y < out->height_px; ++y)
        for (int x = 0; x < out->width_px; ++x) {
            int sx = x, sy = y;                            // 0°
            if (rot == 90) sx = y, sy = h - 1 - x;         // the left column becomes the top row
            else if (rot == 180) sx = w - 1 - x, sy = h - 1 - y;
            else if (rot == 270) sx = w - 1 - y, sy = x;   // the right column becomes the top row
            const uint8_t* src = s.scaled.data() + (size_t(sy) * size_t(w) + size_t(sx)) * 3;
            std::copy(src, src + 3, out->rgb.data() + (size_t(y) * size_t(out->width_px) + size_t(x)) * 3);
        }
}

double frame_time_s(FfmpegVideoSource::State& s) {
    const AVStream* st = s.format->streams[s.stream_idx];
    const int64_t pts = s.decoded->best_effort_timestamp;
    double t = pts != AV_NOPTS_VALUE ? double(pts) * av_q2d(st->time_base) - s.start_s : s.last_time_s + 1.0 / std::max(1.0, s.info.fps);
    // A stream with repeated or backward timestamps still yields increasing frame times (the shot
    // detector requires them); the nudge is far below a frame.
    t = std::max({t, 0.0, s.last_time_s + 1e-4});
    s.last_time_s = t;
    return t;
}

// At the end of the stream: a clip that stops well before its stated duration was cut short.
Status end_of_stream(const FfmpegVideoSource::State& s) {
    if (s.n_frames == 0) return s.error(ErrorCode::truncated, "truncated or damaged: no video frame could be decoded");
    const double step_s = s.info.fps > 0 ? 1.0 / s.info.fps : 0.04;
    const double end_s = s.last_time_s + step_s;
    if (s.info.duration_s > 0 && end_s < s.info.duration_s - std::max(0.25, 3 * step_s)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "truncated: the video stops at %.2f s of the stated %.2f s", end_s, s.info.duration_s);
        return s.error(ErrorCode::truncated, buf);
    }
    return Status::ok();
}

// Feeds the decoder one packet of our stream (or, at the end of the file, the flush signal).
Status feed_decoder(FfmpegVideoSource::State& s) {
    while (true) {
        const int err = av_read_frame(s.format, s.packet);
        if (err == AVERROR_EOF || (err < 0 && avio_feof(s.format->pb))) {
            s.flushed = true;
            avcodec_send_packet(s.decoder, nullptr);
            if (s.audio_idx >= 0) decode_audio(s, nullptr);
            return Status::ok();
        }
        if (err < 0) return s.error(ErrorCode::io, "read failed (" + av_error_text(err) + ")");
        if (s.packet->stream_index == s.audio_idx) decode_audio(s, s.packet);
        const bool ours = s.packet->stream_index == s.stream_idx;
        const int sent = ours ? avcodec_send_packet(s.decoder, s.packet) : 0;
        av_packet_unref(s.packet);
        if (sent < 0 && sent != AVERROR(EAGAIN) && sent != AVERROR_INVALIDDATA)
            return s.error(ErrorCode::corrupt, "cannot decode the video (" + av_error_text(sent) + ")");
        if (ours) return Status::ok();
    }
}

}  // namespace

Result<bool> FfmpegVideoSource::next_frame(VideoFrame* frame) {
    State& s = *state_;
    while (!s.finished) {
        const int got = avcodec_receive_frame(s.decoder, s.decoded);
        if (got == 0) {
            CF_RETURN_IF_ERROR(scale_to_rgb(s));
            rotate_into(s, frame);
            frame->time_s = frame_time_s(s);
            av_frame_unref(s.decoded);
            ++s.n_frames;
            return true;
        }
        if (got == AVERROR_EOF || (got == AVERROR(EAGAIN) && s.flushed)) {
            s.finished = true;
            CF_RETURN_IF_ERROR(end_of_stream(s));
            return false;
        }
        if (got != AVERROR(EAGAIN)) return s.error(ErrorCode::corrupt, "cannot decode the video (" + av_error_text(got) + ")");
        CF_RETURN_IF_ERROR(feed_decoder(s));
    }
    return false;
}

// [SECTION] seam

FfmpegVideoSource::FfmpegVideoSource(std::unique_ptr<State> state) : state_(std::move(state)) {}
FfmpegVideoSource::~FfmpegVideoSource() = default;
const VideoInfo& FfmpegVideoSource::info() const { return state_->info; }

Result<std::unique_ptr<VideoSource>> FfmpegVideoSource::open(const std::string& path, const VideoSourceOptions& options) {
    CF_RETURN_IF_ERROR(check_video_source_options(options));
    av_log_set_level(AV_LOG_QUIET);  // errors are reported as Status messages, not on stderr
    auto s = std::make_unique<State>();
    s->path = path;
    s->options = options;
    CF_RETURN_IF_ERROR(check_file(path, *s));
    CF_RETURN_IF_ERROR(open_stream(*s));
    CF_RETURN_IF_ERROR(open_decoder(*s));
    read_info(*s);
    open_audio(*s);
    s->packet = av_packet_alloc();
    s->decoded = av_frame_alloc();
    if (!s->packet || !s->decoded) return s->error(ErrorCode::too_large, "out of memory");
    return std::unique_ptr<VideoSource>(new FfmpegVideoSource(std::move(s)));
}

Result<std::unique_ptr<VideoSource>> open_video_file(const std::string& path, const VideoSourceOptions& options) {
    return FfmpegVideoSource::open(path, options);
}

bool video_decoder_available() { return true; }

std::string video_decoder_name() {
    auto version = [](unsigned v) {
        return std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
               std::to_string(AV_VERSION_MICRO(v));
    };
    return "FFmpeg (libavformat " + version(avformat_version()) + ", libavcodec " + version(avcodec_version()) + ")";
}

}  // namespace cf::platform
