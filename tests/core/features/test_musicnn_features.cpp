// musicnn mel features vs essentia.js golden data (tests/data/golden, see its README.md / RECIPE.md).
#include "core/features/musicnn_features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "core/dsp/simd.h"
#include "core/features/detail/mel_filterbank.h"
#include "test_util.h"

namespace {
using cf::test::golden_dir;
using cf::test::read_f32;

// Golden tolerance from the issue: 1e-4 absolute on log10(1 + 10000·band). An independent float32
// port with KissFFT reached 4.8e-7; our own FFT rounds differently, so a few e-6 are expected; the
// assertion keeps the bound and the test records the actual maximum.
constexpr float kGoldenTolerance = 1e-4f;

struct MaxDiff {
    float max_abs = 0;
    size_t count = 0;
};

MaxDiff compare(const float* got, const float* want, size_t n) {
    MaxDiff d;
    d.count = n;
    for (size_t i = 0; i < n; ++i) d.max_abs = std::max(d.max_abs, std::fabs(got[i] - want[i]));
    return d;
}

// Minimal reader for the integer arrays in edge_cases.json / mel_patches.json: finds "key": [ ... ].
std::vector<int64_t> json_int_array(const std::string& text, const std::string& key, size_t from = 0) {
    std::vector<int64_t> out;
    size_t k = text.find("\"" + key + "\"", from);
    if (k == std::string::npos) return out;
    size_t open = text.find('[', k), close = text.find(']', open);
    std::stringstream ss(text.substr(open + 1, close - open - 1));
    std::string item;
    while (std::getline(ss, item, ','))
        if (item.find_first_of("0123456789") != std::string::npos) out.push_back(std::stoll(item));
    return out;
}
int64_t json_int(const std::string& text, const std::string& key, size_t from = 0) {
    size_t k = text.find("\"" + key + "\"", from);
    if (k == std::string::npos) return -1;
    return std::stoll(text.substr(text.find(':', k) + 1));
}
std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
}  // namespace

TEST(MusicnnFilterbank, HannWindowEqualsEssentiaJs) {
    std::vector<float> golden = read_f32(golden_dir() + "/essentiajs_hann512.f32");
    ASSERT_EQ(golden.size(), 512u);
    const auto& window = cf::detail::musicnn_hann_window();
    for (int i = 0; i < 512; ++i) ASSERT_EQ(window[i], golden[i]) << i;
}

TEST(MusicnnFilterbank, EdgesEqualEssentiaJsAndRecomputationIsWithinOneUlp) {
    std::vector<float> golden = read_f32(golden_dir() + "/essentiajs_mel_edges_hz.f32");
    ASSERT_EQ(golden.size(), 98u);
    const auto& table = cf::detail::musicnn_mel_edges_hz();
    const auto recomputed = cf::detail::compute_slaney_mel_edges_hz();
    int n_differ = 0;
    for (int i = 0; i < 98; ++i) {
        ASSERT_EQ(table[i], golden[i]) << i;
        ASSERT_LE(cf::test::ulp_distance(recomputed[i], golden[i]), 1) << "edge " << i;
        n_differ += recomputed[i] != golden[i];
    }
    RecordProperty("recomputed_edges_off_by_one_ulp", n_differ);
}

TEST(MusicnnFilterbank, MatrixEqualsEssentiaJs) {
    std::vector<float> golden = read_f32(golden_dir() + "/essentiajs_melfb_96x257.f32");
    ASSERT_EQ(golden.size(), 96u * 257u);
    std::vector<float> ours(96 * 257, 0.0f);
    const auto& bands = cf::detail::musicnn_mel_bands();
    for (int b = 0; b < 96; ++b)
        for (size_t j = 0; j < bands[b].weights.size(); ++j) ours[b * 257 + bands[b].first_bin + j] = bands[b].weights[j];
    int64_t worst_ulp = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
        if (golden[i] == 0.0f) {
            ASSERT_EQ(ours[i], 0.0f) << "band " << i / 257 << " bin " << i % 257;
        } else {
            worst_ulp = std::max(worst_ulp, cf::test::ulp_distance(ours[i], golden[i]));
        }
    }
    // Same float32 formula as Essentia's TriangularBands: at most 1 ulp (division order).
    EXPECT_LE(worst_ulp, 1);
}

