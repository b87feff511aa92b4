// Platform seam: opening a video file as a cf::VideoSource (core/video/video_source.h). One
// implementation per build, picked by CMake (src/platform/CMakeLists.txt):
//  - native/ffmpeg_video.cpp: FFmpeg's libraries (Debian libavformat-dev, libavcodec-dev,
//    libswscale-dev, libavutil-dev), when pkg-config finds them;
//  - no_video_decoder.cpp: every other build (WebAssembly, where the page decodes with WebCodecs and
//    pushes frames itself; native without FFmpeg): open_video_file answers unsupported_format.
//
//   auto src = cf::platform::open_video_file("clip.mov", {.max_size_px = 160});
//   if (!src) report(src.status().message());           // "clip.mov: not a video: ..."
//   (*src)->info().rotation_deg;                         // 90 for a portrait phone clip
// With {.decode_audio = true} the FFmpeg source also decodes the first audio stream in the same pass
// (VideoSource::take_audio: mono float at the stream's rate); the stand-in has no audio either.
#pragma once

#include <memory>
#include <string>

#include "core/video/video_source.h"

namespace cf::platform {

/// Opens `path` and reads its headers (VideoInfo); frames are decoded by next_frame(). Errors follow
/// video_source.h's policy, each message starting with `path`.
Result<std::unique_ptr<VideoSource>> open_video_file(const std::string& path, const VideoSourceOptions& options = {});

/// True when open_video_file can decode here.
bool video_decoder_available();

/// "FFmpeg (libavformat 59.27.100, libavcodec 59.37.100)", or "none".
std::string video_decoder_name();

}  // namespace cf::platform
