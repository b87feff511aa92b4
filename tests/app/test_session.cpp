// The app's session model, headless: a catalog built with CatalogBuilder, a fake Host and a fake
// Embedder, and what a user does — pick a track, filter, select on the map, colour it, type words,
// drop a broken file.
#include <gtest/gtest.h>

#include <set>

#include "app/session/session.h"
#include "core/analysis/track_summary.h"
#include "fakes.h"

using namespace cf;
using namespace cf::app;
using namespace cf::app::test;

namespace {

struct SessionTest : ::testing::Test {
    FakeHost host;
    FakeTextEmbedder embedder;
    Session session{host, &embedder};

    void SetUp() override {
        session.set_models(test_models());
        std::vector<uint8_t> bytes = test_catalog_bytes();
        ASSERT_FALSE(bytes.empty());
        ASSERT_TRUE(session.open_catalog(std::move(bytes), "test", "catalog/").is_ok());
    }
    std::vector<std::string> result_ids() const {
        std::vector<std::string> ids;
        for (const SearchHit& h : session.results().hits) ids.push_back(session.catalog()->tracks()[h.track].id);
        return ids;
    }
};

}  // namespace

TEST_F(SessionTest, QueryTrackLeavesItOutAndRanksByCosine) {
    session.query_track(0);
    ASSERT_EQ(session.query().kind, Query::Kind::track);
    EXPECT_EQ(session.query().track_id, "t0");
    const std::vector<std::string> ids = result_ids();
    ASSERT_EQ(ids.size(), 7u);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "t0"), 0);
    EXPECT_EQ(ids[0], "t1");  // the closest embedding
    const std::vector<TestTrack> tracks = test_tracks();
    const auto& hits = session.results().hits;
    for (size_t i = 0; i < hits.size(); ++i) {
        EXPECT_NEAR(hits[i].score, cosine(tracks[0].embedding, tracks[hits[i].track].embedding), 1e-3) << ids[i];
        if (i > 0) {
            EXPECT_GE(hits[i - 1].score, hits[i].score);
        }
        EXPECT_FALSE(std::isnan(hits[i].match_percent));  // 8 tracks: calibrated
    }
    EXPECT_FALSE(session.results().are_fit);
    EXPECT_EQ(session.results().selected_row, 0);
    ASSERT_TRUE(session.query().map_position.has_value());  // a catalog track sits at its own place
    EXPECT_FLOAT_EQ(session.query().map_position->x, -2.0f);
}

TEST_F(SessionTest, EachMatchSaysWhatStandsOut) {
    session.query_track(0);
    const query::MatchExplainer e(*session.catalog());
    const auto& hits = session.results().hits;
    ASSERT_FALSE(hits.empty());
    size_t any = 0;
    for (const SearchHit& h : hits) {
        const std::string w = e.explain(e.track_values(0), e.track_values(h.track)).text();
        EXPECT_EQ(h.why, w.empty() ? "similar overall" : w) << h.id;
        if (!h.why.empty()) EXPECT_EQ(hit_why(h), h.why) << "the column shows it";
        any += !h.why.empty();
    }
    EXPECT_GT(any, 0u);
}

TEST_F(SessionTest, FiltersNarrowTheResults) {
    session.query_track(0);
    session.filters().bpm = true;
    session.filters().bpm_min = 85;
    session.filters().bpm_max = 125;
    session.run_search();
    EXPECT_EQ(result_ids(), (std::vector<std::string>{"t2", "t3", "t4"}));
    session.filters().license = true;
    session.filters().license_kinds[license_kind("GPL-2+")] = false;
    session.run_search();
    EXPECT_EQ(result_ids(), (std::vector<std::string>{"t2", "t4"}));
    for (auto& [kind, on] : session.filters().license_kinds) on = false;  // nothing allowed: nothing passes
    session.run_search();
    EXPECT_TRUE(result_ids().empty());
    EXPECT_EQ(session.results().selected_row, -1);
}

