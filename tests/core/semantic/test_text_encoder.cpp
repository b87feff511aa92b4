// TextEncoder: tokenises in the core, sends the encoder's two int32 inputs, returns unit rows.
// The model itself runs in ONNX Runtime Web (tests/js/text_model.test.mjs checks its parity with
// TF.js); here a fake Embedder checks the request and answers.
#include <gtest/gtest.h>

#include <cmath>

#include "core/semantic/text_encoder.h"
#include "test_util.h"

using namespace cf;
using namespace cf::semantic;

namespace {

std::string vocab_path() { return cf::test::test_data_dir() + "/../../models/use-lite/vocab.txt"; }

struct FakeEmbedder : Embedder {
    ModelRequest last;
    bool fail = false;
    void run(ModelRequest r, ModelCallback done) override {
        last = r;
        if (fail) {
            done(Status(ErrorCode::io, "model use-lite: broken"));
            return;
        }
        // One row per sentence: a vector along axis = sentence index, scaled by 3 (the encoder renormalises).
        int64_t rows = 0;
        for (int32_t i = 0; i + 1 < int32_t(r.inputs[0].i32.size()); i += 2) rows = std::max<int64_t>(rows, r.inputs[0].i32[size_t(i)] + 1);
        ModelTensor t;
        t.shape = {rows, int64_t(kTextDim)};
        t.values.assign(size_t(rows) * kTextDim, 0.0f);
        for (int64_t i = 0; i < rows; ++i) t.values[size_t(i) * kTextDim + size_t(i)] = 3.0f;
        done(ModelOutputs{{"embedding", t}});
    }
};

}  // namespace

TEST(TextEncoder, SendsTokenIndicesAndIdsAndReturnsUnitRows) {
    auto tok = text::SentencePieceTokenizer::load(vocab_path());
    if (!tok) GTEST_SKIP() << "no " << vocab_path();
    const auto ids0 = tok->encode("calm piano");
    const auto ids1 = tok->encode("rainy evening");
    FakeEmbedder fake;
    TextEncoder enc(fake, std::move(*tok));
    std::vector<float> got;
    enc.encode({"calm piano", "rainy evening"}, [&](Result<std::vector<float>> r) {
        ASSERT_TRUE(r.is_ok()) << r.status().message();
        got = *r;
    });
    ASSERT_EQ(fake.last.model, "use-lite");
    ASSERT_EQ(fake.last.inputs.size(), 2u);
    const ModelInput& idx = fake.last.inputs[0];
    const ModelInput& val = fake.last.inputs[1];
    EXPECT_EQ(idx.name, "indices");
    EXPECT_EQ(val.name, "values");
    EXPECT_EQ(idx.type, ModelInput::Type::int32);
    const int64_t n = int64_t(ids0->size() + ids1->size());
    EXPECT_EQ(idx.shape, (std::vector<int64_t>{n, 2}));
    EXPECT_EQ(val.shape, (std::vector<int64_t>{n}));
    // Values: the ids of both sentences in order; indices: (sentence, position).
    std::vector<int32_t> want = *ids0;
    want.insert(want.end(), ids1->begin(), ids1->end());
    EXPECT_EQ(val.i32, want);
    EXPECT_EQ(idx.i32[0], 0);
    EXPECT_EQ(idx.i32[1], 0);
    EXPECT_EQ(idx.i32[size_t(2 * ids0->size())], 1);
    EXPECT_EQ(idx.i32[size_t(2 * ids0->size() + 1)], 0);
    ASSERT_EQ(got.size(), 2 * kTextDim);
    EXPECT_FLOAT_EQ(got[0], 1.0f);
    EXPECT_FLOAT_EQ(got[kTextDim + 1], 1.0f);
}

TEST(TextEncoder, RefusesEmptyInputAndPassesModelErrors) {
    auto tok = text::SentencePieceTokenizer::load(vocab_path());
    if (!tok) GTEST_SKIP() << "no " << vocab_path();
    FakeEmbedder fake;
    TextEncoder enc(fake, std::move(*tok));
    std::string message;
    enc.encode({}, [&](Result<std::vector<float>> r) { message = r.status().message(); });
    EXPECT_NE(message.find("no sentences"), std::string::npos) << message;
    enc.encode({"piano", ""}, [&](Result<std::vector<float>> r) { message = r.status().message(); });
    EXPECT_NE(message.find("is empty"), std::string::npos) << message;
    enc.encode({"bad \xff utf-8"}, [&](Result<std::vector<float>> r) { message = r.is_ok() ? "" : r.status().message(); });
    EXPECT_NE(message.find("bad"), std::string::npos) << "names the sentence: " << message;
    fake.fail = true;
    enc.encode({"piano"}, [&](Result<std::vector<float>> r) { message = r.status().message(); });
    EXPECT_NE(message.find("broken"), std::string::npos) << message;
}

TEST(TextEncoder, NormalizedMeanWeighsRows) {
    const float rows[] = {1, 0, 0, 1};
    auto m = normalized_mean(rows, 2, 2);
    EXPECT_NEAR(m[0], std::sqrt(0.5f), 1e-6f);
    EXPECT_NEAR(m[1], std::sqrt(0.5f), 1e-6f);
    const float w[] = {3, 0};
    m = normalized_mean(rows, 2, 2, w);
    EXPECT_NEAR(m[0], 1.0f, 1e-6f);
    EXPECT_NEAR(m[1], 0.0f, 1e-6f);
    const float zero[] = {0, 0};
    m = normalized_mean(zero, 1, 2);
    EXPECT_EQ(m[0], 0.0f);
}
