#include "core/features/musicnn_features.h"

#include <algorithm>
#include <cstring>

#include "core/features/detail/mel_kernel.h"

namespace cf {
namespace detail {
const RealFftPlan& musicnn_fft_plan() {
    static const RealFftPlan plan(512);
    return plan;
}
}  // namespace detail

namespace {
constexpr int kFrame = kMusicnnFrameSizeSamples;
constexpr int kHop = kMusicnnHopSizeSamples;
constexpr int kBands = kMusicnnBands;

// ref: essentia.js FrameGenerator / essentiamath.h isSilent(): mean square, float32, sequential.
bool is_silent(const float* frame) {
    float sum = 0.0f;
    for (int i = 0; i < kFrame; ++i) sum += frame[i] * frame[i];
    return sum / float(kFrame) < 1e-10f;
}
}  // namespace

struct MusicnnFeatures::Kernels {
    using BatchFn = void (*)(const float*, int, float*, detail::MelWorkspace&);
    int lanes;
    BatchFn batch;
    detail::MelWorkspace workspace;
    Kernels(int lanes_, BatchFn batch_) : lanes(lanes_), batch(batch_), workspace(lanes_) {}
};

MusicnnFeatures::MusicnnFeatures(const MusicnnOptions& options) : options_(options) {
    if (options.kernel == Kernel::scalar)
        kernels_ = new Kernels(simd::ScalarOps::lanes, &detail::musicnn_mel_batch<simd::ScalarOps>);
    else
        kernels_ = new Kernels(simd::SimdOps::lanes, &detail::musicnn_mel_batch<simd::SimdOps>);
    batch_.assign(size_t(kernels_->lanes) * kFrame, 0.0f);
    pending_.assign(kHop, 0.0f);  // the first frame starts 256 samples before the signal
}

MusicnnFeatures::~MusicnnFeatures() { delete kernels_; }

void MusicnnFeatures::push(const float* samples, size_t n_samples) {
    CF_DEBUG_ASSERT(!finished_);
    pending_.insert(pending_.end(), samples, samples + n_samples);
    n_samples_total_ += int64_t(n_samples);
    compute_ready_frames(false);
}

void MusicnnFeatures::finish() {
    CF_DEBUG_ASSERT(!finished_);
    compute_ready_frames(true);
    flush_batch();
    finished_ = true;
}

void MusicnnFeatures::reserve_for_samples(int64_t n_samples) {
    if (n_samples <= 0) return;
    const int64_t n_frames = (n_samples + kHop - 1) / kHop + 1;
    frames_.reserve(size_t(n_frames) * kBands);
}

std::vector<float> MusicnnFeatures::take_frames() {
    std::vector<float> out;
    out.swap(frames_);
    return out;
}

void MusicnnFeatures::compute_ready_frames(bool at_end) {
    // FrameCutter: frame k covers [256k − 256, 256k + 256); the last frame is k = ceil(N / 256).
    const int64_t last_frame = (n_samples_total_ + kHop - 1) / kHop;
    for (;; ++next_frame_) {
        const int64_t start = next_frame_ * kHop - kHop;
        if (at_end ? next_frame_ > last_frame : start + kFrame > n_samples_total_) break;
        float* slot = batch_.data() + size_t(batch_count_) * kFrame;
        const int64_t offset = start - pending_start_;
        const int64_t available = std::clamp<int64_t>(int64_t(pending_.size()) - offset, 0, kFrame);
        std::memcpy(slot, pending_.data() + offset, size_t(available) * sizeof(float));
        std::fill(slot + available, slot + kFrame, 0.0f);  // zero padding past the end
        if (options_.silent_frames == SilentFrames::drop && is_silent(slot)) {
            dropped_.push_back(next_frame_);
            continue;
        }
        if (++batch_count_ == kernels_->lanes) flush_batch();
    }
    // Drop the samples no future frame needs; compact rarely so push() stays linear.
    const int64_t keep_from = next_frame_ * kHop - kHop;
    const int64_t consumed = std::min<int64_t>(keep_from - pending_start_, int64_t(pending_.size()));
    if (consumed > 0 && (consumed >= 65536 || consumed * 2 >= int64_t(pending_.size()))) {
        pending_.erase(pending_.begin(), pending_.begin() + consumed);
        pending_start_ += consumed;
    }
}

void MusicnnFeatures::flush_batch() {
    if (batch_count_ == 0) return;
    const size_t old_size = frames_.size();
    frames_.resize(old_size + size_t(batch_count_) * kBands);
    kernels_->batch(batch_.data(), batch_count_, frames_.data() + old_size, kernels_->workspace);
    batch_count_ = 0;
}

std::vector<float> compute_musicnn_frames(const float* signal, size_t n_samples, const MusicnnOptions& options,
                                          std::vector<int64_t>* dropped) {
    MusicnnFeatures features(options);
    features.push(signal, n_samples);
    features.finish();
    if (dropped) *dropped = features.dropped_frames();
    return features.take_frames();
}

Status validate(const PatchOptions& options) {
    if (options.hop_frames < 1 || options.hop_frames > kMusicnnPatchFrames * 16)
        return Status(ErrorCode::invalid_argument,
                      "PatchOptions.hop_frames = " + std::to_string(options.hop_frames) + " (must be 1..2992)");
    return Status::ok();
}

Patches make_patches(const float* frames, size_t n_frames, const PatchOptions& options) {
    CF_ASSERT(validate(options).is_ok());
    constexpr size_t patch_values = size_t(kMusicnnPatchFrames) * kBands;
    Patches patches;
    const size_t hop = size_t(options.hop_frames);
    for (size_t start = 0;; start += hop) {
        const bool complete = start + kMusicnnPatchFrames <= n_frames;
        const bool keep = options.last_patch == LastPatch::pad_zeros ? (start < n_frames || start == 0) : complete;
        if (!keep) break;
        patches.start_frames.push_back(int64_t(start));
        patches.values.resize(patches.values.size() + patch_values, 0.0f);
        const size_t rows = start < n_frames ? std::min<size_t>(kMusicnnPatchFrames, n_frames - start) : 0;
        std::copy(frames + start * kBands, frames + (start + rows) * kBands,
                  patches.values.end() - ptrdiff_t(patch_values));
    }
    patches.n_patches = patches.start_frames.size();
    return patches;
}

}  // namespace cf
