// Backward compatibility and robustness on the committed fixture (tests/data/catalog/, see its README).
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/catalog/catalog.h"
#include "core/io/container.h"
#include "core/catalog/fixture_gen.h"
#include "test_util.h"

namespace {

// Format v1 (before timelines) and v2 (TIML): the builder writes v2; v1 files must keep opening.
std::string fixture_path(int version = 2) { return cf::test::test_data_dir() + "/catalog/fixture_v" + std::to_string(version) + ".cfc"; }
// A second fixture with every section, IVF-PQ included (dim 4 keeps the PQ codebook at 4 KB).
std::string ivf_fixture_path(int version = 2) {
    return cf::test::test_data_dir() + "/catalog/fixture_ivf_v" + std::to_string(version) + ".cfc";
}
cf::CatalogBuildOptions ivf_fixture_options() {
    cf::CatalogBuildOptions o;
    o.ivf_min_tracks = 0;
    o.ivf.nlist = 3;
    o.ivf.n_sub = 2;
    return o;
}

TEST(CatalogCompat, RegenerateFixtureWhenAsked) {
    if (!std::getenv("CF_REGENERATE_CATALOG_FIXTURE")) GTEST_SKIP() << "set CF_REGENERATE_CATALOG_FIXTURE=1 to rewrite";
    auto bytes = cf::test::fixture_builder().build({});
    ASSERT_TRUE(bytes);
    std::FILE* f = std::fopen(fixture_path().c_str(), "wb");
    ASSERT_TRUE(f);
    std::fwrite(bytes->data(), 1, bytes->size(), f);
    std::fclose(f);
    auto ivf = cf::test::fixture_builder(20, 4).build(ivf_fixture_options());
    ASSERT_TRUE(ivf);
    f = std::fopen(ivf_fixture_path().c_str(), "wb");
    ASSERT_TRUE(f);
    std::fwrite(ivf->data(), 1, ivf->size(), f);
    std::fclose(f);
}

TEST(CatalogCompat, ReadsTheVersion1Fixture) {
    auto cat = cf::Catalog::open(fixture_path(1));
    ASSERT_TRUE(cat) << cat.status().message();
    ASSERT_EQ(cat->size(), 20u);
    EXPECT_EQ(cat->dim(), 16u);
    EXPECT_EQ(cat->tracks()[3].title, "Track 03 \"quoted\" — ünïcode");
    EXPECT_EQ(cat->tracks()[14].license, "Artistic");
    EXPECT_FLOAT_EQ(cat->tracks()[14].bpm, 150.0f);
    EXPECT_TRUE(cat->has_float());
    EXPECT_FALSE(cat->has_index());
    // Searches on the fixture give what the current builder's catalog gives (same format, same data).
    auto fresh = cf::Catalog::open_buffer(*cf::test::fixture_builder().build({}), "fresh");
    ASSERT_TRUE(fresh);
    cf::SearchOptions o;
    o.k = 5;
    auto a = cat->search_track("fixture/track05", o);
    auto b = fresh->search_track("fixture/track05", o);
    ASSERT_TRUE(a && b);
    ASSERT_EQ(a->size(), 5u);
    for (size_t r = 0; r < 5; ++r) EXPECT_EQ((*a)[r].id, (*b)[r].id);
    // It predates timelines and says so, naming itself and the way out.
    EXPECT_EQ(cat->format_version(), 1u);
    EXPECT_FALSE(cat->has_timeline());
    EXPECT_EQ(cat->timeline_status().message(),
              "catalog " + fixture_path(1) + " was built before timelines (format v1): rebuild it with ./cuefinder "
              "catalog build to fit tracks to a clip");
    EXPECT_TRUE(fresh->has_timeline());
}

TEST(CatalogCompat, Version1IvfFixtureOpensWithoutTimelines) {
    auto cat = cf::Catalog::open(ivf_fixture_path(1));
    ASSERT_TRUE(cat) << cat.status().message();
    EXPECT_TRUE(cat->has_index());
    EXPECT_FALSE(cat->has_timeline());
    EXPECT_FALSE(cat->timeline_status());
}

TEST(CatalogCompat, FixtureIsWhatTheBuilderWrites) {
    // If this fails the format changed: bump kContainerVersion, keep fixture_v1.cfc, add fixture_v2.cfc.
    const std::vector<uint8_t> committed = cf::test::read_bytes(fixture_path());
    auto bytes = cf::test::fixture_builder().build({});
    ASSERT_TRUE(bytes);
    EXPECT_EQ(committed, *bytes);
}

TEST(CatalogCompat, TruncationAtEveryByteIsAnErrorNotACrash) {
  for (int version : {1, 2, 3}) {
    const std::vector<uint8_t> bytes = cf::test::read_bytes(fixture_path(version));
    ASSERT_GT(bytes.size(), 1000u);
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto cat = cf::Catalog::open_memory(std::span<const uint8_t>(bytes.data(), n), "cut.cfc");
        ASSERT_FALSE(cat) << "accepted a catalog cut at byte " << n;
        ASSERT_NE(cat.status().message().find("cut.cfc"), std::string::npos) << cat.status().message();
    }
  }
}

TEST(CatalogCompat, ByteFlipsAreChecksumErrors) {
    const std::vector<uint8_t> bytes = cf::test::read_bytes(fixture_path());
    auto reader = cf::ContainerReader::parse(bytes, "f");
    ASSERT_TRUE(reader);
    ASSERT_TRUE(reader->section("TIML"));  // the v2 fixture's timelines are covered too
    size_t n_detected = 0, n_payload = 0;
    for (const std::string& tag : reader->tags()) {
        const auto s = *reader->section(tag);
        const size_t begin = size_t(s.data() - bytes.data());
        for (size_t i = begin; i < begin + s.size(); i += 7) {
            std::vector<uint8_t> bad = bytes;
            bad[i] ^= 0x5A;
            auto cat = cf::Catalog::open_memory(bad, "flip.cfc");
            ++n_payload;
            if (!cat && cat.status().message() == "flip.cfc: bad checksum in section " + tag) ++n_detected;
        }
    }
    EXPECT_EQ(n_detected, n_payload);
}

TEST(CatalogCompat, IvfFixtureReadsAndSurvivesTruncationEverywhere) {
    const std::vector<uint8_t> bytes = cf::test::read_bytes(ivf_fixture_path());
    auto fresh = cf::test::fixture_builder(20, 4).build(ivf_fixture_options());
    ASSERT_TRUE(fresh);
    EXPECT_EQ(bytes, *fresh);
    auto full = cf::Catalog::open_memory(bytes, "ivf.cfc");
    ASSERT_TRUE(full) << full.status().message();
    ASSERT_TRUE(full->has_index());
    EXPECT_EQ(full->ivf().nlist, 3u);
    for (size_t n = 0; n < bytes.size(); ++n)
        ASSERT_FALSE(cf::Catalog::open_memory(std::span<const uint8_t>(bytes.data(), n), "cut"));
}

}  // namespace
