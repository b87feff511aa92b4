// Playlists (core/query/playlist.h): the order beats greedy, tempo allows half/double, the BPM arc is
// followed, the seed SET is matched (not each seed's neighbours), exports are well-formed, bad input
// gets clear errors.
#include "core/query/playlist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "core/query/playlist_internal.h"
#include "query_test_util.h"

namespace cf::query {
namespace {

constexpr size_t kDim = 8;

struct TrackSpec {
    std::vector<float> embedding;
    float bpm = 120, confidence = 0.9f, lufs = -14;
    std::string title;
};

Catalog build(const std::vector<TrackSpec>& specs) {
    CatalogBuilder b(kDim, "test-8d");
    for (size_t t = 0; t < specs.size(); ++t) {
        TrackMeta m;
        m.id = "pkg" + std::to_string(t % 3) + "/t" + std::to_string(t);
        m.title = specs[t].title.empty() ? "Track " + std::to_string(t) : specs[t].title;
        m.artist = "Artist " + std::to_string(t);
        m.license = "CC-BY-4.0";
        m.attribution = "by Artist " + std::to_string(t);
        m.duration_s = 60.0f + float(t);
        m.bpm = specs[t].bpm;
        m.bpm_confidence = specs[t].confidence;
        m.loudness_lufs = specs[t].lufs;
        m.path = "music/t" + std::to_string(t) + ".ogg";
        EXPECT_TRUE(b.add_track(m, specs[t].embedding));
    }
    return test::open_built(b);
}

std::vector<float> random_unit(std::mt19937& rng) {
    std::normal_distribution<float> g;
    std::vector<float> v(kDim);
    for (float& x : v) x = g(rng);
    return v;
}

// Random tracks: embeddings, steady tempos 90..170 (away from the old 82 BPM artefact), loudness.
std::vector<TrackSpec> random_specs(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> bpm(90, 170), lufs(-24, -8);
    std::vector<TrackSpec> specs(n);
    for (TrackSpec& s : specs) s.embedding = random_unit(rng), s.bpm = bpm(rng), s.lufs = lufs(rng);
    return specs;
}

std::vector<uint32_t> all_tracks(const Catalog& cat) {
    std::vector<uint32_t> v(cat.size());
    for (uint32_t t = 0; t < v.size(); ++t) v[t] = t;
    return v;
}

TEST(Playlist, OrderIsNeverWorseThanGreedyAndUsuallyBetter) {
    size_t n_better = 0;
    for (unsigned seed = 1; seed <= 12; ++seed) {
        Catalog cat = build(random_specs(30, seed));
        QueryEngine engine(cat);
        PlaylistOptions o;
        o.order = OrderMethod::greedy;
        auto greedy = order_tracks(engine, all_tracks(cat), o);
        o.order = OrderMethod::optimised;
        auto best = order_tracks(engine, all_tracks(cat), o);
        ASSERT_TRUE(greedy && best);
        EXPECT_LE(best->total_cost, greedy->total_cost + 1e-4f) << "catalog " << seed;
        EXPECT_LT(best->mean_transition_cost, mean_transition_cost(cat, all_tracks(cat), o.weights));
        n_better += best->total_cost < greedy->total_cost - 1e-3f;
        EXPECT_EQ(best->entries.size(), 30u);
    }
    EXPECT_GE(n_better, 6u) << "2-opt/or-opt should improve most random instances";
}

// The local search computes each move's cost change from its ends (and the positions that change);
// here every 2-opt and or-opt move is applied and the whole path re-costed: none may help.
TEST(Playlist, TheOrderIsALocalOptimumByFullRecosting) {
    for (bool arc : {false, true}) {
        Catalog cat = build(random_specs(24, arc ? 31 : 30));
        std::vector<detail::TrackTraits> traits;
        for (uint32_t t = 0; t < cat.size(); ++t) traits.push_back(detail::traits_of(cat, t));
        PlaylistOptions o;
        if (arc) o.bpm_arc = BpmArc{95, 160, 100};
        detail::CostTables c = detail::cost_tables(traits, o, cat.size());
        std::vector<size_t> path = detail::improve_path(c, detail::greedy_path(c));
        const float cost = detail::path_cost(c, path);
        EXPECT_LE(cost, detail::path_cost(c, detail::greedy_path(c)) + 1e-4f);
        const size_t m = path.size();
        for (size_t i = 0; i < m; ++i)
            for (size_t j = i + 1; j < m; ++j) {
                std::vector<size_t> q = path;
                std::reverse(q.begin() + long(i), q.begin() + long(j + 1));
                EXPECT_GE(detail::path_cost(c, q), cost - 1e-4f) << "2-opt " << i << ".." << j << (arc ? " (arc)" : "");
            }
        for (size_t len = 1; len <= 3; ++len)
            for (size_t i = 0; i + len <= m; ++i)
                for (size_t to = 0; to + len <= m; ++to)
                    for (bool flip : {false, true}) {
                        std::vector<size_t> q = path, run(q.begin() + long(i), q.begin() + long(i + len));
                        if (flip) std::reverse(run.begin(), run.end());
                        q.erase(q.begin() + long(i), q.begin() + long(i + len));
                        q.insert(q.begin() + long(to), run.begin(), run.end());
                        EXPECT_GE(detail::path_cost(c, q), cost - 1e-4f) << "or-opt " << i << " → " << to << (arc ? " (arc)" : "");
                    }
    }
}

TEST(Playlist, OrderIsDeterministic) {
    Catalog cat = build(random_specs(25, 7));
    QueryEngine engine(cat);
    PlaylistSeed seed;
    seed.tracks = {3, 9};
    PlaylistOptions o;
    o.n = 10;
    auto a = make_playlist(engine, seed, o), b = make_playlist(engine, seed, o);
    ASSERT_TRUE(a && b);
    for (size_t k = 0; k < 10; ++k) EXPECT_EQ(a->entries[k].track, b->entries[k].track);
}

TEST(Playlist, HalfAndDoubleTempoIsCheaperThanAnUnrelatedTempo) {
    std::mt19937 rng(3);
    std::vector<float> e = random_unit(rng);
    Catalog cat = build({{e, 120}, {e, 60}, {e, 240}, {e, 90}, {e, 120, 0.05f /* free */}, {e, 121}});
    TransitionWeights w{0, 1, 0};
    float same = transition_cost(cat, 0, 5, w), half = transition_cost(cat, 0, 1, w);
    float twice = transition_cost(cat, 0, 2, w), other = transition_cost(cat, 0, 3, w);
    float free = transition_cost(cat, 0, 4, w);
    EXPECT_LT(same, 0.05f);
    EXPECT_LT(half, 0.05f);
    EXPECT_LT(twice, 0.05f);
    EXPECT_GT(other, 0.6f);  // 120 → 90 is 0.415 of an octave
    EXPECT_GT(free, half) << "a free tempo is not known to match";
    EXPECT_LT(free, other) << "a free tempo counts less than a known mismatch";
    EXPECT_FLOAT_EQ(transition_cost(cat, 0, 3, w), transition_cost(cat, 3, 0, w));
}

TEST(Playlist, LoudnessAndEmbeddingAddToTheCost) {
    std::mt19937 rng(4);
    std::vector<float> e = random_unit(rng), f = random_unit(rng);
    Catalog cat = build({{e, 120, 0.9f, -14}, {e, 120, 0.9f, -26}, {f, 120, 0.9f, -14}, {e, 120, 0.9f, -14}});
    TransitionWeights w;
    EXPECT_NEAR(transition_cost(cat, 0, 3, w), 0.0f, 1e-3f);
    EXPECT_GT(transition_cost(cat, 0, 1, w), 0.2f);  // 12 dB: the loudness part is 1
    EXPECT_GT(transition_cost(cat, 0, 2, w), 0.05f);
}

TEST(Playlist, FollowsTheBpmArc) {
    std::vector<TrackSpec> specs = random_specs(80, 11);
    for (size_t t = 0; t < specs.size(); ++t) specs[t].bpm = 85.0f + float(t % 40) * 2.0f;  // 85..163
    Catalog cat = build(specs);
    QueryEngine engine(cat);
    PlaylistSeed seed;
    seed.tracks = {0};
    PlaylistOptions o;
    o.n = 15;
    o.include_seeds = false;
    auto plain = make_playlist(engine, seed, o);
    o.bpm_arc = BpmArc{95, 150, 105};
    auto arc = make_playlist(engine, seed, o);
    ASSERT_TRUE(plain && arc);
    const auto bpm = [&](const PlaylistEntry& e) { return cat.tracks()[e.track].bpm; };
    EXPECT_NEAR(bpm(arc->entries.front()), 95, 12);
    EXPECT_NEAR(bpm(arc->entries[7]), 150, 12);
    EXPECT_NEAR(bpm(arc->entries.back()), 105, 12);
    EXPECT_FLOAT_EQ(arc->entries[7].target_bpm, 150);
    EXPECT_LT(arc->mean_abs_bpm_error, 10.0f);
    EXPECT_TRUE(std::isnan(plain->mean_abs_bpm_error));
}

TEST(Playlist, ArcTargets) {
    auto arc = parse_bpm_arc("90:140:100");
    ASSERT_TRUE(arc);
    EXPECT_FLOAT_EQ(arc_target_bpm(*arc, 0, 11), 90);
    EXPECT_FLOAT_EQ(arc_target_bpm(*arc, 5, 11), 140);
    EXPECT_FLOAT_EQ(arc_target_bpm(*arc, 10, 11), 100);
    EXPECT_FLOAT_EQ(arc_target_bpm(*arc, 0, 1), 90);
    auto flat = parse_bpm_arc("128");
    ASSERT_TRUE(flat);
    EXPECT_FLOAT_EQ(arc_target_bpm(*flat, 3, 9), 128);
}

// Seeds along axes 0 and 1; some tracks lie between them, others near one seed only.
std::vector<TrackSpec> two_seed_specs() {
    std::mt19937 rng(5);
    std::normal_distribution<float> g(0, 0.1f);
    std::vector<TrackSpec> specs;
    auto add = [&](float a, float b) {
        std::vector<float> v(kDim);
        for (float& x : v) x = g(rng);
        v[0] += a, v[1] += b;
        specs.push_back({v});
    };
    add(1, 0), add(0, 1);                                    // 0, 1: the seeds
    for (int i = 0; i < 4; ++i) add(0.7f, 0.7f);             // 2..5: between
    for (int i = 0; i < 4; ++i) add(1, -0.2f), add(-0.2f, 1);  // 6..13: near one seed only
    for (int i = 0; i < 16; ++i) specs.push_back({random_unit(rng)});
    return specs;
}

TEST(Playlist, TheSeedSetIsMatchedAsAWhole) {
    Catalog cat = build(two_seed_specs());
    QueryEngine engine(cat);
    PlaylistSeed seed;
    seed.tracks = {0, 1};
    PlaylistOptions o;
    o.n = 4;
    o.include_seeds = false;
    auto set = make_playlist(engine, seed, o);
    o.selection = SeedSetMode::union_nn;
    auto un = make_playlist(engine, seed, o);
    ASSERT_TRUE(set && un);
    const auto between = [](const Playlist& p) {
        size_t k = 0;
        for (const PlaylistEntry& e : p.entries) k += e.track >= 2 && e.track <= 5;
        return k;
    };
    EXPECT_EQ(between(*set), 4u);
    EXPECT_LT(between(*un), 4u) << "the union takes each seed's own neighbours";
    for (const PlaylistEntry& e : set->entries) EXPECT_GT(e.fit, 0.8f);
    o.selection = SeedSetMode::soft_min;
    auto soft = make_playlist(engine, seed, o);
    ASSERT_TRUE(soft);
    EXPECT_EQ(between(*soft), 4u);
}

TEST(Playlist, SeedsAreIncludedWhenAsked) {
    Catalog cat = build(two_seed_specs());
    QueryEngine engine(cat);
    PlaylistSeed seed;
    seed.tracks = {0, 1};
    PlaylistOptions o;
    o.n = 5;
    auto pl = make_playlist(engine, seed, o);
    ASSERT_TRUE(pl);
    size_t n_seeds = 0;
    for (const PlaylistEntry& e : pl->entries) n_seeds += e.is_seed;
    EXPECT_EQ(n_seeds, 2u);
    EXPECT_EQ(pl->entries.front().transition_cost, 0.0f);
}

TEST(Playlist, ALargeLassoIsScoredOnASampleAndLeftOut) {
    Catalog cat = build(random_specs(300, 41));
    QueryEngine engine(cat);
    PlaylistSeed seed;
    for (uint32_t t = 0; t < 200; ++t) seed.tracks.push_back(t);
    PlaylistOptions o;
    o.n = 30;
    o.include_seeds = false;
    auto pl = make_playlist(engine, seed, o);
    ASSERT_TRUE(pl);
    ASSERT_EQ(pl->entries.size(), 30u);
    for (const PlaylistEntry& e : pl->entries) EXPECT_GE(e.track, 200u) << "a seed was chosen again";
    o.include_seeds = true;
    auto with = make_playlist(engine, seed, o);
    ASSERT_TRUE(with);
    for (const PlaylistEntry& e : with->entries) EXPECT_TRUE(e.is_seed);
}

TEST(Playlist, AFilesEmbeddingAndScoresAreSeedsToo) {
    Catalog cat = build(two_seed_specs());
    QueryEngine engine(cat);
    PlaylistSeed seed;
    seed.embeddings.push_back(cat.embedding(0));
    std::vector<float> scores(cat.size(), 0.0f);
    for (uint32_t t = 0; t < cat.size(); ++t) scores[t] = cat.embedding(t)[1];  // "words" that mean axis 1
    seed.scores = scores;
    PlaylistOptions o;
    o.n = 3;
    auto pl = make_playlist(engine, seed, o);
    ASSERT_TRUE(pl);
    for (const PlaylistEntry& e : pl->entries) EXPECT_TRUE(e.track >= 2 && e.track <= 5) << e.track;
}

TEST(Playlist, ExportsAreWellFormed) {
    std::vector<TrackSpec> specs = random_specs(4, 9);
    specs[0].title = "Rock & <Roll>, \"live\"";
    specs[1].title = "=HYPERLINK(\"x\")";
    Catalog cat = build(specs);
    QueryEngine engine(cat);
    PlaylistOptions o;
    o.order = OrderMethod::by_fit;
    auto pl = order_tracks(engine, all_tracks(cat), o);
    ASSERT_TRUE(pl);
    PlaylistExportOptions x;
    x.locations = {"audio/a b.opus", "", "", ""};
    std::string m3u = to_m3u8(cat, *pl, x);
    EXPECT_EQ(m3u.rfind("#EXTM3U\n", 0), 0u);
    EXPECT_NE(m3u.find("#EXTINF:60,Artist 0 - Rock & <Roll>, \"live\"\naudio/a b.opus\n"), std::string::npos) << m3u;
    EXPECT_NE(m3u.find("#EXTINF:61,Artist 1 - =HYPERLINK(\"x\")\nmusic/t1.ogg\n"), std::string::npos) << m3u;

    std::string xspf = to_xspf(cat, *pl, x);
    EXPECT_NE(xspf.find("<title>Rock &amp; &lt;Roll&gt;, &quot;live&quot;</title>"), std::string::npos) << xspf;
    EXPECT_NE(xspf.find("<location>audio/a%20b.opus</location>"), std::string::npos);
    EXPECT_NE(xspf.find("<duration>60000</duration>"), std::string::npos);
    size_t n_open = 0, n_close = 0;
    for (size_t p = 0; (p = xspf.find("<track>", p)) != std::string::npos; ++p) ++n_open;
    for (size_t p = 0; (p = xspf.find("</track>", p)) != std::string::npos; ++p) ++n_close;
    EXPECT_EQ(n_open, 4u);
    EXPECT_EQ(n_close, 4u);
    for (size_t p = 0; (p = xspf.find('&', p)) != std::string::npos; ++p)
        EXPECT_TRUE(xspf.compare(p, 5, "&amp;") == 0 || xspf.compare(p, 4, "&lt;") == 0 || xspf.compare(p, 4, "&gt;") == 0 ||
                    xspf.compare(p, 6, "&quot;") == 0 || xspf.compare(p, 6, "&apos;") == 0)
            << "a bare & at " << p;

    std::string csv = to_csv(cat, *pl, x);
    EXPECT_EQ(csv.rfind("position,id,title,artist,composer,license,attribution,source,bpm", 0), 0u);
    EXPECT_NE(csv.find(",\"Rock & <Roll>, \"\"live\"\"\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\","), std::string::npos) << csv;
    size_t n_lines = 0;
    for (size_t p = 0; (p = csv.find("\r\n", p)) != std::string::npos; ++p) ++n_lines;
    EXPECT_EQ(n_lines, 5u);
}

TEST(Playlist, BadInputGetsClearErrors) {
    Catalog cat = build(random_specs(10, 2));
    QueryEngine engine(cat);
    PlaylistSeed seed;
    PlaylistOptions o;
    auto empty = make_playlist(engine, seed, o);
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.status().message().find("seed is empty"), std::string::npos);

