// Catalogs with a similarity space (format v3, SPCE): what is stored, queries through to_query(), and
// catalogs from before it (v1, v2) opening and searching exactly as before, saying so.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/catalog/catalog.h"
#include "core/catalog/fixture_gen.h"
#include "core/fit/fit.h"
#include "core/io/container.h"
#include "test_util.h"

namespace {

std::string fixture_path(int version) { return cf::test::test_data_dir() + "/catalog/fixture_v" + std::to_string(version) + ".cfc"; }

// The fixture's input-space embedding of track i (what a file query of that track's audio would be).
std::vector<float> input_embedding(size_t i) {
    const std::vector<float> v = cf::test::clustered_vectors(cf::test::kFixtureTracks, cf::test::kFixtureDim, 4, 42);
    return {v.begin() + ptrdiff_t(i * cf::test::kFixtureDim), v.begin() + ptrdiff_t((i + 1) * cf::test::kFixtureDim)};
}

cf::Catalog v3_catalog() {
    const cf::index::Space space = cf::test::fixture_space();
    auto bytes = cf::test::fixture_builder(cf::test::kFixtureTracks, cf::test::kFixtureDim, &space).build({});
    CF_ASSERT(bytes.is_ok());
    auto cat = cf::Catalog::open_buffer(std::move(*bytes), "v3.cfc");
    CF_ASSERT(cat.is_ok());
    return std::move(*cat);
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) d += double(a[i]) * b[i], na += double(a[i]) * a[i], nb += double(b[i]) * b[i];
    return d / std::sqrt(na * nb);
}

TEST(CatalogSpace, RegenerateFixtureWhenAsked) {
    if (!std::getenv("CF_REGENERATE_CATALOG_FIXTURE")) GTEST_SKIP() << "set CF_REGENERATE_CATALOG_FIXTURE=1 to rewrite";
    const cf::index::Space space = cf::test::fixture_space();
    auto bytes = cf::test::fixture_builder(cf::test::kFixtureTracks, cf::test::kFixtureDim, &space).build({});
    ASSERT_TRUE(bytes);
    std::FILE* f = std::fopen(fixture_path(3).c_str(), "wb");
    ASSERT_TRUE(f);
    std::fwrite(bytes->data(), 1, bytes->size(), f);
    std::fclose(f);
}

TEST(CatalogSpace, FixtureV3IsWhatTheBuilderWritesAndHoldsTheSpace) {
    const cf::index::Space space = cf::test::fixture_space();
    auto bytes = cf::test::fixture_builder(cf::test::kFixtureTracks, cf::test::kFixtureDim, &space).build({});
    ASSERT_TRUE(bytes);
    EXPECT_EQ(cf::test::read_bytes(fixture_path(3)), *bytes) << "the v3 format changed: see tests/data/catalog/README.md";
    auto cat = cf::Catalog::open(fixture_path(3));
    ASSERT_TRUE(cat) << cat.status().message();
    EXPECT_EQ(cat->format_version(), 3u);
    ASSERT_TRUE(cat->space());
    EXPECT_TRUE(cat->space_status());
    EXPECT_EQ(cat->space()->matrix, space.matrix);
    EXPECT_EQ(cat->dim(), 12u);  // the space's dim_out
    EXPECT_EQ(cat->input_dim(), cf::test::kFixtureDim);
}

TEST(CatalogSpace, StoredEmbeddingsAndWindowsAreTheSpacesImages) {
    const cf::Catalog cat = v3_catalog();
    const cf::index::Space& space = *cat.space();
    for (uint32_t i = 0; i < cat.size(); ++i) {
        auto image = space.apply(input_embedding(i));
        ASSERT_TRUE(image);
        const std::vector<float> stored = cat.embedding(i);
        for (size_t d = 0; d < cat.dim(); ++d) EXPECT_NEAR(stored[d], (*image)[d], 1e-6);
        if (i == 19) continue;  // no timeline
        const cf::TrackTimeline t = cat.timeline(i);
        ASSERT_EQ(t.embedding_dim, cat.dim());
        const cf::TrackTimeline input = cf::test::fixture_timeline(cat.tracks()[i], input_embedding(i).data(), cf::test::kFixtureDim);
        for (size_t w = 0; w < t.embedding_times_s.size(); ++w) {
            auto wi = space.apply(std::span<const float>(input.embeddings.data() + w * input.embedding_dim, input.embedding_dim));
            ASSERT_TRUE(wi);
            const std::vector<float> stored_w(t.embeddings.begin() + ptrdiff_t(w * t.embedding_dim),
                                              t.embeddings.begin() + ptrdiff_t((w + 1) * t.embedding_dim));
            EXPECT_GT(cosine(stored_w, *wi), 0.9995);  // int8 per window (docs/catalog-format.md)
        }
    }
}