TEST_F(SessionTest, SearchOptionsCarryOnlySwitchedOnFilters) {
    Filters f;
    f.k = 0;  // at least one match
    f.bpm_min = 90;
    Query q;
    q.tags = {{"piano", 0.9f}};
    SearchOptions o = f.search_options(q);
    EXPECT_EQ(o.k, 1u);
    EXPECT_FALSE(o.filters.bpm_min.has_value());
    EXPECT_EQ(o.query_tags.size(), 1u);
    f.bpm = true;
    f.moods = true;
    f.mood_min[1] = 0.4f;
    o = f.search_options(q);
    EXPECT_EQ(o.filters.bpm_min, std::optional<float>(90.0f));
    EXPECT_EQ(o.filters.mood_min[1], std::optional<float>(0.4f));
    EXPECT_FALSE(o.filters.mood_min[0].has_value());
}

TEST_F(SessionTest, BoxAndLassoSelectTheTracksInside) {
    ASSERT_TRUE(session.update_map());
    MapModel& map = session.map();
    EXPECT_EQ(map.display_track().size(), 8u);
    map.select_box(MapPoint{-2.5f, -2.0f}, MapPoint{-0.5f, 0.0f});  // the lower left: t0, t2
    EXPECT_EQ(map.selection(), (std::vector<uint32_t>{0, 2}));
    const std::vector<MapPoint> triangle = {{0.5f, -1.5f}, {2.5f, -1.5f}, {2.5f, 2.5f}};  // t4 (1,-1), t6 (2,-1), t7 (2,1); not t5 (1,1)
    map.select_lasso(triangle);
    EXPECT_EQ(map.selection(), (std::vector<uint32_t>{4, 6, 7}));
    const std::vector<MapPoint> line = {{0, 0}, {1, 1}};
    map.select_lasso(line);  // fewer than 3 vertices: unchanged
    EXPECT_EQ(map.selection().size(), 3u);
    session.query_track(0);
    const std::vector<PointState> s = map.track_states(8, session.results().hits, std::nullopt);
    EXPECT_EQ(s[0], PointState::dimmed);   // the query track: neither a match nor selected
    EXPECT_EQ(s[4], PointState::match);    // matches over selection
    map.clear_selection();
    EXPECT_TRUE(map.selection().empty());
    const std::string state = session.state_json();
    EXPECT_NE(state.find("\"selection\":[]"), std::string::npos);
}

TEST_F(SessionTest, PickFindsTheNearestPointWithinTheRadius) {
    session.update_map();
    EXPECT_EQ(session.map().pick(MapPoint{-1.9f, 0.9f}, 0.3f), std::optional<uint32_t>(1));
    EXPECT_FALSE(session.map().pick(MapPoint{0.0f, 0.0f}, 0.3f).has_value());
}

TEST_F(SessionTest, ViewTransformRoundTripsAndZoomKeepsThePointUnderTheCursor) {
    session.update_map();
    MapModel& map = session.map();
    map.fit_view();
    map.fit_scale(400, 200);
    EXPECT_FLOAT_EQ(map.view.cx, 0.0f);  // bounds x -2..2, y -1..1
    EXPECT_FLOAT_EQ(map.view.cy, 0.0f);
    EXPECT_FLOAT_EQ(map.view.scale, 0.92f * 100.0f);  // 92 % of min(400 / 4, 200 / 2)
    const MapPoint centre{200, 100};
    const MapPoint s = map.view.to_screen(MapPoint{2, 1}, centre);
    EXPECT_NEAR(s.x, 200 + 2 * map.view.scale, 1e-3);
    EXPECT_NEAR(s.y, 100 - 1 * map.view.scale, 1e-3);  // y up on screen
    const MapPoint back = map.view.to_data(s, centre);
    EXPECT_NEAR(back.x, 2.0f, 1e-5);
    EXPECT_NEAR(back.y, 1.0f, 1e-5);
    const MapPoint cursor{300, 40};
    const MapPoint under = map.view.to_data(cursor, centre);
    map.view.zoom_at(cursor, centre, 1.15f);
    const MapPoint after = map.view.to_data(cursor, centre);
    EXPECT_NEAR(after.x, under.x, 1e-4);
    EXPECT_NEAR(after.y, under.y, 1e-4);
    map.view.pan_px(92, 0);
    EXPECT_NEAR(map.view.to_data(cursor, centre).x, under.x - 92 / map.view.scale, 1e-4);
}

