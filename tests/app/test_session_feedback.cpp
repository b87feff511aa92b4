// The app's like/skip session, custom tags and playlists, headless (session_feedback.cpp): what a user
// does — like and skip rows, type a remark, undo, come back later, import an exported session, train a
// tag from a lasso, make a playlist and export it.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "app/session/session.h"
#include "fakes.h"

using namespace cf;
using namespace cf::app;
using namespace cf::app::test;

namespace {

struct FeedbackTest : ::testing::Test {
    FakeHost host;
    FakeTextEmbedder embedder;
    Session session{host, &embedder};

    void SetUp() override { open(session); }
    void open(Session& s) {
        s.set_models(test_models());
        std::vector<uint8_t> bytes = test_catalog_bytes();
        ASSERT_FALSE(bytes.empty());
        ASSERT_TRUE(s.open_catalog(std::move(bytes), "test", "catalog/").is_ok());
    }
    static std::vector<std::string> ids_of(const Session& s) {
        std::vector<std::string> ids;
        for (const SearchHit& h : s.results().hits) ids.push_back(s.catalog()->tracks()[h.track].id);
        return ids;
    }
    std::vector<std::string> ids() const { return ids_of(session); }
    static size_t rank_of(const std::vector<std::string>& ids, const std::string& id) {
        return size_t(std::find(ids.begin(), ids.end(), id) - ids.begin());
    }
};

}  // namespace

TEST_F(FeedbackTest, LikesMoveTheirKindUpAndJudgedTracksNeverComeBack) {
    session.query_track(0);  // a piano track: piano first, rock last
    const std::vector<std::string> before = ids();
    ASSERT_EQ(before.size(), 7u);
    EXPECT_GE(rank_of(before, "t6"), 5u);
    session.like(5);  // two rock tracks liked, one piano track skipped
    session.like(7);
    session.skip(1);
    const std::vector<std::string> after = ids();
    EXPECT_TRUE(session.results().are_fit);
    const auto& hits = session.results().hits;
    for (size_t i = 0; i < hits.size(); ++i) {  // the session score's percentile among the 8 tracks
        EXPECT_TRUE(hits[i].score > 0.0f && hits[i].score < 1.0f) << hits[i].score;
        if (i) EXPECT_GE(hits[i - 1].score, hits[i].score);
    }
    for (const SearchHit& h : hits) {  // (tracks below + ½) / 8, and the liked tracks above the best unjudged one
        const float below = h.score * 8.0f - 0.5f;
        EXPECT_NEAR(below, std::round(below), 1e-4f) << h.score;
    }
    EXPECT_LT(hits[0].score, 7.5f / 8.0f);
    for (const char* judged : {"t5", "t7", "t1"}) EXPECT_EQ(rank_of(after, judged), after.size()) << judged;
    EXPECT_LT(rank_of(after, "t6"), 2u) << "the other rock-like tracks come up";
    EXPECT_NE(session.feedback().learned_text().find("you like:"), std::string::npos) << session.feedback().learned_text();
    const std::string state = session.state_json();
    EXPECT_NE(state.find("\"likes\":[\"t5\",\"t7\"],\"skips\":[\"t1\"]"), std::string::npos) << state;
    EXPECT_NE(session.results_title().find("re-ranked by your likes"), std::string::npos);
    EXPECT_NE(session.feedback().to_json().find("\"query\":\"track t0\""), std::string::npos) << "the JSON says what was asked";
}

TEST_F(FeedbackTest, UndoGivesBackTheExactListAndAnEmptySessionIsForgotten) {
    session.query_track(2);
    const std::vector<std::string> before = ids();
    session.like(6);
    const std::string key = "session:" + session.feedback().catalog_key();
    ASSERT_TRUE(host.saved.count(key));
    EXPECT_NE(ids(), before);
    session.undo_feedback();
    EXPECT_EQ(ids(), before);
    EXPECT_FALSE(session.results().are_fit);  // the query's own list again, cosines
    EXPECT_FALSE(host.saved.count(key)) << "an empty session is not kept";
}

