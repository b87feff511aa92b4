// The TIML section (per-track timelines, format v2): round trip, old catalogs, corrupt bytes, size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/catalog/catalog.h"
#include "core/catalog/fixture_gen.h"
#include "core/fit/fit.h"
#include "core/io/container.h"
#include "test_util.h"

namespace {

double cosine(const float* a, const float* b, size_t n) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; ++i) ab += double(a[i]) * b[i], aa += double(a[i]) * a[i], bb += double(b[i]) * b[i];
    return ab / std::sqrt(aa * bb);
}

cf::Catalog open_fixture() {
    auto cat = cf::Catalog::open_buffer(*cf::test::fixture_builder().build({}), "fixture");
    CF_ASSERT(cat.is_ok());
    return std::move(*cat);
}

// The catalog bytes with section `tag`'s payload replaced by `payload` (checksums made right, so only
// the section's own reader can object).
std::vector<uint8_t> with_section(const std::vector<uint8_t>& file, const std::string& tag, std::vector<uint8_t> payload) {
    auto r = cf::ContainerReader::parse(file, "in");
    CF_ASSERT(r.is_ok());
    cf::ContainerWriter w;
    for (const std::string& t : r->tags()) {
        const auto s = *r->section(t);
        w.add_section(t, t == tag ? payload : std::vector<uint8_t>(s.begin(), s.end()));
    }
    return w.finish();
}

TEST(CatalogTimeline, RoundTripKeepsBeatsEnergyAndWindows) {
    const cf::Catalog cat = open_fixture();
    ASSERT_TRUE(cat.has_timeline());
    EXPECT_TRUE(cat.timeline_status());
    EXPECT_EQ(cat.format_version(), 2u);  // a catalog without a similarity space is still written as v2
    const std::vector<float> v = cf::test::clustered_vectors(cf::test::kFixtureTracks, cf::test::kFixtureDim, 4, 42);
    for (uint32_t i = 0; i < 19; ++i) {
        const cf::TrackMeta meta = cf::test::fixture_track(i);
        const cf::TrackTimeline want = cf::test::fixture_timeline(meta, v.data() + i * cf::test::kFixtureDim, cf::test::kFixtureDim);
        const cf::TrackTimeline got = cat.timeline(i);
        ASSERT_TRUE(cf::validate(got)) << i;
        EXPECT_NEAR(got.duration_s, want.duration_s, 1e-4);
        EXPECT_NEAR(got.bpm, want.bpm, 1e-4);
        EXPECT_NEAR(got.beat_confidence, want.beat_confidence, 1e-6);
        ASSERT_EQ(got.beats_s.size(), want.beats_s.size());
        for (size_t b = 0; b < want.beats_s.size(); ++b) EXPECT_NEAR(got.beats_s[b], want.beats_s[b], 0.0005);
        ASSERT_EQ(got.energy_db.size(), want.energy_db.size());
        for (size_t e = 0; e < want.energy_db.size(); ++e) {
            EXPECT_NEAR(got.energy_times_s[e], want.energy_times_s[e], 0.0005);
            EXPECT_NEAR(got.energy_db[e], want.energy_db[e], 0.25);  // half of the 0.5 dB step
        }
        ASSERT_EQ(got.embedding_dim, cf::test::kFixtureDim);
        ASSERT_EQ(got.embedding_times_s.size(), 8u);
        for (size_t w = 0; w < 8; ++w)  // int8 with a per-window scale keeps the direction
            EXPECT_GT(cosine(got.embeddings.data() + w * 16, want.embeddings.data() + w * 16, 16), 0.9995) << i << " " << w;
    }
}

TEST(CatalogTimeline, TrackAddedWithoutOneHasEmptySeries) {
    const cf::TrackTimeline t = open_fixture().timeline(19);
    EXPECT_NEAR(t.duration_s, cf::test::fixture_track(19).duration_s, 1e-4);
    EXPECT_EQ(t.bpm, 0.0);
    EXPECT_TRUE(t.beats_s.empty() && t.energy_db.empty() && t.embeddings.empty());
}

TEST(CatalogTimeline, CatalogWithoutTimelinesSaysSoAndHasNoSection) {
    cf::CatalogBuilder b(2);
    ASSERT_TRUE(b.add_track(cf::test::fixture_track(0), std::vector<float>{1, 0}));
    const std::vector<uint8_t> bytes = *b.build({});
    EXPECT_FALSE(cf::ContainerReader::parse(bytes, "x")->section("TIML"));
    auto cat = cf::Catalog::open_memory(bytes, "mem.cfc");
    ASSERT_TRUE(cat);
    EXPECT_FALSE(cat->has_timeline());
    EXPECT_EQ(cat->timeline_status().message(),
              "catalog mem.cfc has no track timelines: rebuild it with ./cuefinder catalog build to fit tracks to a clip");
}