TEST(CatalogSpace, AFileQueryIsSearchedInTheSpace) {
    const cf::Catalog cat = v3_catalog();
    cf::SearchOptions o;
    o.k = 5;
    for (uint32_t i = 0; i < cat.size(); i += 3) {
        // A file with track i's audio: its input embedding, scaled (a file's norm is arbitrary).
        std::vector<float> file = input_embedding(i);
        for (float& v : file) v *= 3.0f;
        auto q = cat.to_query(file);
        ASSERT_TRUE(q) << q.status().message();
        ASSERT_EQ(q->size(), cat.dim());
        auto projected = cat.space()->apply(file);
        ASSERT_TRUE(projected);
        EXPECT_EQ(*q, *projected);
        auto hits = cat.search(*q, o);
        ASSERT_TRUE(hits);
        EXPECT_EQ((*hits)[0].id, cat.tracks()[i].id);  // it finds itself
        EXPECT_NEAR((*hits)[0].score, 1.0f, 1e-5);
        // and ranks the rest as the track's own search does
        auto own = cat.search_track(cat.tracks()[i].id, o);
        ASSERT_TRUE(own);
        for (size_t r = 0; r + 1 < 5; ++r) EXPECT_EQ((*hits)[r + 1].id, (*own)[r].id);
    }
    EXPECT_FALSE(cat.to_query(std::vector<float>(cat.dim(), 1.0f)));  // a stored-space vector is not an input
    EXPECT_FALSE(cat.to_query(std::vector<float>(cat.input_dim(), 0.0f)));
    // Searching with the unprojected input is refused (other size), not silently wrong.
    EXPECT_FALSE(cat.search(input_embedding(0), o));
}

TEST(CatalogSpace, OldCatalogsSearchAsBeforeAndSaySo) {
    for (int version : {1, 2}) {
        auto cat = cf::Catalog::open(fixture_path(version));
        ASSERT_TRUE(cat) << cat.status().message();
        EXPECT_FALSE(cat->space());
        EXPECT_EQ(cat->input_dim(), cat->dim());
        const cf::Status st = cat->space_status();
        EXPECT_EQ(st.code(), cf::ErrorCode::unsupported_format);
        EXPECT_EQ(st.message(), "catalog " + fixture_path(version) + " was built before the learned similarity space (format v" +
                                    std::to_string(version) + "): search uses the plain embedding; rebuild it with ./cuefinder "
                                    "catalog build");
        cf::SearchOptions o;
        o.k = 6;
        std::vector<float> file = input_embedding(4);
        for (float& v : file) v *= 0.25f;
        auto q = cat->to_query(file);
        ASSERT_TRUE(q);
        EXPECT_EQ(*q, file);  // the identity
        auto a = cat->search(*q, o), b = cat->search(file, o);
        ASSERT_TRUE(a && b);
        for (size_t r = 0; r < 6; ++r) {
            EXPECT_EQ((*a)[r].id, (*b)[r].id);
            EXPECT_EQ((*a)[r].score, (*b)[r].score);
        }
    }
    // A plain build is still format v2 (older readers open it).
    auto plain = cf::test::fixture_builder().build({});
    ASSERT_TRUE(plain);
    auto reader = cf::ContainerReader::parse(*plain, "plain");
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->version(), 2u);
}