TEST_F(SessionTest, ColourByUsesTheRightRanges) {
    session.update_map();
    MapModel& map = session.map();
    const std::vector<uint32_t> by_source = map.display_rgba();
    EXPECT_EQ(map.sources().size(), 2u);
    EXPECT_EQ(by_source[0], by_source[1]);  // same source, same colour
    EXPECT_NE(by_source[0], by_source[7]);
    map.set_colour_by(ColourBy{ColourBy::Kind::mood, 0});
    session.update_map();
    EXPECT_FLOAT_EQ(map.colour_range().lo, 0.0f);
    EXPECT_FLOAT_EQ(map.colour_range().hi, 1.0f);
    map.set_colour_by(ColourBy{ColourBy::Kind::bpm, 0});
    session.update_map();
    EXPECT_GE(map.colour_range().lo, 70.0f);  // robust limits inside the data's range
    EXPECT_LE(map.colour_range().hi, 150.0f);
    EXPECT_LT(map.colour_range().lo, map.colour_range().hi);
    EXPECT_EQ(map.display_rgba()[0], ramp_colour(0.0f).packed());  // the slowest track at the bottom of the ramp
    EXPECT_EQ(map.display_rgba()[7], ramp_colour(1.0f).packed());
    map.set_colour_by(ColourBy{ColourBy::Kind::tag, 0});
    session.update_map();
    EXPECT_FLOAT_EQ(map.colour_range().lo, 0.0f);
    EXPECT_GE(map.colour_range().hi, 0.05f);
    EXPECT_NE(session.state_json().find("\"colour\":\"tag\",\"colour_index\":0"), std::string::npos);
}

TEST_F(SessionTest, PlaybackAndAbFollowTheSelection) {
    session.query_track(0);
    session.play_result(1);
    EXPECT_EQ(host.last_url, "catalog/previews/" + session.catalog()->tracks()[session.results().hits[1].track].preview);
    EXPECT_EQ(session.playing_what(), Playing::track);
    EXPECT_EQ(session.results().selected_row, 1);
    session.toggle_ab();  // a catalog track as the query: no A/B
    EXPECT_FALSE(host.query_playing);
    session.toggle_pause();
    EXPECT_FALSE(host.is_playing);
    EXPECT_NE(session.state_json().find("\"playing\":null"), std::string::npos);
    session.toggle_pause();
    EXPECT_TRUE(host.is_playing);
}

TEST_F(SessionTest, FailedAnalysisKeepsTheQueryAndResultsAndNamesTheFile) {
    session.query_track(2);
    const std::vector<std::string> before = result_ids();
    ASSERT_FALSE(before.empty());
    std::vector<uint8_t> junk(4096, 0x5a);
    const int request = session.analyze("broken.mp3", junk);
    for (int guard = 0; guard < 1000 && session.analysing(); ++guard) session.pump(0.01);
    EXPECT_FALSE(session.analysing());
    EXPECT_NE(session.error().find("broken.mp3"), std::string::npos) << session.error();
    EXPECT_EQ(session.query().kind, Query::Kind::track);
    EXPECT_EQ(session.query().track_id, "t2");
    EXPECT_EQ(result_ids(), before);
    ASSERT_FALSE(host.finished.empty());
    EXPECT_EQ(host.finished.back().request, request);
    EXPECT_FALSE(host.finished.back().ok);
    EXPECT_NE(host.finished.back().message.find("broken.mp3"), std::string::npos);
}

TEST_F(SessionTest, EmptyFileIsRefusedAtOnce) {
    const int request = session.analyze("empty.ogg", {});
    EXPECT_FALSE(session.analysing());
    EXPECT_EQ(session.error(), "empty.ogg: the file is empty (0 bytes)");
    ASSERT_EQ(host.finished.size(), 1u);
    EXPECT_EQ(host.finished[0].request, request);
}