TEST_F(FeedbackTest, MapLikesWithoutAQueryRankTheCatalog) {
    session.like(4);
    session.like(6);
    const std::vector<std::string> list = ids();
    ASSERT_FALSE(list.empty());
    EXPECT_TRUE(list[0] == "t5" || list[0] == "t7") << list[0];
    EXPECT_EQ(session.results_title(), "what you liked and skipped");
    session.clear_feedback();
    EXPECT_TRUE(ids().empty());
}

TEST_F(FeedbackTest, TheSessionIsKeptAndComesBackOnTheNextVisit) {
    session.query_track(0);
    session.like(6);
    session.skip(2);
    FakeHost host2;
    host2.saved = host.saved;
    Session again{host2, &embedder};
    open(again);
    const std::vector<std::string> keys = again.state_keys();
    ASSERT_EQ(keys.size(), 2u);
    for (const std::string& k : keys)
        if (host2.saved.count(k)) EXPECT_TRUE(again.restore_state(k, host2.saved[k]).is_ok()) << k;
    ASSERT_EQ(again.feedback().events().size(), 2u);
    EXPECT_EQ(again.feedback().judged(6), Judged::liked);
    EXPECT_EQ(again.feedback().judged(2), Judged::skipped);
    EXPECT_FALSE(ids_of(again).empty()) << "the restored session ranks the catalog before any query";
    // What was kept stays readable when it cannot be used: a session of another catalog is refused.
    Status s = again.restore_state(keys[1], "{\"format\":\"cuefinder-session\",\"version\":1,\"catalog\":\"other\",\"events\":[]}");
    EXPECT_NE(again.error().find("this session is for catalog \"other\""), std::string::npos) << again.error();
    EXPECT_TRUE(s.is_ok());
}

TEST_F(FeedbackTest, AnExportedSessionImportsByDroppingItAndOtherJsonIsRefused) {
    session.like(3);
    session.export_session();
    ASSERT_EQ(host.last_download_name, "cuefinder-session.json");
    const std::string json = host.last_download_text;
    session.clear_feedback();
    const int r = session.analyze("cuefinder-session.json", std::vector<uint8_t>(json.begin(), json.end()));
    ASSERT_FALSE(host.finished.empty());
    EXPECT_EQ(host.finished.back().request, r);
    EXPECT_TRUE(host.finished.back().ok) << host.finished.back().message;
    EXPECT_EQ(session.feedback().judged(3), Judged::liked);
    const std::string other = "{\"format\": \"something-else\"}";
    session.analyze("other.json", std::vector<uint8_t>(other.begin(), other.end()));
    EXPECT_FALSE(host.finished.back().ok);
    EXPECT_NE(session.error().find("other.json: a JSON file, but not a cuefinder session or custom tag"), std::string::npos) << session.error();
    EXPECT_EQ(session.feedback().judged(3), Judged::liked) << "a bad file leaves the session as it was";
}

TEST_F(FeedbackTest, ARemarkAddsItsWordsToTheQuery) {
    const std::string vocab = use_lite_vocab();
    if (vocab.empty()) GTEST_SKIP() << "no models/use-lite/vocab.txt";
    ASSERT_TRUE(session.set_text_model(vocab).is_ok());
    session.query_track(3);  // between piano and rock, nearer piano
    auto rock_ranks = [&] {
        const std::vector<std::string> list = ids();
        size_t sum = 0;
        for (const char* r : {"t4", "t5", "t6", "t7"}) sum += rank_of(list, r);
        return sum;
    };
    const size_t before = rock_ranks();
    session.remark("rock");
    ASSERT_EQ(session.feedback().events().size(), 1u) << session.error();
    EXPECT_LT(rock_ranks(), before) << "the rock tracks move up";
    EXPECT_NE(session.state_json().find("\"remarks\":[\"rock\"]"), std::string::npos);
}

