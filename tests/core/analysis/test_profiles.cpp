// Analysis profiles: the values each front end relied on before they moved here (src/cli/catalog/build.mjs,
// src/app/session, src/cli/analyze.mjs), validation, caps by model kind, JSON.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/analysis/profiles.h"

namespace {

cf::AnalysisProfile get(const char* name) {
    auto p = cf::analysis_profile(name);
    EXPECT_TRUE(p.is_ok()) << p.status().message();
    return p.is_ok() ? *p : cf::AnalysisProfile{};
}

std::vector<cf::AudioModel> slots() {
    std::vector<cf::AudioModel> m(4);
    m[0].key = "msd", m[0].has_embedding = true;
    m[1].key = "mtt";
    m[2].key = "happy", m[2].role = cf::ModelRole::mood;
    m[3].key = "danceable", m[3].role = cf::ModelRole::mood, m[3].max_patches = 99;  // overridden
    return m;
}

TEST(AnalysisProfiles, NamesAreFixedAndEachValidates) {
    EXPECT_EQ(cf::analysis_profile_names(), (std::vector<std::string>{"catalog", "query", "detailed", "quick", "catalog-extra"}));
    for (const std::string& n : cf::analysis_profile_names()) {
        cf::AnalysisProfile p = get(n.c_str());
        EXPECT_EQ(p.name, n);
        EXPECT_TRUE(cf::validate(p).is_ok()) << cf::validate(p).message();
        EXPECT_EQ(p.options.decode.resample_quality, cf::ResampleQuality::best) << n;
        EXPECT_EQ(p.max_patches.embedding_model, 0) << n;
    }
}

TEST(AnalysisProfiles, CatalogIsEightSpreadWindows) {
    cf::AnalysisProfile p = get("catalog");
    EXPECT_EQ(p.options.full_track_max_s, 0.0);
    EXPECT_EQ(p.options.n_windows, 8);
    EXPECT_EQ(p.options.window_patches, 1);
    EXPECT_EQ(p.max_patches.tag_models, 0);  // mtt on every window, its embedding kept per window
    EXPECT_EQ(p.options.extra_outputs, (std::vector<std::string>{"embedding"}));
    EXPECT_EQ(p.max_patches.mood_models, 2);
}

TEST(AnalysisProfiles, QueryIsSixteenSpreadWindows) {
    cf::AnalysisProfile p = get("query");
    EXPECT_EQ(p.options.full_track_max_s, 0.0);
    EXPECT_EQ(p.options.n_windows, 16);
    EXPECT_EQ(p.options.window_patches, 1);
    EXPECT_EQ(p.max_patches.tag_models, 8);
    EXPECT_EQ(p.max_patches.mood_models, 4);
}

TEST(AnalysisProfiles, DetailedIsTheOptionsDefaults) {
    cf::AnalysisProfile p = get("detailed");
    const cf::AnalysisOptions d;
    EXPECT_EQ(p.options.full_track_max_s, d.full_track_max_s);
    EXPECT_EQ(p.options.full_track_max_s, 360.0);
    EXPECT_EQ(p.options.n_windows, d.n_windows);
    EXPECT_EQ(p.options.window_patches, d.window_patches);
    EXPECT_EQ(p.options.max_batch_patches, d.max_batch_patches);
    EXPECT_EQ(p.options.decode.resample_quality, d.decode.resample_quality);
    EXPECT_EQ(p.max_patches.tag_models, 8);
    EXPECT_EQ(p.max_patches.mood_models, 8);
}

TEST(AnalysisProfiles, QuickIsFourWindowsWithoutTempoOrLoudness) {
    cf::AnalysisProfile p = get("quick");
    EXPECT_EQ(p.options.full_track_max_s, 0.0);
    EXPECT_EQ(p.options.n_windows, 4);
    EXPECT_EQ(p.options.window_patches, 1);
    EXPECT_FALSE(p.options.tempo);
    EXPECT_FALSE(p.options.loudness);
    EXPECT_EQ(p.max_patches.embedding_model, 0);
    EXPECT_EQ(p.max_patches.tag_models, 1);
    EXPECT_EQ(p.max_patches.mood_models, 1);
    for (const char* other : {"catalog", "query", "detailed"}) {
        EXPECT_TRUE(get(other).options.tempo) << other;
        EXPECT_TRUE(get(other).options.loudness) << other;
    }
}

TEST(AnalysisProfiles, CatalogExtraIsTheCatalogWindowsWithEmbeddingsPerPatch) {
    cf::AnalysisProfile p = get("catalog-extra");
    const cf::AnalysisProfile c = get("catalog");
    EXPECT_EQ(p.options.full_track_max_s, c.options.full_track_max_s);
    EXPECT_EQ(p.options.n_windows, c.options.n_windows);
    EXPECT_EQ(p.options.window_patches, c.options.window_patches);
    EXPECT_EQ(p.max_patches.tag_models, 0);  // mtt on every window, like msd
    EXPECT_EQ(p.options.extra_outputs, (std::vector<std::string>{"embedding", "embedding_linear"}));
    for (const char* other : {"query", "detailed", "quick"}) EXPECT_TRUE(get(other).options.extra_outputs.empty()) << other;
    EXPECT_NE(cf::analysis_profile_json(p).find("\"extra_outputs\":[\"embedding\",\"embedding_linear\"]"), std::string::npos);
    EXPECT_NE(cf::analysis_profile_json(c).find("\"extra_outputs\":[\"embedding\"]"), std::string::npos);
}

TEST(AnalysisProfiles, UnknownNameListsTheKnownOnes) {
    for (const char* bad : {"", "Catalog", "Quick", "catalog "}) {
        auto p = cf::analysis_profile(bad);
        ASSERT_FALSE(p.is_ok()) << bad;
        EXPECT_EQ(p.status().code(), cf::ErrorCode::invalid_argument);
        EXPECT_EQ(p.status().message(),
                  "unknown analysis profile \"" + std::string(bad) + "\" (known: catalog, query, detailed, quick, catalog-extra)");
    }
}

TEST(AnalysisProfiles, ValidateNamesProfileFieldAndValue) {
    cf::AnalysisProfile p = get("query");
    p.options.n_windows = 0;
    EXPECT_EQ(cf::validate(p).message(), "analysis profile 'query': AnalysisOptions: n_windows must be in [1, 1000] (got 0)");
    p = get("catalog");
    p.max_patches.mood_models = -1;
    EXPECT_EQ(cf::validate(p).message(), "analysis profile 'catalog': max_patches.mood must be in [0, 100000] (got -1)");
    p = get("catalog");
    p.max_patches.tag_models = 100001;
    EXPECT_FALSE(cf::validate(p).is_ok());
    p.name.clear();
    EXPECT_EQ(cf::validate(p).message(), "analysis profile: the name is empty");
}

TEST(AnalysisProfiles, CapsGoByModelKind) {
    std::vector<cf::AudioModel> m = cf::with_profile_caps(get("catalog"), slots());
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m[0].max_patches, 0);  // the embedding model sees every patch
    EXPECT_EQ(m[1].max_patches, 0);
    EXPECT_EQ(m[2].max_patches, 2);
    EXPECT_EQ(m[3].max_patches, 2);
    m = cf::with_profile_caps(get("query"), slots());
    EXPECT_EQ(m[1].max_patches, 8);
    EXPECT_EQ(m[3].max_patches, 4);
    EXPECT_EQ(m[3].key, "danceable");  // the rest of the slot is kept
}

TEST(AnalysisProfiles, JsonHasEveryField) {
    EXPECT_EQ(cf::analysis_profile_json(get("catalog")),
              "{\"name\":\"catalog\",\"full_track_max_s\":0,\"n_windows\":8,\"window_patches\":1,\"max_batch_patches\":16,"
              "\"tempo\":true,\"loudness\":true,\"waveform_points\":1200,\"weight_by_real_frames\":false,"
              "\"resample_quality\":\"best\",\"extra_outputs\":[\"embedding\"],"
              "\"max_patches\":{\"embedding\":0,\"tags\":0,\"mood\":2}}");
    cf::AnalysisProfile p = get("detailed");
    p.options.decode.resample_quality = cf::ResampleQuality::medium;
    p.options.tempo = false;
    const std::string json = cf::analysis_profile_json(p);
    EXPECT_NE(json.find("\"full_track_max_s\":360,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"resample_quality\":\"medium\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"tempo\":false"), std::string::npos) << json;
}

}  // namespace
