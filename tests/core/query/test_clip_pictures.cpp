// Shots → picture queries: which shots are classified (the longest first, capped) and the errors of
// the pipeline before any model runs. The model path itself is covered by test_picture_query.cpp.
#include <gtest/gtest.h>

#include <optional>

#include "core/query/clip_pictures.h"

using namespace cf;
using namespace cf::query;

namespace {

ClipReading clip_with_shots(const std::vector<double>& lengths_s) {
    ClipReading c;
    double t = 0;
    for (double len : lengths_s) {
        c.shots.push_back({t, t + len, 0.1f, std::nullopt});
        t += len;
    }
    c.duration_s = t;
    return c;
}

constexpr const char* kVocab = "<unk>\t0\n<s>\t0\n</s>\t0\nx1\t0\nx2\t0\nx3\t0\n\u2581a\t-1\n";

class NoModel final : public Embedder {
public:
    int calls = 0;
    void run(ModelRequest, ModelCallback done) override {
        ++calls;
        done(Status(ErrorCode::unsupported_format, "no model here"));
    }
};

}  // namespace

TEST(ClipPictures, TheLongestShotsAreClassifiedFirstUpToTheCap) {
    const ClipReading c = clip_with_shots({1.0, 5.0, 2.0, 5.0, 0.5});
    EXPECT_EQ(shots_to_classify(c, 3), (std::vector<size_t>{1, 3, 2}));
    EXPECT_EQ(shots_to_classify(c, 100).size(), 5u);
    EXPECT_TRUE(shots_to_classify(ClipReading{}, 3).empty());
}

// A clip of two shots and a text search whose model always fails (nothing here may reach it).
struct ClipPicturesTest : testing::Test {
    std::shared_ptr<ClipReading> c = std::make_shared<ClipReading>(clip_with_shots({2.0, 3.0}));
    NoModel model;
    std::optional<semantic::SemanticSearch> search;
    void SetUp() override {
        auto tok = text::SentencePieceTokenizer::from_vocab_text(kVocab);
        ASSERT_TRUE(tok.is_ok()) << tok.status().message();
        search.emplace(model, std::move(*tok));
    }
};

TEST_F(ClipPicturesTest, KeyframesThatDoNotMatchTheShotsAreAnErrorBeforeAnyModelRuns) {
    Status got = Status::ok();
    int calls = 0;
    read_shot_pictures(c, std::vector<Image>(1), {"a"}, model, *search, {}, nullptr, [&](Status s) { got = s, ++calls; });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(got.code(), ErrorCode::invalid_argument);
    EXPECT_NE(got.message().find("1 keyframes for 2 shots"), std::string::npos) << got.message();
    EXPECT_EQ(model.calls, 0);
}

TEST_F(ClipPicturesTest, AnEmptyKeyframeIsNamedByItsShot) {
    Status got = Status::ok();
    read_shot_pictures(c, std::vector<Image>(2), {"a"}, model, *search, {}, nullptr, [&](Status s) { got = s; });
    EXPECT_NE(got.message().find("shot 2 (2.0 s): no keyframe"), std::string::npos) << got.message();
}
