// TrackAnalyzer: what is analysed (whole track vs spread-out windows), weighted means, the async
// embedder contract, and errors. A deterministic fake embedder stands in for ONNX Runtime Web; the
// real models are checked in tests/js/ (Node + ONNX Runtime Web against TF.js and the golden data).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "core/analysis/analysis_json.h"
#include "core/analysis/track_analyzer.h"
#include "core/features/musicnn_features.h"
#include "test_util.h"

namespace {

// A 16-bit mono WAV in memory: a sine whose frequency changes every second, so patches differ.
std::vector<uint8_t> make_wav(double duration_s, int rate_hz = 8000, double amplitude = 0.3) {
    const uint32_t n = uint32_t(duration_s * rate_hz);
    std::vector<uint8_t> b(44 + size_t(n) * 2);
    auto put32 = [&](size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); };
    auto put16 = [&](size_t at, uint16_t v) { std::memcpy(&b[at], &v, 2); };
    std::memcpy(&b[0], "RIFF", 4);
    put32(4, uint32_t(36 + n * 2));
    std::memcpy(&b[8], "WAVEfmt ", 8);
    put32(16, 16);
    put16(20, 1);
    put16(22, 1);
    put32(24, uint32_t(rate_hz));
    put32(28, uint32_t(rate_hz * 2));
    put16(32, 2);
    put16(34, 16);
    std::memcpy(&b[36], "data", 4);
    put32(40, n * 2);
    double phase = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const double f = 220.0 * (1 + (i / rate_hz) % 7);
        phase += 2 * M_PI * f / rate_hz;
        const int16_t s = int16_t(std::lround(amplitude * 32767 * std::sin(phase)));
        std::memcpy(&b[44 + size_t(i) * 2], &s, 2);
    }
    return b;
}

std::vector<cf::AudioModel> test_models() {
    cf::AudioModel tags{"tagger", "msd", cf::ModelRole::tags, {"a", "b", "c"}, 0, true};
    cf::AudioModel mood{"mooder", "happy", cf::ModelRole::mood, {"happy", "non_happy"}, 0, false};
    return {tags, mood};
}

// Activations derived from the patch content (mean of a few bands), so means are checkable; answers
// either at once or when flush() is called (like the JS event loop).
class FakeEmbedder : public cf::Embedder {
public:
    bool deferred = false;
    size_t wrong_size = 0;  // if set, return this many activations per row instead
    int calls = 0;
    std::vector<std::pair<cf::ModelRequest, cf::ModelCallback>> queue;

    static float patch_feature(const float* patch, int band) {
        double s = 0;
        for (int t = 0; t < cf::kMusicnnPatchFrames; ++t) s += patch[t * cf::kMusicnnBands + band];
        return float(s / cf::kMusicnnPatchFrames);
    }
    void run(cf::ModelRequest r, cf::ModelCallback done) override {
        ++calls;
        if (deferred) {
            queue.emplace_back(std::move(r), std::move(done));
            return;
        }
        answer(r, done);
    }
    void answer(const cf::ModelRequest& r, const cf::ModelCallback& done) {
        const size_t n = size_t(r.input_shape[0]);
        const size_t per = cf::kMusicnnPatchFrames * cf::kMusicnnBands;
        cf::ModelOutputs out;
        const size_t n_act = wrong_size ? wrong_size : (r.model == "tagger" ? 3 : 2);
        cf::ModelTensor act{std::vector<float>(n * n_act), {int64_t(n), int64_t(n_act)}};
        cf::ModelTensor emb{std::vector<float>(n * 4), {int64_t(n), 4}};
        for (size_t i = 0; i < n; ++i) {
            const float* p = r.input.data() + i * per;
            for (size_t j = 0; j < n_act; ++j) act.values[i * n_act + j] = patch_feature(p, int(10 + 20 * j));
            for (size_t j = 0; j < 4; ++j) emb.values[i * 4 + j] = patch_feature(p, int(5 + 7 * j));
        }
        out["activations"] = act;
        for (const auto& name : r.outputs) {
            if (name == "embedding") out["embedding"] = emb;
            if (name == "embedding_linear") {  // a different, 5-d output: 1 - the patch's band-3 mean
                cf::ModelTensor lin{std::vector<float>(n * 5), {int64_t(n), 5}};
                for (size_t i = 0; i < n; ++i)
                    for (size_t j = 0; j < 5; ++j) lin.values[i * 5 + j] = 1.0f - patch_feature(r.input.data() + i * per, 3) + float(j);
                out["embedding_linear"] = lin;
            }
        }
        done(std::move(out));
    }
    void flush() {
        auto q = std::move(queue);
        queue.clear();
        for (auto& [r, d] : q) answer(r, d);
    }
};