TEST(CatalogSpace, BuilderChecksTheSpace) {
    cf::CatalogBuilder b(cf::test::kFixtureDim, "x");
    EXPECT_FALSE(b.set_space(cf::index::identity_space(cf::test::kFixtureDim + 1)));
    cf::index::Space broken = cf::index::identity_space(cf::test::kFixtureDim);
    broken.matrix.pop_back();
    EXPECT_FALSE(b.set_space(broken));
    ASSERT_TRUE(b.set_space(cf::test::fixture_space()));
    EXPECT_EQ(b.stored_dim(), 12u);
    const cf::TrackMeta t = cf::test::fixture_track(0);
    ASSERT_TRUE(b.add_track(t, input_embedding(0)));
    // A track whose (unit) embedding is the space's mean has no direction in the space: an error naming it.
    cf::index::Space centred = cf::index::identity_space(cf::test::kFixtureDim);
    centred.mean[0] = 1.0f;
    cf::CatalogBuilder b2(cf::test::kFixtureDim, "x");
    ASSERT_TRUE(b2.set_space(centred));
    std::vector<float> e0(cf::test::kFixtureDim, 0.0f);
    e0[0] = 2.0f;
    const cf::Status st = b2.add_track(t, e0);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("fixture/track00"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("no direction"), std::string::npos) << st.message();
    EXPECT_FALSE(b.set_space(cf::test::fixture_space()));  // after add_track
}

// A fused space (core/index/space.h FusedSpaces): the builder stores the image it is given, the space
// stays the query map, INPT keeps the input; without a space or with a bad image it is an error.
TEST(CatalogSpace, StoredImageIsKeptAndQueriesStillGoThroughTheSpace) {
    const cf::index::Space space = cf::test::fixture_space();
    cf::CatalogBuilder b(cf::test::kFixtureDim, "x");
    ASSERT_TRUE(b.set_space(space));
    std::vector<float> image(space.dim_out, 0.0f);
    image[1] = 3.0f;  // stored at unit length
    ASSERT_TRUE(b.add_track(cf::test::fixture_track(0), input_embedding(0), {}, nullptr, image));
    ASSERT_TRUE(b.add_track(cf::test::fixture_track(1), input_embedding(1)));
    auto bytes = b.build({});
    ASSERT_TRUE(bytes) << bytes.status().message();
    auto cat = cf::Catalog::open_buffer(std::move(*bytes), "fused.cfc");
    ASSERT_TRUE(cat) << cat.status().message();
    const std::vector<float> e0 = cat->embedding(0);
    ASSERT_EQ(e0.size(), space.dim_out);
    EXPECT_NEAR(e0[1], 1.0f, 1e-6);
    EXPECT_NEAR(cosine(cat->input_embedding(0), input_embedding(0)), 1.0, 1e-3);  // INPT: the input, not the image
    EXPECT_NEAR(cosine(cat->embedding(1), *space.apply(input_embedding(1))), 1.0, 1e-6);
    auto q = cat->to_query(input_embedding(0));
    ASSERT_TRUE(q);
    EXPECT_NEAR(cosine(*q, *space.apply(input_embedding(0))), 1.0, 1e-6);
    // Errors name the track: no space, wrong size, all zeros.
    cf::CatalogBuilder plain(cf::test::kFixtureDim, "x");
    cf::Status st = plain.add_track(cf::test::fixture_track(0), input_embedding(0), {}, nullptr, image);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("needs a space"), std::string::npos) << st.message();
    image.push_back(1.0f);
    st = b.add_track(cf::test::fixture_track(2), input_embedding(2), {}, nullptr, image);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("fixture/track02"), std::string::npos) << st.message();
    const std::vector<float> zeros(space.dim_out, 0.0f);
    EXPECT_FALSE(b.add_track(cf::test::fixture_track(2), input_embedding(2), {}, nullptr, zeros));
}

