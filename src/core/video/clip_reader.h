// cuefinder core — a whole clip read in one pass: its picture (ShotDetector: cuts, fades, shots,
// motion, pace), one keyframe per shot kept as pixels (no second decode), and its own sound
// (clip_sound.h: loudness curve, the stretches worth keeping, a ducking curve for music under it).
// Every front end uses this one reader: `cuefinder-core video` (FFmpeg frames), the page
// (WebCodecs frames through src/bindings/web), the app session.
//
//   cf::ClipReader reader("clip.mp4", info);                 // info: VideoInfo from the decoder's headers
//   for (each decoded frame)  CF_RETURN_IF_ERROR(reader.push_frame(frame));       // upright, downscaled
//   for (each audio block)    CF_RETURN_IF_ERROR(reader.push_audio(mono, n, 48000));  // any rate, mono
//   cf::Result<cf::ClipAnalysis> clip = reader.finish();     // or finish_partial() for early results
//   clip->keyframes[i];                                      // shot i's keyframe (cf::Image, RGB)
//   cf::JsonWriter w; w.begin_object(); cf::write_clip_json(w, "clip.mp4", *clip); w.end_object();
//
// Memory: the detector keeps ~100 bytes a frame; the keyframe keeper keeps at most one candidate
// frame per keyframe_bin_s (the sharpest and stillest of the bin), so a 10-minute clip at 256 px
// keeps ≤ 600 small frames; the sound keeps one number per 100 ms.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "core/common/status.h"
#include "core/image/image.h"
#include "core/video/clip_sound.h"
#include "core/video/shot_detector.h"
#include "core/video/video_source.h"

namespace cf {

struct ClipReaderOptions {
    ShotDetectorOptions detector;
    double keyframe_bin_s = 0.5;  ///< at most one kept candidate frame per bin (0.05..10)
    ClipSoundOptions sound;
    Status validate() const;      ///< invalid_argument naming the first bad value
};

/// What a clip is: its headers, its picture, a keyframe per shot and its sound.
struct ClipAnalysis {
    VideoInfo info;                ///< duration_s corrected to the frames and audio actually read
    ShotAnalysis shots;
    std::vector<Image> keyframes;  ///< one per shots.shots[i] (its keyframe's pixels), same order
    ClipSound sound;               ///< empty curve when the clip has no audio (or none was pushed)
    bool complete = true;          ///< false for finish_partial(): read up to shots.duration_s only
};

class ClipReader {
public:
    /// `name` prefixes every error message ("clip.mp4: frame 12: ...").
    explicit ClipReader(std::string name, VideoInfo info, ClipReaderOptions options = {});
    ~ClipReader();
    ClipReader(ClipReader&&) noexcept;
    ClipReader& operator=(ClipReader&&) noexcept;

    /// The next frame in presentation order (check_video_frame rules; times strictly increasing).
    Status push_frame(const VideoFrame& frame);
    /// More of the clip's audio, mono float (±1 full scale) at `rate_hz` (8000..384000; the same rate
    /// on every call). NaN/inf samples are an error naming the sample.
    Status push_audio(const float* mono, size_t n_samples, int rate_hz);
    /// Frames pushed so far, and the time of the last one.
    int n_frames() const;
    double last_frame_s() const;

    /// The clip so far (complete = false), without ending the reading: early suggestions while the
    /// rest is still decoding. Needs at least 2 frames.
    Result<ClipAnalysis> finish_partial() const;
    /// The sound pushed so far (a clip whose picture cannot be decoded still has its sound).
    ClipSound sound() const;
    /// The whole clip. An error when no frame was pushed ("clip.mp4: no video frame decoded").
    Result<ClipAnalysis> finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Members of one clip's reading: file, write_video_info_json's, write_shot_analysis_json's, and
/// "sound" (write_clip_sound_json's; {"has_audio": false} when there was none) and "complete".
/// The keyframes are not written (the CLI writes them as files itself).
void write_clip_json(JsonWriter& w, const std::string& file, const ClipAnalysis& clip);

}  // namespace cf