cf::AnalysisState run_to_end(cf::TrackAnalyzer& a, FakeEmbedder& e) {
    for (int guard = 0; guard < 100000; ++guard) {
        const auto st = a.step(0.005);
        if (st == cf::AnalysisState::waiting) e.flush();
        if (st == cf::AnalysisState::done || st == cf::AnalysisState::failed) return st;
    }
    return a.state();
}

}  // namespace

TEST(TrackAnalyzer, ShortTrackIsAnalysedCompletelyWithWeightedMeans) {
    FakeEmbedder e;
    cf::AnalysisOptions o;
    o.max_batch_patches = 4;
    o.weight_by_real_frames = true;
    cf::TrackAnalyzer a(test_models(), &e, o);
    auto wav = make_wav(20.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "short.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done) << a.status().message();
    const auto& r = a.result();
    EXPECT_TRUE(r.complete);
    EXPECT_NEAR(r.duration_s, 20.0, 1e-9);
    // 20 s at 16 kHz → ceil(320000/256)+1 = 1251 frames → 7 patches, the last with 1251-6·187 = 129 frames.
    ASSERT_EQ(r.n_patches(), 7u);
    EXPECT_FLOAT_EQ(r.patch_weight.back(), 129.0f / 187.0f);
    EXPECT_FLOAT_EQ(r.patch_real_share.back(), 129.0f / 187.0f);
    EXPECT_EQ(e.calls, 2 * 2);  // 2 models × ceil(7 / 4) batches
    ASSERT_EQ(r.models.size(), 2u);
    const cf::ModelResult* tags = r.model("msd");
    ASSERT_NE(tags, nullptr);
    ASSERT_EQ(tags->per_patch.size(), 7u * 3);
    for (size_t j = 0; j < 3; ++j) {
        double num = 0, den = 0;
        for (size_t p = 0; p < 7; ++p) {
            num += r.patch_weight[p] * tags->per_patch[p * 3 + j];
            den += r.patch_weight[p];
        }
        EXPECT_NEAR(tags->mean[j], num / den, 1e-5);
    }
    ASSERT_EQ(r.embedding.size(), 4u);
    EXPECT_EQ(r.embedding_model, "tagger");
    EXPECT_EQ(r.patch_embeddings.size(), 7u * 4);
    EXPECT_EQ(r.windows.size(), 1u);
    EXPECT_NEAR(r.patch_start_s[1], 187 * 256 / 16000.0, 1e-9);
    EXPECT_EQ(r.waveform_min.size(), size_t(o.waveform_points));
    EXPECT_NEAR(r.waveform_max[r.waveform_max.size() / 2], 0.3, 0.02);
}

TEST(TrackAnalyzer, LongTrackGetsBoundedSpreadOutWindows) {
    FakeEmbedder e;
    cf::AnalysisOptions o;
    o.full_track_max_s = 120;
    o.n_windows = 3;
    o.window_patches = 2;
    o.tempo = false;
    cf::TrackAnalyzer a(test_models(), &e, o);
    auto wav = make_wav(600.0, 4000);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "long.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done) << a.status().message();
    const auto& r = a.result();
    EXPECT_FALSE(r.complete);
    ASSERT_EQ(r.windows.size(), 3u);
    ASSERT_EQ(r.n_patches(), 6u);  // exactly window_patches full patches per window, no padding
    for (float w : r.patch_weight) EXPECT_FLOAT_EQ(w, 1.0f);
    for (float w : r.patch_real_share) EXPECT_FLOAT_EQ(w, 1.0f);
    const double window_s = (2.0 * 187 * 256 - 256) / 16000.0;
    for (int i = 0; i < 3; ++i) {
        const double centre = 600.0 * (i + 1) / 4.0;
        EXPECT_NEAR(r.windows[i].start_s + window_s / 2, centre, 1e-3);
        EXPECT_NEAR(r.windows[i].duration_s, window_s, 1e-6);
        EXPECT_NEAR(r.patch_start_s[2 * i], r.windows[i].start_s, 1e-9);
    }
}

TEST(TrackAnalyzer, CappedModelsSeeSpreadOutPatchesAndAverageThose) {
    FakeEmbedder e;
    auto models = test_models();
    models[1].max_patches = 3;
    cf::AnalysisOptions o;
    o.max_batch_patches = 2;
    cf::TrackAnalyzer a(models, &e, o);
    auto wav = make_wav(30.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "capped.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done) << a.status().message();
    const auto& r = a.result();
    ASSERT_EQ(r.n_patches(), 11u);
    const cf::ModelResult* mood = r.model("happy");
    ASSERT_NE(mood, nullptr);
    EXPECT_EQ(mood->patches, (std::vector<uint32_t>{1, 5, 9}));  // centres of 3 equal thirds of 11
    ASSERT_EQ(mood->per_patch.size(), 3u * 2);
    EXPECT_EQ(e.calls, 6 + 2);  // tagger: ceil(11 / 2), mood: ceil(3 / 2)
    // The mood mean is over its 3 patches: recompute what the fake gives for them.
    const cf::ModelResult* tags = r.model("msd");
    EXPECT_EQ(tags->patches.size(), 11u);
    double expect = 0;
    for (int i = 0; i < 3; ++i) expect += mood->per_patch[size_t(i) * 2];
    EXPECT_NEAR(mood->mean[0], expect / 3, 1e-6);
}

TEST(TrackAnalyzer, ExtraOutputsAreKeptPerPatchForTagModelsOnly) {
    FakeEmbedder e;
    auto models = test_models();
    models.push_back({"tagger2", "mtt", cf::ModelRole::tags, {"x", "y"}, 0, false, 3});
    cf::AnalysisOptions o;
    o.max_batch_patches = 2;
    o.extra_outputs = {"embedding", "embedding_linear"};
    cf::TrackAnalyzer a(models, &e, o);
    auto wav = make_wav(30.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "extra.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done) << a.status().message();
    const auto& r = a.result();
    ASSERT_EQ(r.n_patches(), 11u);
    EXPECT_TRUE(r.model("happy")->extras.empty());  // a mood model keeps no extras
    const cf::ModelResult* msd = r.model("msd");
    ASSERT_EQ(msd->extras.size(), 2u);
    EXPECT_EQ(msd->extras[0].output, "embedding");
    EXPECT_EQ(msd->extras[0].dim, 4u);
    EXPECT_EQ(msd->extras[0].per_patch, r.patch_embeddings);  // the same output as the track embedding's
    EXPECT_EQ(msd->extras[1].output, "embedding_linear");
    ASSERT_EQ(msd->extras[1].dim, 5u);
    ASSERT_EQ(msd->extras[1].per_patch.size(), 11u * 5);
    const cf::ModelResult* mtt = r.model("mtt");
    ASSERT_EQ(mtt->patches, (std::vector<uint32_t>{1, 5, 9}));
    ASSERT_EQ(mtt->extras.size(), 2u);
    ASSERT_EQ(mtt->extras[1].per_patch.size(), 3u * 5);
    for (size_t i = 0; i < 3; ++i)  // row i of mtt is patch mtt->patches[i]: the same values msd saw there
        for (size_t j = 0; j < 5; ++j)
            EXPECT_FLOAT_EQ(mtt->extras[1].per_patch[i * 5 + j], msd->extras[1].per_patch[mtt->patches[i] * 5 + j]);
    EXPECT_NE(msd->extras[1].per_patch[0], msd->extras[1].per_patch[5]);  // patches differ
    const std::string json = cf::analysis_to_json(r, models);
    EXPECT_NE(json.find("\"extra_outputs\":{\"msd\":{\"embedding\":{\"dim\":4,\"patches\":[0,1,2,3,4,5,6,7,8,9,10],"), std::string::npos) << json.substr(0, 400);
    EXPECT_NE(json.find("\"mtt\":{\"embedding\":{\"dim\":4,\"patches\":[1,5,9],"), std::string::npos);

    // Off by default: the same analysis without extra_outputs writes no such key.
    cf::TrackAnalyzer plain(models, &e, cf::AnalysisOptions{});
    ASSERT_TRUE(plain.start(cf::make_memory_source(wav.data(), wav.size(), "plain.wav")).is_ok());
    ASSERT_EQ(run_to_end(plain, e), cf::AnalysisState::done);
    EXPECT_TRUE(plain.result().model("msd")->extras.empty());
    EXPECT_EQ(cf::analysis_to_json(plain.result(), models).find("extra_outputs"), std::string::npos);

    // A model that does not give the output fails naming the model and the output.
    o.extra_outputs = {"penultimate"};
    cf::TrackAnalyzer missing(models, &e, o);
    ASSERT_TRUE(missing.start(cf::make_memory_source(wav.data(), wav.size(), "missing.wav")).is_ok());
    ASSERT_EQ(run_to_end(missing, e), cf::AnalysisState::failed);
    EXPECT_NE(missing.status().message().find("model tagger: no usable \"penultimate\" output"), std::string::npos) << missing.status().message();
    o.extra_outputs = {"activations"};
    EXPECT_FALSE(cf::validate(o).is_ok());
}

TEST(TrackAnalyzer, WaitsForDeferredCallbacksAndIgnoresLateOnes) {
    FakeEmbedder e;
    e.deferred = true;
    cf::AnalysisOptions o;
    auto wav = make_wav(5.0);
    {
        cf::TrackAnalyzer a(test_models(), &e, o);
        ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "a.wav")).is_ok());
        cf::AnalysisState st;
        while ((st = a.step(0.01)) == cf::AnalysisState::working) {
        }
        EXPECT_EQ(st, cf::AnalysisState::waiting);
        EXPECT_EQ(a.n_pending(), 2);
        EXPECT_GE(a.progress(), 0.2);
        EXPECT_LT(a.progress(), 1.0);
        // Restart before the answers arrive: they belong to the old analysis and must be ignored.
        ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "b.wav")).is_ok());
        e.flush();
        EXPECT_EQ(a.state(), cf::AnalysisState::working);
        ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done);
        EXPECT_EQ(a.result().file, "b.wav");
        // Leave a call pending and destroy the analyzer.
        ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "c.wav")).is_ok());
        while (a.step(0.01) == cf::AnalysisState::working) {
        }
    }
    e.flush();  // must not touch the destroyed analyzer (ASan checks this natively)
    SUCCEED();
}