TEST(CatalogTimeline, BuilderRejectsBadTimelinesNamingTheTrack) {
    cf::CatalogBuilder b(2);
    cf::TrackTimeline t;
    t.duration_s = 10;
    t.beats_s = {1.0, 0.5};
    auto st = b.add_track(cf::test::fixture_track(0), std::vector<float>{1, 0}, {}, &t);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("fixture/track00"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("beats_s"), std::string::npos) << st.message();
    t.beats_s = {0.5};
    t.embedding_times_s = {1.0};
    t.embedding_dim = 3;
    t.embeddings = {1, 0, 0};
    st = b.add_track(cf::test::fixture_track(0), std::vector<float>{1, 0}, {}, &t);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("dim 3"), std::string::npos) << st.message();
    EXPECT_EQ(b.size(), 0u);
}

TEST(CatalogTimeline, CorruptSectionIsAnErrorNamingIt) {
    const std::vector<uint8_t> good = *cf::test::fixture_builder().build({});
    const auto r = cf::ContainerReader::parse(good, "in");
    const auto tl = *r->section("TIML");
    std::vector<uint8_t> payload(tl.begin(), tl.end());
    struct Case { size_t offset; uint32_t value; const char* says; };
    // offsets: header n_tracks; dim; encoding; first record's n_beats (16 + 12).
    for (const Case& c : {Case{0, 7, "does not match INFO"}, Case{4, 5, "window dim 5"}, Case{8, 9, "unknown encoding 9"},
                          Case{28, 1u << 30, "do not fit"}}) {
        std::vector<uint8_t> bad = payload;
        std::memcpy(bad.data() + c.offset, &c.value, 4);
        auto cat = cf::Catalog::open_memory(with_section(good, "TIML", bad), "bad.cfc");
        ASSERT_FALSE(cat) << c.says;
        EXPECT_NE(cat.status().message().find("bad.cfc: section TIML"), std::string::npos) << cat.status().message();
        EXPECT_NE(cat.status().message().find(c.says), std::string::npos) << cat.status().message();
    }
    for (size_t cut : {size_t(3), size_t(20), payload.size() / 2, payload.size() - 1}) {
        auto cat = cf::Catalog::open_memory(with_section(good, "TIML", std::vector<uint8_t>(payload.begin(), payload.begin() + long(cut))), "cut.cfc");
        ASSERT_FALSE(cat) << cut;
        EXPECT_NE(cat.status().message().find("section TIML"), std::string::npos) << cat.status().message();
    }
    payload.push_back(0);
    auto extra = cf::Catalog::open_memory(with_section(good, "TIML", payload), "extra.cfc");
    ASSERT_FALSE(extra);
    EXPECT_NE(extra.status().message().find("1 bytes left"), std::string::npos) << extra.status().message();
}

// A typical catalog track: 3 minutes at 120 BPM (360 beats), the 0.5 s energy curve (360 points) and
// the catalog profile's 8 windows of the 200-d embedding. Its record must stay a few KB.
TEST(CatalogTimeline, SizePerTypicalTrack) {
    const size_t dim = 200;
    cf::CatalogBuilder b(dim);
    std::vector<float> e(dim, 0.1f);
    cf::TrackMeta m = cf::test::fixture_track(0);
    cf::TrackTimeline t;
    t.duration_s = 180;
    t.bpm = 120;
    t.beat_confidence = 0.9;
    for (int i = 0; i < 360; ++i) t.beats_s.push_back(0.3 + 0.5 * i);
    for (int i = 1; i <= 360; ++i) t.energy_times_s.push_back(0.5 * i), t.energy_db.push_back(-20.0f - float(i % 7));
    t.embedding_dim = dim;
    for (int w = 0; w < 8; ++w) {
        t.embedding_times_s.push_back(11.25 + 22.5 * w);
        for (size_t d = 0; d < dim; ++d) t.embeddings.push_back(std::sin(float(w * dim + d)));
    }
    ASSERT_TRUE(b.add_track(m, e, {}, &t));
    auto cat = cf::Catalog::open_memory(*b.build({}), "size");
    ASSERT_TRUE(cat);
    const size_t record = cat->timeline_section_bytes() - 16;  // minus the section header
    // 24 header + 360·2 beats + 360·3 energy + 8·2 window times + 8·(4 + 200) windows = 3472
    EXPECT_EQ(record, 3472u);
    ::testing::Test::RecordProperty("timeline_bytes_per_track", int(record));
}

}  // namespace
