// cuefinder core — the Essentia "musicnn" model input: log-compressed 96-band mel frames.
//
//   cf::MusicnnFeatures features;                    // default options = essentia.js behaviour
//   features.push(samples_16k, n);                   // any block sizes, streaming
//   features.finish();                               // flush the zero-padded tail frames
//   const std::vector<float>& mel = features.frames(); // [n_frames() × 96], row-major
//   auto patches = cf::make_patches(mel.data(), features.n_frames());  // [n_patches × 187 × 96]
//
// ref: Essentia 2.1-beta6 TensorflowInputMusiCNN + essentia.js 0.1.3 EssentiaTFInputExtractor
//      ('musicnn').computeFrameWise(signal, 256); recipe in tests/data/golden/RECIPE.md:
//   - 16 kHz mono; FrameCutter(512, hop 256): frame k covers samples [256k − 256, 256k + 256),
//     zeros outside the signal, the last frame is the first whose centre is at or past the end
//     (ceil(N/256) + 1 frames);
//   - frames with mean square < 1e-10 (float32 sum) are dropped, as essentia.js does (option);
//   - symmetric Hann (not normalised) → 512-point real FFT → magnitude → 96 Slaney-mel triangles,
//     0–8000 Hz, unit area, on the power spectrum → log10(1 + 10000·band).
//
// Each frame is computed by a kernel written once over simd.h: the scalar reference or the SIMD
// path (4 frames per vector, one per lane). Both give identical numbers (tests/core/features).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/common/status.h"

namespace cf {

inline constexpr int kMusicnnSampleRateHz = 16000;
inline constexpr int kMusicnnFrameSizeSamples = 512;
inline constexpr int kMusicnnHopSizeSamples = 256;
inline constexpr int kMusicnnBands = 96;
inline constexpr int kMusicnnPatchFrames = 187;

enum class SilentFrames {
    drop,  ///< essentia.js: frames with mean square < 1e-10 are left out (default; matches the golden data)
    keep,  ///< keep them (their bands are log10(1 + 0) = 0, or tiny)
};

enum class Kernel {
    best,    ///< the SIMD path when this build has one (cf::simd::simd_isa_name()), else scalar
    scalar,  ///< the scalar reference
};

struct MusicnnOptions {
    SilentFrames silent_frames = SilentFrames::drop;
    Kernel kernel = Kernel::best;
};

/// Streaming mel-frame extractor. Memory: the output frames plus ~1 frame of pending samples.
class MusicnnFeatures {
public:
    explicit MusicnnFeatures(const MusicnnOptions& options = {});
    ~MusicnnFeatures();
    MusicnnFeatures(const MusicnnFeatures&) = delete;
    MusicnnFeatures& operator=(const MusicnnFeatures&) = delete;

    /// Appends 16 kHz mono samples; computes every frame that is now complete.
    void push(const float* samples, size_t n_samples);
    /// Optional: reserves room for the frames of `n_samples` input samples (e.g. from a decoder's
    /// stated duration), so a long track's frames are allocated once instead of by doubling.
    void reserve_for_samples(int64_t n_samples);
    /// Computes the remaining zero-padded frames. push() after finish() is a tier-1 error.
    void finish();

    /// Frames computed so far (not yet taken), [n_frames() × 96].
    const std::vector<float>& frames() const { return frames_; }
    size_t n_frames() const { return frames_.size() / kMusicnnBands; }
    /// Moves the computed frames out (for callers that consume them as they come).
    std::vector<float> take_frames();

    /// FrameCutter frames seen so far (kept + dropped).
    int64_t n_frames_cut() const { return next_frame_; }
    /// FrameCutter indices of frames dropped as silent.
    const std::vector<int64_t>& dropped_frames() const { return dropped_; }

private:
    void compute_ready_frames(bool at_end);
    void flush_batch();

    MusicnnOptions options_;
    std::vector<float> pending_;      ///< input samples from absolute index pending_start_
    int64_t pending_start_ = -256;    ///< absolute index of pending_[0] (starts with 256 zeros)
    int64_t n_samples_total_ = 0;
    int64_t next_frame_ = 0;          ///< next FrameCutter index to cut
    bool finished_ = false;
    std::vector<float> batch_;        ///< up to `lanes` windowed frames waiting for the kernel
    int batch_count_ = 0;
    std::vector<float> frames_;
    std::vector<int64_t> dropped_;
    struct Kernels;
    Kernels* kernels_;
};

/// One-shot: the mel frames of a whole signal, [n × 96]. `dropped` (optional) gets the dropped
/// FrameCutter indices.
std::vector<float> compute_musicnn_frames(const float* signal, size_t n_samples, const MusicnnOptions& options = {},
                                          std::vector<int64_t>* dropped = nullptr);

enum class LastPatch {
    pad_zeros,  ///< essentia.js predict(zeroPadding=true): the last patch is padded with zero rows
    discard,    ///< Essentia C++: incomplete last patch left out
};

struct PatchOptions {
    int hop_frames = kMusicnnPatchFrames;  ///< 187 = non-overlapping (essentia.js); Essentia C++ uses 93
    LastPatch last_patch = LastPatch::pad_zeros;
};
Status validate(const PatchOptions& options);

struct Patches {
    std::vector<float> values;  ///< [n_patches × 187 × 96]
    size_t n_patches = 0;
    std::vector<int64_t> start_frames;  ///< first frame of each patch
};

/// Cuts [n_frames × 96] frames into model input patches. With pad_zeros there is at least one
/// patch (all zeros for 0 frames), exactly as essentia.js.
Patches make_patches(const float* frames, size_t n_frames, const PatchOptions& options = {});

}  // namespace cf
