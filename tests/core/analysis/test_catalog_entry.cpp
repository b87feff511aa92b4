// A catalog track from an analysis's JSON and the track's own fields: which field wins, text on one
// line, numbers, the summary (top tags, moods, segment from the windows), unit embedding, TAGP order,
// and errors that name the track.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/analysis/catalog_entry.h"

namespace {

// A 100 s track analysed through 3 one-patch windows (at 10, 50, 90 s); patch 1 points like the mean.
const char* kAnalysis = R"({"file":"/music/My_Song--live.MP3","duration_s":100.5,"metadata":{"title":"","artist":"Tag Artist",
 "copyright":"(c) someone","genre":"Rock"},"complete":false,"windows":[[10,2.992],[50,2.992],[90,2.992]],"n_patches":3,
 "tags":{"msd":{"rock":0.5,"pop":0.75,"jazz":0.5},"mtt":{"piano":0.25}},"moods":{"sad":0.125,"danceable":0.875,"other":1},
 "embedding":{"model":"msd-musicnn-1","dim":2,"values":[3,4],"per_patch":[1,0, 3,4, 0,1]},
 "bpm":0.00,"bpm_confidence":0,"loudness_lufs":null})";

cf::JsonValue json(const std::string& text) {
    auto v = cf::parse_json(text);
    EXPECT_TRUE(v.is_ok()) << v.status().message();
    return v.is_ok() ? *v : cf::JsonValue{};
}

const std::vector<std::string> kLabels = {"msd:rock", "msd:pop", "msd:jazz", "mtt:piano"};

cf::CatalogEntry entry(const std::string& track, const std::string& analysis = kAnalysis) {
    auto e = cf::catalog_entry(json(analysis), json(track), kLabels);
    EXPECT_TRUE(e.is_ok()) << e.status().message();
    return e.is_ok() ? *e : cf::CatalogEntry{};
}

TEST(CatalogEntry, TheTracksFieldsWinThenTheFilesTagsThenItsName) {
    cf::TrackMeta m = entry(R"({"id":"a","file_name":"My_Song--live.MP3","source":"Debian\tpkg","path":"x/My_Song--live.MP3"})").meta;
    EXPECT_EQ(m.id, "a");
    EXPECT_EQ(m.title, "My Song live");  // empty title tag: the file name, extension off, _ and - runs as spaces
    EXPECT_EQ(m.artist, "Tag Artist");
    EXPECT_EQ(m.genre, "Rock");
    EXPECT_EQ(m.source, "Debian pkg");  // on one line
    EXPECT_EQ(m.license, "(c) someone");  // the copyright tag when there is no license
    EXPECT_EQ(m.attribution, "My Song live \xE2\x80\x94 Tag Artist \xE2\x80\x94 Debian pkg");  // no license tag: no license part
    EXPECT_EQ(m.path, "x/My_Song--live.MP3");
    m = entry(R"({"id":"b","title":"  Given\n\nTitle ","artist":"Given Artist","license":"CC0","attribution":"Given attribution"})").meta;
    EXPECT_EQ(m.title, "Given Title");
    EXPECT_EQ(m.artist, "Given Artist");
    EXPECT_EQ(m.license, "CC0");
    EXPECT_EQ(m.attribution, "Given attribution");
}

TEST(CatalogEntry, NumbersSummaryEmbeddingAndTagProbabilities) {
    cf::CatalogEntry e = entry(R"({"id":"a","preview":"p.opus"})");
    EXPECT_FLOAT_EQ(e.meta.duration_s, 100.5f);
    EXPECT_TRUE(std::isnan(e.meta.bpm)) << "bpm 0 means no tempo";
    EXPECT_TRUE(std::isnan(e.meta.bpm_confidence));
    EXPECT_TRUE(std::isnan(e.meta.loudness_lufs));
    ASSERT_EQ(e.meta.top_tags.size(), 3u);
    EXPECT_EQ(e.meta.top_tags[0].label, "pop");
    EXPECT_EQ(e.meta.top_tags[1].label, "rock");  // ties keep label order
    EXPECT_FLOAT_EQ(e.meta.moods[1], 0.125f);
    EXPECT_FLOAT_EQ(e.meta.moods[4], 0.875f);
    EXPECT_TRUE(std::isnan(e.meta.moods[0]));
    EXPECT_FLOAT_EQ(e.meta.segment_start_s, 36.496f);  // centred on the window at 50 s
    EXPECT_FLOAT_EQ(e.meta.segment_duration_s, 30.0f);
    EXPECT_EQ(e.meta.preview, "p.opus");
    ASSERT_EQ(e.embedding.size(), 2u);
    EXPECT_FLOAT_EQ(e.embedding[0], 0.6f);
    EXPECT_FLOAT_EQ(e.embedding[1], 0.8f);
    EXPECT_EQ(e.tag_probs, (std::vector<float>{0.5f, 0.75f, 0.5f, 0.25f}));
    std::string with_bpm = kAnalysis;
    with_bpm.replace(with_bpm.find("\"bpm\":0.00"), 10, "\"bpm\":120.5");
    EXPECT_FLOAT_EQ(entry(R"({"id":"a"})", with_bpm).meta.bpm, 120.5f);
}

