// The concept vocabulary: words for model labels, prompts, ImageNet names, label lists.
#include <gtest/gtest.h>

#include "core/semantic/concepts.h"

using namespace cf::semantic;

TEST(Concepts, WordsCleanLabelsASentenceEncoderWouldMisread) {
    EXPECT_EQ(concept_words("msd", "00s"), "2000s");
    EXPECT_EQ(concept_words("msd", "Hip-Hop"), "hip-hop");
    EXPECT_EQ(concept_words("msd", "Mellow"), "mellow");  // unknown: lower-cased
    EXPECT_EQ(concept_words("mtt", "no vocals"), "instrumental");
    EXPECT_EQ(concept_words("mtt", "no voice"), "instrumental");
    EXPECT_EQ(concept_words("mtt", "piano"), "piano");
    // The same label in another set is not rewritten by that set's rule.
    EXPECT_EQ(concept_words("msd", "classic"), "classic");
}

TEST(Concepts, AudioConceptsListMsdThenMttThenMoods) {
    const std::vector<std::string> msd = {"rock", "00s"}, mtt = {"piano", "no vocal"};
    const auto c = audio_concepts(msd, mtt);
    ASSERT_EQ(c.size(), 2u + 2u + 5u);
    EXPECT_EQ(c[0].key(), "msd:rock");
    EXPECT_EQ(c[1].words, "2000s");
    EXPECT_EQ(c[2].key(), "mtt:piano");
    EXPECT_EQ(c[3].words, "instrumental");
    EXPECT_EQ(c[4].key(), "mood:happy");
    EXPECT_EQ(c[6].words, "relaxed, calm");
    EXPECT_EQ(c[8].key(), "mood:danceable");
}

TEST(Concepts, PromptsFillTheTemplates) {
    const auto p = concept_prompts({"mtt", "piano", "piano"});
    ASSERT_FALSE(p.empty());
    for (const std::string& s : p) EXPECT_NE(s.find("piano"), std::string::npos) << s;
    const auto q = query_prompts("  calm piano \n");
    ASSERT_FALSE(q.empty());
    for (const std::string& s : q) {
        EXPECT_NE(s.find("calm piano"), std::string::npos) << s;
        EXPECT_EQ(s.find('\n'), std::string::npos) << "trimmed";
    }
}

TEST(Concepts, ImagenetWordsTakeTheFirstName) {
    EXPECT_EQ(imagenet_words("seashore, coast, seacoast, sea-coast"), "seashore");
    EXPECT_EQ(imagenet_words("grand piano"), "grand piano");
    EXPECT_EQ(imagenet_words("  drilling_platform, offshore rig"), "drilling platform");
}

TEST(Concepts, SplitLabelsTrimsAndDropsEmptyParts) {
    EXPECT_EQ(split_labels("piano, waltz , rainy evening"), (std::vector<std::string>{"piano", "waltz", "rainy evening"}));
    EXPECT_EQ(split_labels(" , ,piano,,"), (std::vector<std::string>{"piano"}));
    EXPECT_TRUE(split_labels("").empty());
    EXPECT_EQ(split_labels("a,b,c,d", 2).size(), 2u);
}

// ---- image → query pieces (core/semantic/image_query.h) -------------------------------------------
#include "core/semantic/image_query.h"

TEST(ImageQuery, RequestIsA224SquareOfBytes) {
    cf::Image img;
    img.width_px = 640;
    img.height_px = 480;
    img.rgb.assign(img.n_pixels() * 3, 200);
    const cf::ModelRequest r = image_model_request(img);
    EXPECT_EQ(r.model, "mobilenet-v2");
    ASSERT_EQ(r.inputs.size(), 1u);
    EXPECT_EQ(r.inputs[0].name, "image");
    EXPECT_EQ(r.inputs[0].type, cf::ModelInput::Type::uint8);
    EXPECT_EQ(r.inputs[0].shape, (std::vector<int64_t>{1, 224, 224, 3}));
    EXPECT_EQ(r.inputs[0].u8.size(), size_t(224 * 224 * 3));
    EXPECT_EQ(r.inputs[0].u8[1000], 200);
    EXPECT_EQ(r.outputs, (std::vector<std::string>{"probabilities"}));
}

TEST(ImageQuery, TopClassesSkipBackgroundAndCheckSizes) {
    const std::vector<std::string> labels = {"background", "tench, Tinca tinca", "seashore, coast", "sandbar, sand bar"};
    cf::ModelOutputs out;
    out["probabilities"].values = {0.9f, 0.01f, 0.6f, 0.3f};
    out["probabilities"].shape = {1, 4};
    auto top = top_image_classes(out, labels, 2);
    ASSERT_TRUE(top.is_ok());
    ASSERT_EQ(top->size(), 2u);
    EXPECT_EQ((*top)[0].words, "seashore");
    EXPECT_EQ((*top)[1].words, "sandbar");
    cf::ColourFeel feel;
    feel.description = "bright, calm";
    EXPECT_EQ(image_explanation(*top, feel), "sees: seashore, sandbar; feels: bright, calm");
    out["probabilities"].values.pop_back();
    auto bad = top_image_classes(out, labels, 2);
    ASSERT_FALSE(bad.is_ok());
    EXPECT_NE(bad.status().message().find("3 class probabilities for 4 labels"), std::string::npos);
    EXPECT_FALSE(top_image_classes({}, labels).is_ok());
}

TEST(ImageQuery, FeelWeighsTheMoodConcepts) {
    const std::vector<std::string> msd = {"rock"}, mtt = {"piano"};
    const auto concepts = audio_concepts(msd, mtt);
    cf::ColourFeel feel;
    feel.moods = {0.8f, 0.2f, 0.7f, 0.3f, 0.5f};  // happy, sad, relaxed, aggressive, danceable
    const auto w = feel_weights(concepts, feel);
    ASSERT_EQ(w.size(), 5u);
    EXPECT_EQ(concepts[w[0].index].label, "happy");
    EXPECT_FLOAT_EQ(w[0].weight, 1.0f);
    EXPECT_FLOAT_EQ(w[1].weight, -1.0f);   // sad: less of
    EXPECT_NEAR(w[2].weight, 0.2f / 0.3f, 1e-6f);
    EXPECT_FLOAT_EQ(w[4].weight, 0.0f);
    feel.moods = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
    EXPECT_TRUE(feel_weights(concepts, feel).empty());
}
