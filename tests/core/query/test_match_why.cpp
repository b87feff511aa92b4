// MatchExplainer on a catalog where one concept is everywhere ("electronic") and others are rare:
// the explanation names what is unusual and shared, and what differs, not what every track has.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/query/match_why.h"
#include "core/query/query_test_util.h"

#include <algorithm>

using namespace cf;
using namespace cf::query;

namespace {

// 20 tracks: all electronic (0.85..0.95); piano on tracks 0-5, drums on 6-9, sad on 0-2 and 10-11.
Catalog make_catalog() {
    CatalogBuilder b(2, "test-2d");
    EXPECT_TRUE(b.set_tag_labels({"msd:electronic", "mtt:electronic", "mtt:piano", "mtt:drums", "msd:sad"}));
    for (int t = 0; t < 20; ++t) {
        TrackMeta m;
        m.id = "t" + std::to_string(t);
        m.moods[0] = t >= 15 ? 0.9f : 0.1f;  // happy
        const float e[2] = {std::cos(0.3f * float(t)), std::sin(0.3f * float(t))};
        const float p[5] = {0.85f + 0.005f * float(t), 0.9f, t < 6 ? 0.8f : 0.05f, (t >= 6 && t < 10) ? 0.7f : 0.05f,
                            (t < 3 || t == 10 || t == 11) ? 0.6f : 0.05f};
        EXPECT_TRUE(b.add_track(m, e, p));
    }
    return test::open_built(b);
}

struct MatchWhyOnCatalog : testing::Test {
    Catalog cat = make_catalog();
    MatchExplainer why{cat};
    MatchWhy explain(uint32_t q, uint32_t r) const { return why.explain(why.track_values(q), why.track_values(r)); }
};

}  // namespace

TEST_F(MatchWhyOnCatalog, NamesSharedRareConceptsNotTheCatalogWideOne) {
    const MatchWhy w = explain(0, 1);  // both piano + sad + electronic
    EXPECT_EQ(w.shared, (std::vector<std::string>{"sad", "piano"}));  // the rarer first
    EXPECT_TRUE(w.more.empty());
    EXPECT_TRUE(w.less.empty());
    EXPECT_EQ(w.text(), "both: sad, piano");
}

TEST_F(MatchWhyOnCatalog, NamesWhatDiffersBothWays) {
    const MatchWhy w = explain(0, 7);  // piano + sad → drums
    EXPECT_TRUE(w.shared.empty());
    EXPECT_EQ(w.more, (std::vector<std::string>{"drums"}));
    EXPECT_EQ(w.less.size(), 2u);
    EXPECT_NE(std::find(w.less.begin(), w.less.end(), "piano"), w.less.end());
    EXPECT_EQ(w.text(), "more: drums · less: " + w.less[0] + ", " + w.less[1]);
}

TEST_F(MatchWhyOnCatalog, RowsOfOneQueryReadDifferently) {
    const std::string a = explain(0, 1).text(), b = explain(0, 10).text(), c = explain(0, 15).text();
    EXPECT_NE(a, b);
    EXPECT_NE(b, c);
    EXPECT_EQ(b, "both: sad · less: piano");
    EXPECT_NE(c.find("more: happy"), std::string::npos) << c;
}

TEST_F(MatchWhyOnCatalog, UnknownValuesCountAsTheMeanAndWrongSizesGiveNothing) {
    const std::vector<float> q = why.values_of([](std::string_view) { return std::numeric_limits<float>::quiet_NaN(); });
    EXPECT_EQ(why.explain(q, why.track_values(0)).shared.size(), 0u);
    EXPECT_EQ(why.explain(std::vector<float>(2, 0.5f), why.track_values(0)).text(), "");
}

TEST_F(MatchWhyOnCatalog, AnOutsideItemByKeyAndShortWords) {
    ASSERT_EQ(why.n_concepts(), 10u);  // 5 tags + 5 moods
    EXPECT_EQ(why.keys()[2], "mtt:piano");
    EXPECT_EQ(why.keys()[5], "mood:happy");
    const std::vector<float> file = why.values_of([](std::string_view key) {
        return key == "mtt:piano" || key == "msd:sad" ? 0.9f : key == "mood:happy" ? 0.1f : 0.05f;
    });
    const MatchWhy w = why.explain(file, why.track_values(7));  // drums
    EXPECT_EQ(w.words(), (std::vector<std::string>{"more drums", "less sad", "less piano"}));
}

TEST(MatchWhyWords, OneTopicIsNamedOnce) {
    CatalogBuilder b(2, "test-2d");
    ASSERT_TRUE(b.set_tag_labels({"mtt:female", "mtt:woman", "msd:female vocalists", "mtt:piano"}));
    for (int t = 0; t < 10; ++t) {
        TrackMeta m;
        m.id = "t" + std::to_string(t);
        const float e[2] = {std::cos(0.3f * float(t)), std::sin(0.3f * float(t))};
        const float v = t < 3 ? 0.9f : 0.05f;
        const float p[4] = {v, v, v, t < 3 ? 0.8f : 0.1f};
        ASSERT_TRUE(b.add_track(m, e, p));
    }
    const Catalog cat = test::open_built(b);
    const MatchExplainer why(cat);
    const MatchWhy w = why.explain(why.track_values(0), why.track_values(1));
    ASSERT_EQ(w.shared.size(), 2u) << w.text();
    EXPECT_EQ(w.shared[1], "piano");
    EXPECT_NE(w.shared[0].find("female"), std::string::npos);
}
