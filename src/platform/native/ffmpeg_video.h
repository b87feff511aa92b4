// The video decoding seam through FFmpeg's libraries (native builds; see platform/video_decoder.h).
// Only this header's .cpp includes FFmpeg: no FFmpeg type leaves it.
//
// Demuxing with libavformat (MP4/MOV, Matroska/WebM, ...), decoding with libavcodec (whatever the
// Debian build decodes: H.264, HEVC, VP8, VP9, AV1 via libdav1d, ...), scaling and conversion to RGB8
// with libswscale (area averaging, straight to the downscaled size), then the display matrix's
// rotation applied to the small frame. Timestamps are the frames' best-effort presentation times
// minus the stream's start time. With VideoSourceOptions::decode_audio, the first audio stream's
// packets met on the way are decoded too (libavcodec) and downmixed to mono float here (every
// FFmpeg sample format, packed or planar), at the stream's own rate: one pass over the file.
#pragma once

#include <memory>
#include <string>

#include "core/video/video_source.h"

namespace cf::platform {

class FfmpegVideoSource final : public VideoSource {
public:
    /// Opens `path` (see video_decoder.h's open_video_file for the error policy).
    static Result<std::unique_ptr<VideoSource>> open(const std::string& path, const VideoSourceOptions& options);
    ~FfmpegVideoSource() override;

    const VideoInfo& info() const override;
    Result<bool> next_frame(VideoFrame* frame) override;
    int take_audio(std::vector<float>* mono) override;

    struct State;  ///< FFmpeg contexts; defined in the .cpp only

private:
    explicit FfmpegVideoSource(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace cf::platform