class GoldenClip : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenClip, MelFramesMatchEssentiaJs) {
    const std::string id = GetParam();
    std::vector<float> signal = read_f32(golden_dir() + "/" + id + ".signal.f32");
    ASSERT_FALSE(signal.empty());
    signal.resize(std::min<size_t>(signal.size(), 30 * 16000));
    const std::string meta = slurp(golden_dir() + "/" + id + ".mel_patches.json");
    const int64_t n_valid = json_int(meta, "n_valid_frames");
    const std::vector<int64_t> dropped_golden = json_int_array(meta, "silent_frames_dropped");
    std::vector<float> patches = read_f32(golden_dir() + "/" + id + ".mel_patches.f32");
    ASSERT_GT(n_valid, 0);

    for (cf::Kernel kernel : {cf::Kernel::scalar, cf::Kernel::best}) {
        cf::MusicnnOptions options;
        options.kernel = kernel;
        std::vector<int64_t> dropped;
        std::vector<float> frames = cf::compute_musicnn_frames(signal.data(), signal.size(), options, &dropped);
        ASSERT_EQ(int64_t(frames.size() / 96), n_valid);
        EXPECT_EQ(dropped, dropped_golden);
        MaxDiff d = compare(frames.data(), patches.data(), frames.size());
        EXPECT_LE(d.max_abs, kGoldenTolerance) << id;
        RecordProperty(id + (kernel == cf::Kernel::scalar ? "_scalar" : "_simd") + "_max_abs_diff",
                       std::to_string(d.max_abs));
        std::printf("%s %s: %zu frames, max |ours - essentia.js| = %.3g\n", id.c_str(),
                    kernel == cf::Kernel::scalar ? "scalar" : cf::simd::simd_isa_name(), frames.size() / 96,
                    double(d.max_abs));

        // Patches exactly as essentia.js predict(zeroPadding=true): same count, zero-padded rows.
        cf::Patches p = cf::make_patches(frames.data(), frames.size() / 96);
        ASSERT_EQ(p.values.size(), patches.size());
        EXPECT_LE(compare(p.values.data(), patches.data(), patches.size()).max_abs, kGoldenTolerance);
    }
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenClip, ::testing::Values("tumiki", "joram"));

class EdgeCase : public ::testing::TestWithParam<std::string> {};

TEST_P(EdgeCase, MatchesEssentiaJs) {
    const std::string id = GetParam();
    const std::string dir = golden_dir() + "/edge_cases/";
    const std::string meta = slurp(dir + "edge_cases.json");
    const size_t at = meta.find("\"" + id + "\"");
    ASSERT_NE(at, std::string::npos);
    std::vector<float> signal = read_f32(dir + id + ".signal.f32");
    std::vector<float> golden = read_f32(dir + id + ".mel_frames.f32");
    const std::vector<int64_t> dropped_golden = json_int_array(meta, "silent_frames_dropped", at);
    const int64_t n_cut = json_int(meta, "framecutter_frames", at);

    cf::MusicnnFeatures features;
    features.push(signal.data(), signal.size());
    features.finish();
    EXPECT_EQ(features.n_frames_cut(), n_cut);
    EXPECT_EQ(features.dropped_frames(), dropped_golden);
    ASSERT_EQ(features.frames().size(), golden.size());
    MaxDiff d = compare(features.frames().data(), golden.data(), golden.size());
    EXPECT_LE(d.max_abs, kGoldenTolerance) << id;
    std::printf("edge case %s: %zu frames, max |diff| = %.3g\n", id.c_str(), features.n_frames(), double(d.max_abs));
}

INSTANTIATE_TEST_SUITE_P(Golden, EdgeCase, ::testing::Values("noise", "sweep", "gaps", "quiet", "odd_len"));