TEST_F(FeedbackTest, ACustomTagFromALassoColoursTheMapFiltersAndIsKept) {
    ASSERT_TRUE(session.update_map());
    session.train_custom_tag("pianoish");
    EXPECT_NE(session.error().find("select examples on the map"), std::string::npos) << session.error();
    session.map().select_box(MapPoint{-2.5f, -2.0f}, MapPoint{-0.5f, 2.0f});  // t0..t3: the piano side
    ASSERT_EQ(session.map().selection().size(), 4u);
    session.train_custom_tag("  pianoish ");
    ASSERT_EQ(session.custom_tags().tags().size(), 1u) << session.error();
    const CustomTag& tag = session.custom_tags().tags()[0];
    EXPECT_EQ(tag.tag.name, "pianoish");
    EXPECT_EQ(session.map().colour_by().kind, ColourBy::Kind::custom_tag);
    const std::span<const float> p = session.colour_label_percentile();
    ASSERT_EQ(p.size(), 8u);
    for (size_t piano = 0; piano < 4; ++piano)
        for (size_t rock = 4; rock < 8; ++rock) EXPECT_GT(p[piano], p[rock]) << piano << " vs " << rock;
    ASSERT_TRUE(host.saved.count("tags:test-embedding-4"));
    session.query_track(7);
    session.filter_by_custom_tag(0);
    for (const SearchHit& h : session.results().hits) EXPECT_TRUE(query::fits(tag.tag, p[h.track])) << h.track;
    // Exported, it imports into another visit by a drop.
    session.export_custom_tag(0);
    const std::string json = host.last_download_text;
    FakeHost host2;
    Session again{host2, &embedder};
    open(again);
    again.analyze("pianoish.json", std::vector<uint8_t>(json.begin(), json.end()));
    ASSERT_EQ(again.custom_tags().tags().size(), 1u) << again.error();
    EXPECT_EQ(again.custom_tags().tags()[0].scores, tag.scores);
    session.remove_custom_tag(0);
    EXPECT_TRUE(session.custom_tags().tags().empty());
    EXPECT_EQ(session.map().colour_by().kind, ColourBy::Kind::source);
    EXPECT_FALSE(host.saved.count("tags:test-embedding-4"));
}

TEST_F(FeedbackTest, APlaylistGrowsFromTheSelectionAndExportsAsM3u8) {
    session.make_playlist();
    EXPECT_NE(session.error().find("playlist:"), std::string::npos);
    ASSERT_TRUE(session.update_map());
    session.map().select_box(MapPoint{-2.5f, -2.0f}, MapPoint{-0.5f, 0.0f});  // t0, t2
    session.playlist().n = 5;
    session.make_playlist();
    ASSERT_TRUE(session.playlist().playlist().has_value()) << session.error();
    const query::Playlist& p = *session.playlist().playlist();
    ASSERT_EQ(p.entries.size(), 5u);
    std::set<uint32_t> tracks;
    for (const query::PlaylistEntry& e : p.entries) tracks.insert(e.track);
    EXPECT_EQ(tracks.size(), 5u);
    EXPECT_TRUE(tracks.count(0) && tracks.count(2)) << "the seeds are in it";
    EXPECT_EQ(session.playlist().seed_name(), "2 selected tracks");
    session.export_playlist("m3u8");
    EXPECT_EQ(host.last_download_name, "cuefinder-playlist.m3u8");
    EXPECT_EQ(host.last_download_text.rfind("#EXTM3U\n", 0), 0u) << host.last_download_text;
    EXPECT_NE(session.state_json().find("\"playlist\":{\"seed\":\"2 selected tracks\""), std::string::npos);
}

TEST_F(FeedbackTest, AKeptSessionWithRemarksWaitsForTheTextModel) {
    const std::string vocab = use_lite_vocab();
    if (vocab.empty()) GTEST_SKIP() << "no models/use-lite/vocab.txt";
    ASSERT_TRUE(session.set_text_model(vocab).is_ok());
    session.like(4);
    session.remark("rock");
    ASSERT_EQ(session.feedback().events().size(), 2u) << session.error();
    const std::string key = "session:" + session.feedback().catalog_key();
    ASSERT_TRUE(host.saved.count(key));
    // The next visit: the page hands the session back before the sentence encoder is loaded.
    FakeHost host2;
    Session again{host2, &embedder};
    open(again);
    EXPECT_TRUE(again.restore_state(key, host.saved[key]).is_ok());
    EXPECT_TRUE(again.feedback().events().empty());
    EXPECT_TRUE(again.error().empty()) << again.error();
    ASSERT_TRUE(again.set_text_model(vocab).is_ok());
    ASSERT_EQ(again.feedback().events().size(), 2u) << again.error();
    EXPECT_EQ(again.feedback().events()[1].text, "rock");
}
