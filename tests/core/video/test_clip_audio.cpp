// The clips' own sound through the platform seam (VideoSourceOptions::decode_audio; FFmpeg natively)
// into the ClipReader, on the fixtures of tests/data/video (README.md there: each clip with sound
// carries a steady 440 Hz tone, ffmpeg's `sine` at its default amplitude 1/8, for its whole length).
// Skipped in builds without a video decoder (WebAssembly, native without FFmpeg).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/video/clip_reader.h"
#include "platform/video_decoder.h"
#include "test_util.h"
#include "video_test_util.h"

namespace cf {
namespace {

using test::video_path;

struct Read {
    VideoInfo info;
    Result<ClipAnalysis> clip = Status(ErrorCode::empty, "not read");
    int rate_hz = 0;
    size_t n_samples = 0;
    size_t n_samples_at_half = 0;  ///< audio taken by the time half the frames were read
};

Read read_clip(const std::string& file, bool decode_audio = true) {
    Read out;
    auto src = platform::open_video_file(video_path(file), {.max_size_px = 64, .decode_audio = decode_audio});
    if (!src) {
        out.clip = src.status();
        return out;
    }
    out.info = (*src)->info();
    const int expected_frames = int(std::lround(out.info.duration_s * out.info.fps));
    ClipReader reader(file, out.info);
    VideoFrame frame;
    std::vector<float> mono;
    while (true) {
        Result<bool> got = (*src)->next_frame(&frame);
        EXPECT_TRUE(got) << got.status().message();
        mono.clear();
        if (const int rate = (*src)->take_audio(&mono); !mono.empty()) {
            EXPECT_TRUE(reader.push_audio(mono.data(), mono.size(), rate));
            out.rate_hz = rate;
            out.n_samples += mono.size();
        }
        if (!got || !*got) break;
        EXPECT_TRUE(reader.push_frame(frame));
        if (reader.n_frames() == expected_frames / 2) out.n_samples_at_half = out.n_samples;
    }
    out.clip = reader.finish();
    return out;
}

// The fixtures' tone measured as the meter measures it: the loudness the decoded sound should have.
float tone_lufs() {
    std::vector<float> x(48000 * 4);
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(std::sin(2 * 3.14159265358979323846 * 440 * double(i) / 48000) / 8);
    ClipSoundMeter meter;
    EXPECT_TRUE(meter.push(x.data(), x.size(), 48000));
    return meter.finish().integrated_lufs;
}

TEST(ClipAudio, FixturesSoundIsDecodedInTheSamePassAtTheToneLevel) {
    SKIP_WITHOUT_DECODER();
    const float expected_lufs = tone_lufs();  // about -21.7 LUFS
    for (const char* file : {"h264_aac_cuts_fades.mp4", "vp9_opus_cuts.webm", "h264_dissolve.mp4"}) {
        SCOPED_TRACE(file);
        const Read r = read_clip(file);
        ASSERT_TRUE(r.clip) << r.clip.status().message();
        EXPECT_TRUE(r.info.has_audio);
        EXPECT_EQ(r.rate_hz, 48000);  // AAC at 48 kHz; Opus always decodes at 48 kHz
        // The sound lasts as long as the picture (±0.1 s: codec frame padding).
        EXPECT_NEAR(double(r.n_samples) / r.rate_hz, r.info.duration_s, 0.1);
        // One pass: packets are interleaved, so half-way through the frames about half the sound is
        // already decoded (not all of it at the end, as a second pass over the file would give).
        EXPECT_GT(double(r.n_samples_at_half), 0.3 * double(r.n_samples));
        EXPECT_LT(double(r.n_samples_at_half), 0.7 * double(r.n_samples));
        const ClipSound& s = r.clip->sound;
        ASSERT_TRUE(s.has_audio);
        EXPECT_NEAR(double(s.loudness_lufs.size()), r.info.duration_s / s.step_s, 1.5);
        // Lossy codecs at 24-48 kbit/s keep a pure tone's level within a fraction of a dB.
        EXPECT_NEAR(s.integrated_lufs, expected_lufs, 0.5);
        for (size_t i = 2; i + 2 < s.loudness_lufs.size(); ++i) EXPECT_NEAR(s.loudness_lufs[i], expected_lufs, 1.0) << i;
        // A tone steady from start to end is the clip's floor: nothing stands above it to keep.
        EXPECT_NEAR(s.noise_floor_lufs, expected_lufs, 1.0);
        EXPECT_TRUE(s.keep.empty());
    }
}

TEST(ClipAudio, ClipWithoutAudioOrWithAudioOffHasNoSound) {
    SKIP_WITHOUT_DECODER();
    const Read none = read_clip("h264_no_audio.mkv");
    ASSERT_TRUE(none.clip) << none.clip.status().message();
    EXPECT_FALSE(none.info.has_audio);
    EXPECT_EQ(none.rate_hz, 0);
    EXPECT_FALSE(none.clip->sound.has_audio);
    EXPECT_TRUE(none.clip->sound.loudness_lufs.empty());

    const Read off = read_clip("h264_aac_cuts_fades.mp4", /*decode_audio=*/false);
    ASSERT_TRUE(off.clip);
    EXPECT_TRUE(off.info.has_audio);  // the file has it; it was not decoded
    EXPECT_EQ(off.n_samples, 0u);
    EXPECT_FALSE(off.clip->sound.has_audio);
}

TEST(ClipAudio, TruncatedClipGivesTheSoundBeforeTheDamage) {
    SKIP_WITHOUT_DECODER();
    auto src = platform::open_video_file(video_path("bad_truncated_40pct.mp4"), {.decode_audio = true});
    ASSERT_TRUE(src);
    VideoFrame frame;
    std::vector<float> mono;
    Status end;
    while (true) {
        Result<bool> got = (*src)->next_frame(&frame);
        if (!got) {
            end = got.status();
            break;
        }
        if (!*got) break;
    }
    EXPECT_EQ(end.code(), ErrorCode::truncated) << end.message();
    const int rate = (*src)->take_audio(&mono);
    EXPECT_EQ(rate, 48000);
    EXPECT_GT(mono.size(), size_t(48000));  // more than a second of the ~3.8 s before the cut
}

}  // namespace
}  // namespace cf