TEST(TrackAnalyzer, ModelOutputOfTheWrongSizeFailsNamingTheModel) {
    FakeEmbedder e;
    e.wrong_size = 5;
    cf::TrackAnalyzer a(test_models(), &e, {});
    auto wav = make_wav(3.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "x.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::failed);
    EXPECT_NE(a.status().message().find("tagger"), std::string::npos) << a.status().message();
    EXPECT_NE(a.status().message().find("expected"), std::string::npos) << a.status().message();
}

TEST(TrackAnalyzer, BadInputFailsWithTheReadersMessage) {
    FakeEmbedder e;
    cf::TrackAnalyzer a(test_models(), &e, {});
    EXPECT_FALSE(a.start_file(cf::test::test_data_dir() + "/audio/bad_text.txt").is_ok());
    EXPECT_EQ(a.state(), cf::AnalysisState::failed);
    EXPECT_NE(a.status().message().find("bad_text.txt"), std::string::npos) << a.status().message();
    EXPECT_FALSE(a.start_file("/nonexistent/file.mp3").is_ok());
    EXPECT_EQ(a.status().code(), cf::ErrorCode::not_found);
    // A truncated file: decoding fails mid-way, the analysis fails with the reader's message.
    EXPECT_TRUE(a.start_file(cf::test::test_data_dir() + "/audio/bad_truncated_30pct_flac_s16_44k_stereo.flac").is_ok());
    EXPECT_EQ(run_to_end(a, e), cf::AnalysisState::failed);
    EXPECT_EQ(a.status().code(), cf::ErrorCode::truncated) << a.status().message();
    EXPECT_EQ(e.calls, 0);
}

TEST(TrackAnalyzer, SilenceGivesOneZeroPatchAndNullLoudness) {
    FakeEmbedder e;
    cf::TrackAnalyzer a(test_models(), &e, {});
    auto wav = make_wav(4.0, 8000, 0.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "silence.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done) << a.status().message();
    EXPECT_EQ(a.result().n_patches(), 1u);
    EXPECT_EQ(a.result().tempo.bpm, 0.0);
    const std::string json = cf::analysis_to_json(a.result(), test_models());
    EXPECT_NE(json.find("\"loudness_lufs\":null"), std::string::npos) << json.substr(0, 400);
}

TEST(TrackAnalyzer, OptionsAreValidated) {
    cf::AnalysisOptions o;
    o.n_windows = 0;
    EXPECT_NE(cf::validate(o).message().find("n_windows"), std::string::npos);
    o = {};
    o.decode.output_rate_hz = 22050;
    EXPECT_NE(cf::validate(o).message().find("16000"), std::string::npos);
    FakeEmbedder e;
    cf::TrackAnalyzer a({}, &e, {});
    auto wav = make_wav(1.0);
    EXPECT_FALSE(a.start(cf::make_memory_source(wav.data(), wav.size(), "x.wav")).is_ok());
    EXPECT_NE(a.status().message().find("no models"), std::string::npos);
}

TEST(AnalysisJson, HasTheDocumentedKeysAndEscapes) {
    FakeEmbedder e;
    cf::TrackAnalyzer a(test_models(), &e, {});
    auto wav = make_wav(8.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "we\"ird\\name.wav")).is_ok());
    ASSERT_EQ(run_to_end(a, e), cf::AnalysisState::done);
    const std::string json = cf::analysis_to_json(a.result(), test_models());
    for (const char* key : {"\"file\":\"we\\\"ird\\\\name.wav\"", "\"duration_s\":", "\"tags\":{\"msd\":{\"a\":", "\"moods\":{\"happy\":",
                            "\"embedding\":{\"model\":\"tagger\"", "\"dim\":4", "\"bpm\":", "\"bpm_confidence\":", "\"beats_s\":[",
                            "\"loudness_lufs\":", "\"taggram\":{", "\"times_s\":["})
        EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json.substr(0, 600);
    EXPECT_EQ(json.find("nan"), std::string::npos);
    EXPECT_EQ(json.find(":inf"), std::string::npos);
    EXPECT_EQ(json.find("-inf"), std::string::npos);
    EXPECT_EQ(cf::analysis_error_json("f.mp3", cf::Status(cf::ErrorCode::corrupt, "bad \"x\"")),
              "{\"file\":\"f.mp3\",\"error\":\"bad \\\"x\\\"\",\"code\":\"corrupt\"}");
}

