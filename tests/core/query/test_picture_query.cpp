// prepare_picture: a fake Embedder answers both model runs at once. The image model says which
// classes it sees; the sentence encoder puts sentence i on axis i, so concept j's prompts and the
// words of class j (same number of prompt templates) land on the same axes: class j's words ARE
// concept j, and "sees" must weigh the concepts as the classes' probabilities do.
#include <gtest/gtest.h>

#include "core/query/picture_query.h"
#include "core/semantic/concepts.h"
#include "core/semantic/text_encoder.h"
#include "test_util.h"

using namespace cf;
using namespace cf::query;
namespace sem = cf::semantic;

namespace {

std::string vocab_path() { return cf::test::test_data_dir() + "/../../models/use-lite/vocab.txt"; }

constexpr size_t kTracks = 10;

std::vector<std::string> labels() {  // background + 4 classes
    return {"background", "seashore, coast", "dishwasher, dish washer", "church, church building", "tabby, tabby cat"};
}

struct FakeEmbedder : Embedder {
    std::vector<float> probabilities = {0.0f, 0.1f, 0.6f, 0.25f, 0.05f};
    bool fail_image = false;
    int n_runs = 0;
    void run(ModelRequest r, ModelCallback done) override {
        ++n_runs;
        if (r.model == "mobilenet-v2") {
            if (fail_image) return done(Status(ErrorCode::io, "model mobilenet-v2: broken"));
            return done(ModelOutputs{{"probabilities", {probabilities, {1, int64_t(probabilities.size())}}}});
        }
        int64_t rows = 0;  // one row per sentence, along axis = sentence index
        for (size_t i = 0; i + 1 < r.inputs[0].i32.size(); i += 2) rows = std::max<int64_t>(rows, r.inputs[0].i32[i] + 1);
        ModelTensor t{std::vector<float>(size_t(rows) * sem::kTextDim, 0.0f), {rows, int64_t(sem::kTextDim)}};
        for (int64_t i = 0; i < rows; ++i) t.values[size_t(i) * sem::kTextDim + size_t(i)] = 1.0f;
        done(ModelOutputs{{"embedding", t}});
    }
};

// The picture's best three classes are dishwasher (0.6), church (0.25), seashore (0.1): concept j is
// the words of the j-th best class.
std::vector<sem::Concept> concepts() {
    return {{"mtt", "a", "dishwasher"}, {"mtt", "b", "church"}, {"mtt", "c", "seashore"}, {"mood", "happy", "happy"}};
}

Image grey(uint8_t level) {
    Image img;
    img.width_px = img.height_px = 16;
    img.rgb.assign(16 * 16 * 3, level);
    return img;
}

struct PictureFixture : testing::Test {
    FakeEmbedder fake;
    std::optional<sem::SemanticSearch> search;
    void SetUp() override {
        auto tok = text::SentencePieceTokenizer::load(vocab_path());
        if (!tok) GTEST_SKIP() << "no " << vocab_path();
        search.emplace(fake, std::move(*tok));
        std::vector<float> values;
        for (size_t t = 0; t < kTracks; ++t)
            for (size_t j = 0; j < concepts().size(); ++j) values.push_back(float((t * (j + 2)) % 7) / 7.0f);
        Status attached = Status(ErrorCode::io, "not called");
        search->attach_values(concepts(), values, kTracks, {}, 0, [&](Status s) { attached = s; });
        ASSERT_TRUE(attached) << attached.message();
    }
    Result<PictureQuery> prepare(const Image& img, std::function<bool()> wanted = nullptr) {
        Result<PictureQuery> got = Status(ErrorCode::io, "done not called");
        PictureOptions o;
        o.method = sem::TextMethod::bridge;
        prepare_picture(img, "grey.png", labels(), fake, *search, o, std::move(wanted), [&](Result<PictureQuery> p) { got = std::move(p); });
        return got;
    }
};

}  // namespace

TEST_F(PictureFixture, ClassesBecomeSeesAndColoursBecomeFeels) {
    auto p = prepare(grey(90));
    ASSERT_TRUE(p) << p.status().message();
    EXPECT_EQ(p->name, "grey.png");
    ASSERT_EQ(p->classes.size(), 3u);
    EXPECT_EQ(p->classes[0].words, "dishwasher");
    EXPECT_EQ(p->classes[1].words, "church");
    EXPECT_EQ(p->classes[2].words, "seashore");
    ASSERT_TRUE(p->sees);
    ASSERT_FALSE(p->sees->weights.empty());
    EXPECT_EQ(p->sees->weights[0].index, 0u) << "the most probable class's concept weighs most";
    EXPECT_EQ(p->sees->scores.size(), kTracks);
    EXPECT_EQ(p->explanation().rfind("sees: dishwasher, church, seashore", 0), 0u) << p->explanation();
    // A dark grey picture feels something (sombre, calm): the mood concept is weighted.
    EXPECT_FALSE(p->feel.description.empty());
    ASSERT_TRUE(p->feels);
    ASSERT_EQ(p->feels->weights.size(), 1u);
    EXPECT_EQ(p->feels->weights[0].index, 3u);
}

TEST_F(PictureFixture, ErrorsComeThroughDoneAndAReplacedPictureStopsQuietly) {
    fake.fail_image = true;
    auto p = prepare(grey(90));
    ASSERT_FALSE(p);
    EXPECT_NE(p.status().message().find("mobilenet-v2: broken"), std::string::npos);
    fake.fail_image = false;
    Result<PictureQuery> none = Status(ErrorCode::io, "done not called");
    prepare_picture(grey(90), "x", {}, fake, *search, {}, nullptr, [&](Result<PictureQuery> r) { none = std::move(r); });
    ASSERT_FALSE(none);
    EXPECT_NE(none.status().message().find("labels"), std::string::npos);
    // still_wanted false after the image model: the chain stops, done is never called.
    const int runs = fake.n_runs;
    auto stopped = prepare(grey(90), [] { return false; });
    ASSERT_FALSE(stopped);
    EXPECT_EQ(stopped.status().message(), "done not called");
    EXPECT_EQ(fake.n_runs, runs + 1) << "the sentence encoder was not asked";
    // Bytes that are no picture.
    const std::vector<uint8_t> junk = {1, 2, 3, 4};
    Result<PictureQuery> bad = Status(ErrorCode::io, "done not called");
    prepare_picture(junk, "junk.bin", labels(), fake, *search, {}, nullptr, [&](Result<PictureQuery> r) { bad = std::move(r); });
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.status().message(), "done not called");
}