TEST(CatalogSpace, ASpaceOfTheWrongSizeIsCorrupt) {
    // A SPCE section whose dim_out is not INFO's dim: built by hand from a v3 catalog's sections.
    std::vector<uint8_t> bytes = cf::test::read_bytes(fixture_path(3));
    auto reader = cf::ContainerReader::parse(bytes, "v3");
    ASSERT_TRUE(reader);
    cf::ContainerWriter w;
    for (const std::string& tag : reader->tags()) {
        auto payload = *reader->section(tag);
        if (tag == "SPCE") w.add_section(tag, cf::index::serialize_space(cf::test::fixture_space(cf::test::kFixtureTracks, cf::test::kFixtureDim, 10)));
        else w.add_section(tag, std::vector<uint8_t>(payload.begin(), payload.end()));
    }
    auto cat = cf::Catalog::open_buffer(w.finish(3), "odd.cfc");
    ASSERT_FALSE(cat);
    EXPECT_EQ(cat.status().message(), "odd.cfc: section SPCE: the space gives 10 values, INFO's dim is 12");
}

}  // namespace

namespace {

TEST(CatalogSpace, UpgradeFitsTheSpaceOnStoredWindowsWithoutTheAnalyses) {
    auto old = cf::Catalog::open(fixture_path(2));
    ASSERT_TRUE(old);
    // The windows as the v2 catalog stores them (unit length, int8).
    std::vector<std::vector<float>> windows;
    std::vector<cf::index::TrackWindows> tracks;
    for (uint32_t t = 0; t < old->size(); ++t) windows.push_back(old->timeline(t).embeddings);
    for (const auto& w : windows) tracks.push_back({w.data(), w.size() / old->dim()});
    cf::index::WccnOptions o;
    o.keep_dims = 6;
    auto space = cf::index::fit_wccn(tracks, old->dim(), o);
    ASSERT_TRUE(space) << space.status().message();
    auto builder = cf::upgrade_builder(*old, *space);
    ASSERT_TRUE(builder) << builder.status().message();
    auto bytes = builder->build({});
    ASSERT_TRUE(bytes);
    auto up = cf::Catalog::open_buffer(std::move(*bytes), "up.cfc");
    ASSERT_TRUE(up) << up.status().message();
    EXPECT_EQ(up->format_version(), 3u);
    ASSERT_EQ(up->size(), old->size());
    EXPECT_EQ(up->dim(), 6u);
    EXPECT_EQ(up->input_dim(), old->dim());
    for (uint32_t t = 0; t < up->size(); ++t) {
        EXPECT_EQ(up->tracks()[t].id, old->tracks()[t].id);
        EXPECT_EQ(up->tracks()[t].title, old->tracks()[t].title);
        const std::vector<float> want = *space->apply(old->embedding(t));
        const std::vector<float> got = up->embedding(t);
        for (size_t d = 0; d < 6; ++d) EXPECT_NEAR(got[d], want[d], 1e-6);
        EXPECT_EQ(up->timeline(t).beats_s.size(), old->timeline(t).beats_s.size());
        EXPECT_EQ(up->timeline(t).embedding_times_s, old->timeline(t).embedding_times_s);
    }
    EXPECT_EQ(up->map_xy(), old->map_xy());
    // A catalog that has a space is not upgraded again.
    EXPECT_FALSE(cf::upgrade_builder(*up, *space));
}

}  // namespace

TEST(CatalogSpace, KeepsEveryTracksInputEmbeddingForTheTextMatcher) {
    const cf::index::Space space = cf::test::fixture_space();
    auto plain_bytes = cf::test::fixture_builder(cf::test::kFixtureTracks, cf::test::kFixtureDim, nullptr).build({});
    ASSERT_TRUE(plain_bytes);
    auto plain = cf::Catalog::open_buffer(std::move(*plain_bytes), "plain");
    auto v3 = cf::Catalog::open(fixture_path(3));
    ASSERT_TRUE(plain && v3);
    ASSERT_EQ(v3->input_dim(), plain->dim());
    for (uint32_t t = 0; t < v3->size(); ++t) {
        const std::vector<float> a = v3->input_embedding(t), b = plain->input_embedding(t);
        ASSERT_EQ(a.size(), b.size());
        for (size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 0.01f) << "track " << t << " value " << k;
        EXPECT_GT(cosine(a, b), 0.9999) << "int8, unit length";
    }
    EXPECT_EQ(plain->input_embedding(3), plain->embedding(3)) << "no space: the stored embedding";
}