TEST_F(SessionTest, WordsWithAFakeEncoderGiveResults) {
    const std::string vocab = use_lite_vocab();
    if (vocab.empty()) GTEST_SKIP() << "no models/use-lite/vocab.txt";
    ASSERT_TRUE(session.set_text_model(vocab).is_ok());
    ASSERT_TRUE(session.words().ready()) << session.words().status();  // the fake answers at once
    session.words().set_text_query("piano");
    ASSERT_TRUE(session.words().text().prepared.has_value()) << session.error();
    const std::vector<std::string> ids = result_ids();
    ASSERT_FALSE(ids.empty());
    EXPECT_TRUE(session.results().are_fit);
    // The piano tracks (t0..t3) first: the fake encoder's "piano" is the concept "piano" exactly.
    const std::set<std::string> piano = {"t0", "t1", "t2", "t3"};
    ASSERT_GE(ids.size(), 4u);
    for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(piano.count(ids[i])) << i << ": " << ids[i];
    EXPECT_EQ(session.results_title(), "\"piano\"");
    for (const SearchHit& h : session.results().hits) EXPECT_TRUE(h.score >= 0.0f && h.score <= 1.0f);
    const std::string state = session.state_json();
    EXPECT_NE(state.find("\"text\":{\"query\":\"piano\""), std::string::npos) << state;
    EXPECT_NE(state.find("\"results_are_fit\":true"), std::string::npos);
    session.words().set_text_query("  ");  // cleared, no other part: no results
    EXPECT_TRUE(result_ids().empty());
}

TEST_F(SessionTest, WordsMixWithATrackAndLabelsScore) {
    const std::string vocab = use_lite_vocab();
    if (vocab.empty()) GTEST_SKIP() << "no models/use-lite/vocab.txt";
    ASSERT_TRUE(session.set_text_model(vocab).is_ok());
    session.query_track(7);
    session.words().set_text_query("piano");
    const std::vector<std::string> ids = result_ids();
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "t7"), 0);  // the query track is never a result
    EXPECT_EQ(session.results_title(), "Title t7 + \"piano\"");
    session.words().set_tag_labels("piano, rock");
    ASSERT_EQ(session.words().label_scores().size(), 2u);
    EXPECT_LT(session.words().label_scores()[0].best.front(), 4u);   // a piano track
    EXPECT_GE(session.words().label_scores()[1].best.front(), 4u);   // a rock track
    session.map().set_colour_by(ColourBy{ColourBy::Kind::label, 1});
    EXPECT_EQ(session.colour_label_percentile().size(), 8u);
    session.words().set_tag_labels("");  // no labels: the map goes back to its default colours
    EXPECT_EQ(session.map().colour_by().kind, ColourBy::Kind::source);
}

TEST_F(SessionTest, StateJsonKeepsItsShape) {
    session.query_track(1);
    const std::string s = session.state_json([](JsonWriter& w) { w.key("about_open").value(false); });
    EXPECT_EQ(s.rfind("{\"ready\":true,\"catalog\":{\"name\":\"test\",\"tracks\":8,\"dim\":4,\"embedding\":\"test-embedding-4\","
                      "\"space\":\"\",\"space_note\":\"catalog test was built before the learned similarity space (format v2): search uses "
                      "the plain embedding; rebuild it with ./cuefinder catalog build\"},\"busy\":false,"
                      "\"stage\":\"idle\",\"progress\":0.0000,\"error\":null,\"query\":{\"kind\":\"track\",\"name\":\"Title t1\",\"track_id\":\"t1\",",
                      0),
              0u)
        << s;
    EXPECT_NE(s.find("\"selected_row\":0,\"semantic\":{\"ready\":false"), std::string::npos) << s;
    EXPECT_NE(s.find("\"map\":{\"layout\":\"catalog\""), std::string::npos);
    EXPECT_NE(s.find(",\"license\":false},\"session\":{\"events\":0,"), std::string::npos) << s;
    EXPECT_EQ(s.substr(s.size() - 35), "\"playlist\":null,\"about_open\":false}");
}