TEST(MusicnnFeatures, SimdEqualsScalarOverOddFrameCounts) {
    // Frame counts 1, 3, 7, 9, 15, 17, 33 exercise every leftover-lane case of the 4-lane kernel.
    std::mt19937 rng(11);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    for (int n_frames : {1, 2, 3, 5, 7, 9, 15, 17, 33}) {
        const size_t n = size_t(n_frames - 1) * 256;  // ceil(n/256) + 1 frames
        std::vector<float> signal(n);
        for (auto& v : signal) v = noise(rng);
        cf::MusicnnOptions scalar_opts, simd_opts;
        scalar_opts.kernel = cf::Kernel::scalar;
        simd_opts.kernel = cf::Kernel::best;
        scalar_opts.silent_frames = simd_opts.silent_frames = cf::SilentFrames::keep;
        std::vector<float> a = cf::compute_musicnn_frames(signal.data(), n, scalar_opts);
        std::vector<float> b = cf::compute_musicnn_frames(signal.data(), n, simd_opts);
        ASSERT_EQ(a.size(), size_t(n_frames) * 96);
        ASSERT_EQ(a, b) << "n_frames=" << n_frames;  // same arithmetic per lane: bit-identical
    }
}

TEST(MusicnnFeatures, StreamingInOddBlocksEqualsOneShot) {
    std::vector<float> signal = read_f32(golden_dir() + "/edge_cases/gaps.signal.f32");
    ASSERT_FALSE(signal.empty());
    const std::vector<float> whole = cf::compute_musicnn_frames(signal.data(), signal.size());
    for (size_t block : {1u, 7u, 255u, 256u, 257u, 4097u, 100000u}) {
        cf::MusicnnFeatures features;
        std::vector<float> collected;
        for (size_t i = 0; i < signal.size(); i += block) {
            features.push(signal.data() + i, std::min(block, signal.size() - i));
            std::vector<float> part = features.take_frames();  // consume as they come
            collected.insert(collected.end(), part.begin(), part.end());
        }
        features.finish();
        collected.insert(collected.end(), features.frames().begin(), features.frames().end());
        ASSERT_EQ(collected, whole) << "block " << block;
    }
}

TEST(MusicnnFeatures, EmptyAndTinySignals) {
    // 0 samples: one all-zero frame, which essentia.js drops as silent.
    std::vector<int64_t> dropped;
    EXPECT_TRUE(cf::compute_musicnn_frames(nullptr, 0, {}, &dropped).empty());
    EXPECT_EQ(dropped, std::vector<int64_t>{0});
    cf::MusicnnOptions keep;
    keep.silent_frames = cf::SilentFrames::keep;
    std::vector<float> zeros = cf::compute_musicnn_frames(nullptr, 0, keep);
    ASSERT_EQ(zeros.size(), 96u);
    for (float v : zeros) EXPECT_EQ(v, 0.0f);  // log10(1 + 0)
    float one = 0.5f;
    EXPECT_EQ(cf::compute_musicnn_frames(&one, 1, keep).size(), 2u * 96u);  // ceil(1/256) + 1
}

TEST(Patches, HopAndLastPatchModes) {
    std::vector<float> frames(400 * 96);
    for (size_t i = 0; i < frames.size(); ++i) frames[i] = float(i / 96);  // row index
    cf::Patches padded = cf::make_patches(frames.data(), 400);
    EXPECT_EQ(padded.n_patches, 3u);  // ceil(400/187)
    EXPECT_EQ(padded.values[(2 * 187 + 25) * 96], 399.0f);
    EXPECT_EQ(padded.values[(2 * 187 + 26) * 96], 0.0f);  // zero rows after the last frame
    cf::PatchOptions essentia_cpp{93, cf::LastPatch::discard};
    cf::Patches hop93 = cf::make_patches(frames.data(), 400, essentia_cpp);
    EXPECT_EQ(hop93.start_frames, (std::vector<int64_t>{0, 93, 186}));  // 279 + 187 > 400
    EXPECT_EQ(cf::make_patches(frames.data(), 0).n_patches, 1u);
    EXPECT_EQ(cf::make_patches(frames.data(), 10, essentia_cpp).n_patches, 0u);
    EXPECT_FALSE(cf::validate(cf::PatchOptions{0, cf::LastPatch::discard}).is_ok());
}

TEST(Patches, Hop93MatchesEssentiaCppStarts) {
    // Essentia C++'s patch starts for a 30 s clip of 1873 frames (recorded with the first golden set): 19 patches.
    std::vector<float> frames(1873 * 96, 0.0f);
    cf::Patches p = cf::make_patches(frames.data(), 1873, {93, cf::LastPatch::discard});
    EXPECT_EQ(p.n_patches, 19u);
    EXPECT_EQ(p.start_frames.back(), 18 * 93);
}