TEST(TrackAnalyzer, PartialResultOnceTheEmbeddingModelAnswered) {
    // The app shows first results as soon as the embedding model is done; the partial result must
    // then already hold the final embedding and tags, while the other models are still pending.
    FakeEmbedder e;
    e.deferred = true;
    cf::TrackAnalyzer a(test_models(), &e, {});
    auto wav = make_wav(5.0);
    ASSERT_TRUE(a.start(cf::make_memory_source(wav.data(), wav.size(), "p.wav")).is_ok());
    while (a.step(0.01) == cf::AnalysisState::working) {
    }
    ASSERT_EQ(a.state(), cf::AnalysisState::waiting);
    const size_t emb = a.embedding_model_index();
    ASSERT_LT(emb, a.result().models.size());
    EXPECT_FALSE(a.model_done(emb));
    EXPECT_TRUE(a.partial_result().embedding.empty());
    // Answer only the embedding model's calls.
    auto queue = std::move(e.queue);
    e.queue.clear();
    const std::string emb_name = a.result().models[emb].model;
    for (auto& [r, d] : queue)
        if (r.model == emb_name) e.answer(r, d);
    ASSERT_EQ(a.state(), cf::AnalysisState::waiting);
    EXPECT_TRUE(a.model_done(emb));
    const cf::TrackAnalysis partial = a.partial_result();
    ASSERT_FALSE(partial.embedding.empty());
    for (size_t i = 0; i < partial.models.size(); ++i) {
        if (i == emb) continue;
        EXPECT_FALSE(a.model_done(i));
        EXPECT_TRUE(partial.models[i].mean.empty());
    }
    for (auto& [r, d] : queue)
        if (r.model != emb_name) e.answer(r, d);
    ASSERT_EQ(a.state(), cf::AnalysisState::done);
    EXPECT_EQ(partial.embedding, a.result().embedding);  // the same values, not an estimate
    EXPECT_EQ(partial.models[emb].mean, a.result().models[emb].mean);
}