TEST_F(SessionTest, PictureJoinsTheQueryAndAFailedOneNamesTheFile) {
    const std::string vocab = use_lite_vocab();
    if (vocab.empty()) GTEST_SKIP() << "no models/use-lite/vocab.txt";
    ASSERT_TRUE(session.set_text_model(vocab).is_ok());
    session.words().set_image_labels("background\ngrand piano\nelectric guitar\nrock beauty\n");
    const std::vector<uint8_t> png = cf::test::read_bytes(cf::test::test_data_dir() + "/image/pattern.png");
    ASSERT_FALSE(png.empty());
    session.query_track(5);
    const std::vector<std::string> before = result_ids();
    session.analyze("pattern.png", png);  // the fake has no image model yet: the picture fails
    EXPECT_NE(session.error().find("pattern.png"), std::string::npos) << session.error();
    ASSERT_FALSE(host.finished.empty());
    EXPECT_FALSE(host.finished.back().ok);
    EXPECT_EQ(result_ids(), before);
    EXPECT_TRUE(session.words().image().name.empty());
    embedder.image_probabilities = {0.0f, 0.8f, 0.15f, 0.05f};
    session.analyze("pattern.png", png);
    ASSERT_TRUE(host.finished.back().ok) << host.finished.back().message;
    EXPECT_EQ(session.words().image().name, "pattern.png");
    ASSERT_FALSE(session.words().image().picture.classes.empty());
    EXPECT_EQ(session.words().image().picture.classes[0].label, "grand piano");
    EXPECT_NE(session.words().image().explanation.find("sees:"), std::string::npos);
    EXPECT_TRUE(session.results().are_fit);
    EXPECT_EQ(session.results_title(), "Title t5 + pattern.png");
    const std::vector<std::string> ids = result_ids();
    EXPECT_EQ(std::count(ids.begin(), ids.end(), "t5"), 0);
    session.words().weight_track = 0;  // the picture alone: piano tracks first
    session.run_search();
    ASSERT_GE(result_ids().size(), 1u);
    EXPECT_LT(session.results().hits[0].track, 4u) << result_ids()[0];
    session.words().weight_image = 0;  // every weight 0: no matches, no error
    session.run_search();
    EXPECT_TRUE(result_ids().empty());
    session.words().remove_image();
    EXPECT_EQ(session.results().are_fit, false);  // back to the track alone
    EXPECT_EQ(result_ids(), before);
}

TEST(QueryFromAnalysis, TakesTagsMoodsAndSegmentFromTheTrackSummary) {
    std::vector<AudioModel> models(2);
    models[0].key = "msd";
    models[0].labels = {"piano", "rock", "jazz"};
    models[0].has_embedding = true;
    models[1].key = "happy";
    models[1].role = ModelRole::mood;
    models[1].labels = {"happy", "non happy"};
    TrackAnalysis a;
    a.duration_s = 120.0;
    a.embedding = {1, 0};
    a.patch_start_s = {0.0, 40.0, 80.0};
    a.patch_embeddings = {0, 1, 1, 0.1f, 0.6f, 0.8f};  // patch 1 points the track's way
    a.models.resize(2);
    a.models[0].mean = {0.2f, 0.7f, 0.1f};
    a.models[0].n_outputs = 3;
    a.models[0].patches = {0, 1, 2};
    a.models[0].per_patch = {0.1f, 0.8f, 0.1f, 0.3f, 0.6f, 0.1f, 0.2f, 0.7f, 0.1f};
    a.models[1].mean = {0.65f, 0.35f};
    const Query q = query_from_analysis(a, models, "song.ogg");
    EXPECT_EQ(q.kind, Query::Kind::file);
    EXPECT_EQ(q.name, "song.ogg");
    ASSERT_EQ(q.tags.size(), 3u);
    EXPECT_EQ(q.tags[0].label, "rock");
    EXPECT_EQ(q.tags[2].label, "jazz");
    EXPECT_FLOAT_EQ(q.moods[0], 0.65f);
    EXPECT_TRUE(std::isnan(q.moods[1]));
    EXPECT_FLOAT_EQ(q.all_tags.at("msd:piano"), 0.2f);
    const TrackSummary s = summarize_track(a, models);
    EXPECT_FLOAT_EQ(q.segment_start_s, float(s.segment_start_s));
    EXPECT_GT(q.segment_start_s, 20.0f);  // around patch 1 (40 s), not patch 0
    ASSERT_EQ(q.taggram_labels.size(), 3u);
    EXPECT_EQ(q.taggram_labels[0], "rock");
    EXPECT_FLOAT_EQ(q.taggram[0 * 3 + 1], 0.6f);  // rock at patch 1
}
