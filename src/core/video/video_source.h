// cuefinder core — the video decoding seam: a clip's facts and its frames, downscaled and upright.
// The core defines it; each platform implements it (native: FFmpeg's libraries,
// src/platform/native/ffmpeg_video.h, opened through src/platform/video_decoder.h; the page will hand
// frames from WebCodecs to the ShotDetector directly). The core never sees a platform type.
//
//   // platform/video_decoder.h (FFmpeg natively):
//   cf::Result<std::unique_ptr<cf::VideoSource>> src = cf::platform::open_video_file(path, {.max_size_px = 160});
//   if (!src) { report(src.status().message()); return; }   // "clip.mp4: truncated: ..."
//   cf::ShotDetector detector;                              // shot_detector.h
//   cf::VideoFrame frame;
//   while (true) {
//       cf::Result<bool> got = (*src)->next_frame(&frame);
//       if (!got) { report(got.status().message()); break; }
//       if (!*got) break;                                   // end of the clip
//       CF_RETURN_IF_ERROR(detector.push(frame));
//   }
//   cf::Result<cf::ShotAnalysis> shots = detector.finish((*src)->info().duration_s);
//
// The clip's sound comes out of the same pass ({.decode_audio = true}): whatever audio the decoder
// met while reading up to a frame is waiting in take_audio() (mono, the stream's own rate):
//   std::vector<float> mono;
//   if (int rate_hz = (*src)->take_audio(&mono); !mono.empty()) reader.push_audio(mono.data(), mono.size(), rate_hz);
//
// Bad input policy for implementations (ErrorCode; every message starts with the file's name):
//  - not_found / io:        the file cannot be opened or read;
//  - empty:                 0 bytes;
//  - unsupported_format:    not a container the decoder knows, no video stream ("audio only"), or a
//                           video codec it cannot decode (the codec is named);
//  - truncated / corrupt:   the data ends early or cannot be decoded; frames before the damage are
//                           returned first, then the error.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/video/video_frame.h"

namespace cf {

/// What a clip is, read from its headers before any frame is decoded.
struct VideoInfo {
    double duration_s = 0;      ///< container or stream duration; 0 if unknown
    int width_px = 0;           ///< display width: after rotation and sample aspect ratio, before downscaling
    int height_px = 0;          ///< display height
    int rotation_deg = 0;       ///< clockwise turn applied to show the coded picture upright: 0, 90, 180 or 270
    double fps = 0;             ///< average frame rate; 0 if unknown
    bool has_audio = false;     ///< the file has at least one audio stream
    std::string video_codec;    ///< short codec name ("h264", "hevc", "vp9", "av1", ...)
};

struct VideoSourceOptions {
    /// Frames are scaled down (aspect kept) so that their longer side is at most this many pixels;
    /// smaller clips are not scaled up. 16..4096.
    int max_size_px = 256;
    /// Also decode the clip's first audio stream, in the same pass over the file (take_audio()).
    bool decode_audio = false;
};

/// Validates the options once: invalid_argument naming the bad value.
Status check_video_source_options(const VideoSourceOptions& options);

/// A clip being decoded, front to back.
class VideoSource {
public:
    virtual ~VideoSource() = default;
    virtual const VideoInfo& info() const = 0;
    /// The next frame (upright, downscaled, RGB8) into *frame: true, or false at the end of the clip.
    /// An error names the file; frames returned before it are valid.
    virtual Result<bool> next_frame(VideoFrame* frame) = 0;
    /// With options.decode_audio: the audio decoded so far and not taken yet, appended to *mono as
    /// mono float samples (the mean of the channels, ±1 full scale), timed so that sample 0 is at frame
    /// time 0 (leading silence added, or samples before the picture starts left out). Returns the
    /// sample rate in Hz, or 0 when there is no audio (none decoded yet, no audio stream, audio off,
    /// or an audio codec this build cannot decode: the picture is still read). After next_frame()
    /// answers false, everything is here. Damaged audio packets are skipped.
    virtual int take_audio(std::vector<float>* mono) {
        (void)mono;
        return 0;
    }
};

}  // namespace cf