TEST(CatalogEntry, TimelineFromBeatsCurvesAndPatches) {
    std::string a = kAnalysis;
    const std::string no_tempo = R"("bpm":0.00,"bpm_confidence":0)";
    a.replace(a.find(no_tempo), no_tempo.size(),
              R"("bpm":120,"bpm_confidence":0.75,"beats_s":[0.25,0.75,1.25],"energy":{"hop_s":0.5,"times_s":[0.5,1,1.5],)"
              R"("short_term_lufs":[-30,-20,-70],"rms_dbfs":[-31.5,-12.25,null]})");
    const cf::TrackTimeline t = entry(R"({"id":"a"})", a).timeline;
    EXPECT_DOUBLE_EQ(t.duration_s, 100.5);
    EXPECT_DOUBLE_EQ(t.bpm, 120.0);
    EXPECT_DOUBLE_EQ(t.beat_confidence, 0.75);
    EXPECT_EQ(t.beats_s, (std::vector<double>{0.25, 0.75, 1.25}));
    EXPECT_EQ(t.energy_times_s, (std::vector<double>{0.5, 1, 1.5}));
    EXPECT_EQ(t.energy_db, (std::vector<float>{-31.5f, -12.25f, -120.0f}));  // null (silence) at the floor
    ASSERT_EQ(t.embedding_dim, 2u);
    ASSERT_EQ(t.embedding_times_s.size(), 3u);  // one per patch, at its centre
    EXPECT_NEAR(t.embedding_times_s[1], 50.0 + cf::patch_duration_s() / 2, 1e-9);
    EXPECT_EQ(t.embeddings, (std::vector<float>{1, 0, 3, 4, 0, 1}));
    // No tempo: no beats (the analysis's beats of a failed tempo are not kept); no curves: no energy.
    const cf::TrackTimeline none = entry(R"({"id":"a"})").timeline;
    EXPECT_EQ(none.bpm, 0.0);
    EXPECT_TRUE(none.beats_s.empty() && none.energy_db.empty());
    // Beats out of order are an error naming the track.
    a.replace(a.find("[0.25,0.75,1.25]"), 16, "[0.75,0.25,1.25]");
    auto bad = cf::catalog_entry(json(a), json(R"({"id":"z"})"), kLabels);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.status().message().find("track \"z\""), std::string::npos) << bad.status().message();
    EXPECT_NE(bad.status().message().find("beats_s"), std::string::npos) << bad.status().message();
}

TEST(CatalogEntry, ErrorsNameTheTrackAndWhatIsMissing) {
    auto err = [](const std::string& analysis, const std::string& track, std::vector<std::string> labels = kLabels) {
        auto e = cf::catalog_entry(json(analysis), json(track), labels);
        EXPECT_FALSE(e.is_ok());
        return e.is_ok() ? std::string() : e.status().message();
    };
    EXPECT_EQ(err(kAnalysis, R"({"title":"x"})"), "catalog track: no \"id\" (a non-empty string)");
    EXPECT_EQ(err(R"({"file":"f","error":"not audio","code":"unsupported_format"})", R"({"id":"a"})"),
              "track \"a\": the analysis failed: not audio");
    EXPECT_EQ(err(R"({"duration_s":3,"embedding":null})", R"({"id":"a"})"), "track \"a\": the analysis has no embedding");
    EXPECT_EQ(err(R"({"embedding":null})", R"({"id":"a"})"), "track \"a\": analysis: no duration_s");
    EXPECT_EQ(err(kAnalysis, R"({"id":"a"})", {"msd:rock", "mtt:guitar"}),
              "track \"a\": the analysis has no probability for the tag \"mtt:guitar\"");
    EXPECT_TRUE(cf::catalog_entry(json(kAnalysis), json(R"({"id":"a"})"), {}).is_ok()) << "no labels, no TAGP";
}

TEST(CatalogEntry, CompleteAnalysesHaveConsecutivePatches) {
    // A 40 s track analysed completely: one window, 14 patches of 2.992 s; the best is patch 10 (29.92 s).
    std::string per_patch;
    for (int p = 0; p < 14; ++p) per_patch += std::string(p ? "," : "") + (p == 10 ? "1,0" : "0,1");
    auto s = cf::summarize_analysis_json(json(R"({"duration_s":40,"windows":[[0,40]],"embedding":{"values":[1,0],"per_patch":[)" +
                                              per_patch + "]}}"));
    ASSERT_TRUE(s.is_ok()) << s.status().message();
    EXPECT_DOUBLE_EQ(s->segment_start_s, 10.0);  // centre 31.416 → 16.416, kept inside: the last 30 s
    EXPECT_DOUBLE_EQ(s->segment_duration_s, 30.0);
}

TEST(CatalogEntry, OneLine) {
    EXPECT_EQ(cf::one_line("a\t\r\nb\nc"), "a b c");
    EXPECT_EQ(cf::one_line(" \t x  "), "x");
    EXPECT_EQ(cf::one_line("\n"), "");
}

}  // namespace