    seed.tracks = {99};
    auto unknown = make_playlist(engine, seed, o);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.status().message().find("seed track 99 is not in the catalog (10 tracks)"), std::string::npos);

    seed.tracks = {1};
    o.n = 0;
    auto zero = make_playlist(engine, seed, o);
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.status().message().find("n = 0"), std::string::npos);

    o.n = 20;
    auto too_many = make_playlist(engine, seed, o);
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.status().code(), ErrorCode::not_found);
    EXPECT_NE(too_many.status().message().find("10 tracks pass the filters; 20 were asked for"), std::string::npos)
        << too_many.status().message();

    o.n = 3;
    seed.embeddings.push_back(std::vector<float>(3, 1.0f));
    auto dim = make_playlist(engine, seed, o);
    ASSERT_FALSE(dim);
    EXPECT_NE(dim.status().message().find("seed file 1 has an embedding of 3 values; the catalog takes 8"), std::string::npos);

    EXPECT_FALSE(parse_bpm_arc("90:abc:100"));
    EXPECT_FALSE(parse_bpm_arc("90:140"));
    auto slow = parse_bpm_arc("10:140:100");
    ASSERT_FALSE(slow);
    EXPECT_NE(slow.status().message().find("10 is outside 30..300"), std::string::npos);

    const uint32_t twice[] = {1, 1};
    EXPECT_FALSE(order_tracks(engine, twice, o));
    EXPECT_FALSE(order_tracks(engine, std::span<const uint32_t>(), o));
}

}  // namespace
}  // namespace cf::query
