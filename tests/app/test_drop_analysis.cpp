// DropAnalysis (src/app/session/drop_analysis.h): the quick stage's embedding first, then the query
// profile's, then the other models — with an embedder that answers only when the test says so.
#include <gtest/gtest.h>

#include <cmath>
#include <deque>

#include "app/session/drop_analysis.h"
#include "app/session/session.h"
#include "core/audio/wav_writer.h"
#include "core/features/musicnn_features.h"
#include "fakes.h"

namespace cf::app {
namespace {

// Holds every request until answer() — the order of the calls is what the test checks.
class HeldEmbedder final : public Embedder {
public:
    struct Call {
        ModelRequest request;
        ModelCallback done;
    };
    std::deque<Call> calls;
    std::vector<float> fixed_embedding;  ///< when set, every patch's embedding
    void run(ModelRequest r, ModelCallback done) override { calls.push_back({std::move(r), std::move(done)}); }

    // Answers the oldest call: activations 0.5 per output; the embedding is the mean input of each
    // patch (so windows from different places give different embeddings).
    void answer(size_t n_outputs) {
        Call c = std::move(calls.front());
        calls.pop_front();
        const int64_t rows = c.request.input_shape[0];
        ModelOutputs out;
        out["activations"] = ModelTensor{std::vector<float>(size_t(rows) * n_outputs, 0.5f), {rows, int64_t(n_outputs)}};
        ModelTensor e{std::vector<float>(size_t(rows) * 2), {rows, 2}};
        const size_t per = size_t(kMusicnnPatchFrames) * kMusicnnBands;
        if (!fixed_embedding.empty()) {
            const int64_t dim = int64_t(fixed_embedding.size());
            e = ModelTensor{{}, {rows, dim}};
            for (int64_t i = 0; i < rows; ++i) e.values.insert(e.values.end(), fixed_embedding.begin(), fixed_embedding.end());
        }
        for (int64_t i = 0; i < rows && fixed_embedding.empty(); ++i) {
            double sum = 0;
            for (size_t j = 0; j < per; ++j) sum += c.request.input[size_t(i) * per + j];
            e.values[size_t(i) * 2] = float(sum / double(per));
            e.values[size_t(i) * 2 + 1] = 1.0f;
        }
        out["embedding"] = e;
        c.done(std::move(out));
    }
};

std::vector<AudioModel> models() {
    AudioModel msd{"msd-musicnn-1", "msd", ModelRole::tags, {"rock", "pop", "jazz"}, 0, true, 0};
    AudioModel mtt{"mtt-musicnn-1", "mtt", ModelRole::tags, {"guitar", "piano"}, 0, false, 8};
    AudioModel happy{"mood_happy-musicnn-msd-2", "happy", ModelRole::mood, {"happy", "non_happy"}, 0, false, 4};
    return {msd, mtt, happy};
}

// 90 s of a tone whose loudness rises, 16 kHz mono: longer than the query profile's 16 windows.
std::vector<uint8_t> long_wav() {
    std::vector<float> x(size_t(90 * 16000));
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(0.05 + 0.4 * double(i) / double(x.size())) * float(std::sin(0.2 * double(i)));
    return *encode_wav(x, 1, 16000);
}

size_t n_outputs(const std::string& model) { return model == "msd-musicnn-1" ? 3 : 2; }

void decode_all(DropAnalysis& d) {
    for (int guard = 0; guard < 100000 && d.step(0.05); ++guard) {
    }
}

TEST(DropAnalysis, QuickEmbeddingFirstThenTheQueryProfileThenTheRest) {
    HeldEmbedder e;
    DropAnalysis d(models(), &e);
    d.start(long_wav(), "rise.wav");
    decode_all(d);
    ASSERT_TRUE(d.running()) << d.status().message();
    // The quick stage's call (the embedding model on its 4 windows) comes before every other.
    ASSERT_GE(e.calls.size(), 4u);
    EXPECT_EQ(e.calls[0].request.model, "msd-musicnn-1");
    EXPECT_EQ(e.calls[0].request.input_shape[0], 4);
    EXPECT_EQ(e.calls[1].request.model, "msd-musicnn-1");
    EXPECT_EQ(e.calls[1].request.input_shape[0], 16);
    EXPECT_FALSE(d.quick_ready());
    e.answer(3);
    EXPECT_TRUE(d.quick_ready());
    EXPECT_FALSE(d.embedding_ready());
    EXPECT_EQ(d.stage(), std::string("refining"));
    const TrackAnalysis quick = d.quick_result();
    EXPECT_EQ(quick.n_patches(), 4u);
    ASSERT_EQ(quick.embedding.size(), 2u);
    EXPECT_EQ(quick.loudness.integrated_lufs, kLoudnessFloorLufs) << "no loudness in the quick stage";
    e.answer(3);  // the query profile's msd: the embedding is final, the other models still run
    EXPECT_TRUE(d.embedding_ready());
    EXPECT_FALSE(d.done());
    const TrackAnalysis partial = d.partial_result();
    EXPECT_EQ(partial.n_patches(), 16u);
    ASSERT_EQ(partial.embedding.size(), 2u);
    EXPECT_NE(partial.embedding[0], quick.embedding[0]) << "16 windows of a rising tone are not the 4 quick ones";
    while (!e.calls.empty()) e.answer(n_outputs(e.calls.front().request.model));
    ASSERT_TRUE(d.done()) << d.status().message();
    EXPECT_EQ(d.result().embedding, partial.embedding) << "the list does not change when the tags and moods arrive";
    EXPECT_EQ(d.result().models.size(), 3u);
    EXPECT_GT(d.result().loudness.integrated_lufs, kLoudnessFloorLufs) << "loudness comes with the query stage";
    EXPECT_DOUBLE_EQ(d.progress(), 1.0);
}

TEST(DropAnalysis, CancelledLateAnswersAreDropped) {
    HeldEmbedder e;
    DropAnalysis d(models(), &e);
    d.start(long_wav(), "rise.wav");
    decode_all(d);
    d.cancel();
    EXPECT_TRUE(d.failed());
    EXPECT_EQ(d.status().code(), ErrorCode::cancelled);
    while (!e.calls.empty()) e.answer(n_outputs(e.calls.front().request.model));
    EXPECT_FALSE(d.quick_ready());
    EXPECT_FALSE(d.done());
}

TEST(DropAnalysis, NotAudioFailsWithTheFileName) {
    HeldEmbedder e;
    DropAnalysis d(models(), &e);
    d.start({'h', 'e', 'l', 'l', 'o'}, "notes.txt");
    decode_all(d);
    EXPECT_TRUE(d.failed());
    EXPECT_NE(d.status().message().find("notes.txt"), std::string::npos) << d.status().message();
}

TEST(DropAnalysis, WarmUpRunsEachModelOnceOnOnePatch) {
    HeldEmbedder e;
    warm_up_models(models(), &e);
    ASSERT_EQ(e.calls.size(), 3u);
    for (const auto& c : e.calls) {
        EXPECT_EQ(c.request.input_shape, (std::vector<int64_t>{1, kMusicnnPatchFrames, kMusicnnBands}));
        EXPECT_EQ(c.request.outputs.size(), c.request.model == "msd-musicnn-1" ? 2u : 1u);
    }
}

// The session lists the quick stage's matches first (preliminary), then the refined ones; the track
// the user selected in the first list stays selected although it moved.
TEST(DropAnalysis, TheSessionKeepsTheSelectedTrackWhenTheListIsRefined) {
    test::FakeHost host;
    HeldEmbedder e;
    Session session(host, &e);
    session.set_models(test::test_models());
    ASSERT_TRUE(session.open_catalog(test::test_catalog_bytes(), "test", "catalog/").is_ok());
    const int request = session.analyze("rise.wav", long_wav());
    for (int guard = 0; guard < 100000 && session.pump(0.05); ++guard) {
    }
    ASSERT_EQ(e.calls.size(), 2u);  // msd on the quick windows, then on the query profile's
    e.fixed_embedding = {1, 0, 0, 0};
    e.answer(3);
    session.step(0.0);
    ASSERT_TRUE(session.analysing());
    EXPECT_TRUE(session.query().preliminary);
    EXPECT_EQ(session.analysis_stage(), std::string("refining"));
    ASSERT_GE(session.results().hits.size(), 3u);
    const uint32_t chosen = session.results().hits[2].track;  // t2: third nearest to (1, 0, 0, 0)
    session.select_row(2);
    e.fixed_embedding = {0, 0, 0.3f, 1};  // the whole analysis hears something else
    e.answer(3);
    session.step(0.0);
    EXPECT_FALSE(session.analysing());
    ASSERT_EQ(host.finished.size(), 1u);
    EXPECT_EQ(host.finished[0].request, request);
    EXPECT_TRUE(host.finished[0].ok) << host.finished[0].message;
    EXPECT_FALSE(session.query().preliminary);
    ASSERT_NE(session.results().selected(), nullptr);
    EXPECT_EQ(session.results().selected()->track, chosen) << "the selected track stays selected";
    EXPECT_NE(session.results().selected_row, 2) << "it moved in the refined list";
}

}  // namespace
}  // namespace cf::app
