// The optional TAGP section: every track's probability for each of the catalog's tag labels.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/io/container.h"
#include "core/catalog/fixture_gen.h"

namespace {

std::vector<std::string> labels(size_t n_msd, size_t n_mtt) {
    std::vector<std::string> l;
    for (size_t i = 0; i < n_msd; ++i) l.push_back("msd:tag" + std::to_string(i));
    for (size_t i = 0; i < n_mtt; ++i) l.push_back("mtt:tag" + std::to_string(i));
    return l;
}

/// Probabilities of track i: spread over [0, 1] with both ends, code midpoints (k + 0.5)/255 ± ε and
/// irregular values.
std::vector<float> probs_of(size_t i, size_t n_labels) {
    std::vector<float> p(n_labels);
    for (size_t j = 0; j < n_labels; ++j) {
        const size_t k = (i * 31 + j * 17) % 257;
        if (k == 0) p[j] = 0.0f;
        else if (k == 256) p[j] = 1.0f;
        else if (k % 3 == 0) p[j] = (float(k % 255) + 0.5f) / 255.0f + (k % 2 ? 1e-6f : -1e-6f);
        else p[j] = float(std::fmod(0.6180339887 * double(i * n_labels + j + 1), 1.0));
    }
    return p;
}

cf::CatalogBuilder tagp_builder(size_t n, size_t dim, const std::vector<std::string>& tag_labels) {
    cf::CatalogBuilder b(dim, "fixture-" + std::to_string(dim) + "d");
    cf::Status s = b.set_tag_labels(tag_labels);
    CF_ASSERT(s.is_ok());
    const std::vector<float> v = cf::test::clustered_vectors(n, dim, 4, 42);
    for (size_t i = 0; i < n; ++i) {
        const std::vector<float> p = probs_of(i, tag_labels.size());
        s = b.add_track(cf::test::fixture_track(i), std::span<const float>(v.data() + i * dim, dim), p);
        CF_ASSERT(s.is_ok());
    }
    return b;
}

std::vector<uint8_t> build_bytes(const cf::CatalogBuilder& b, cf::CatalogBuildOptions o = {}) {
    auto bytes = b.build(o);
    CF_ASSERT(bytes.is_ok());
    return *bytes;
}

/// The container `bytes` with section `tag`'s payload replaced (checksums recomputed, so only the
/// catalog's own checks can catch what is wrong with it).
std::vector<uint8_t> with_section(const std::vector<uint8_t>& bytes, const std::string& tag, std::vector<uint8_t> payload) {
    auto r = cf::ContainerReader::parse(bytes, "src");
    CF_ASSERT(r.is_ok());
    cf::ContainerWriter w;
    for (const std::string& t : r->tags()) {
        if (t == tag) {
            w.add_section(t, payload);
        } else {
            const auto s = *r->section(t);
            w.add_section(t, std::vector<uint8_t>(s.begin(), s.end()));
        }
    }
    return w.finish();
}

struct TagpPayload {
    uint32_t n = 20, n_labels = 3, encoding = 1, reserved = 0;
    std::vector<std::string> labels = {"msd:rock", "msd:pop", "mtt:piano"};
    size_t n_codes = 60;
    size_t extra_bytes = 0;
    std::vector<uint8_t> bytes() const {
        cf::PayloadWriter w;
        w.u32(n);
        w.u32(n_labels);
        w.u32(encoding);
        w.u32(reserved);
        for (const std::string& l : labels) w.str(l);
        w.align(16);
        for (size_t i = 0; i < n_codes + extra_bytes; ++i) w.u8(uint8_t(i * 37));
        return std::move(w.bytes());
    }
};

TEST(CatalogTagp, RoundTripWithinHalfACode) {
    const size_t n = 20, dim = 16;
    const std::vector<std::string> l = labels(50, 50);
    const cf::CatalogBuilder b = tagp_builder(n, dim, l);
    EXPECT_EQ(b.tag_labels(), l);
    auto cat = cf::Catalog::open_buffer(build_bytes(b), "mem.cfc");
    ASSERT_TRUE(cat) << cat.status().message();
    ASSERT_TRUE(cat->has_tag_probs());
    EXPECT_EQ(cat->tag_labels(), l);
    ASSERT_EQ(cat->tag_codes().size(), n * l.size());
    std::vector<float> row(l.size());
    float max_err = 0.0f;
    for (uint32_t i = 0; i < n; ++i) {
        const std::vector<float> want = probs_of(i, l.size());
        cat->tag_probs(i, row.data());
        for (size_t j = 0; j < l.size(); ++j) {
            const float got = cat->tag_prob(i, j);
            EXPECT_EQ(row[j], got);
            EXPECT_EQ(cat->tag_codes()[i * l.size() + j], uint8_t(std::lround(double(want[j]) * 255.0)));
            EXPECT_GE(got, 0.0f);
            EXPECT_LE(got, 1.0f);
            max_err = std::max(max_err, std::fabs(got - want[j]));
        }
        EXPECT_EQ(cat->tag_prob(i, 0) == 0.0f, want[0] == 0.0f);
    }
    // Quantisation: round(p·255)/255 is within half a code of p (+ float rounding of the decode).
    EXPECT_LE(max_err, 0.5f / 255.0f + 1e-6f);
    EXPECT_GT(max_err, 0.45f / 255.0f);  // the midpoint cases were exercised
    // Exact ends survive.
    bool saw_zero = false, saw_one = false;
    for (uint8_t c : cat->tag_codes()) { saw_zero |= c == 0; saw_one |= c == 255; }
    EXPECT_TRUE(saw_zero && saw_one);
    // Everything else is as without TAGP.
    auto plain = cf::Catalog::open_buffer(build_bytes(cf::test::fixture_builder(n, dim)), "plain");
    ASSERT_TRUE(plain);
    for (uint32_t i = 0; i < n; ++i) {
        EXPECT_EQ(cat->tracks()[i].id, plain->tracks()[i].id);
        EXPECT_EQ(cat->embedding(i), plain->embedding(i));
    }
    EXPECT_EQ(cat->map_xy(), plain->map_xy());
}

TEST(CatalogTagp, FileRoundTripAndDeterministicBytes) {
    const std::vector<std::string> l = labels(5, 3);
    EXPECT_EQ(build_bytes(tagp_builder(30, 8, l)), build_bytes(tagp_builder(30, 8, l)));
    const std::string dir = testing::TempDir() + "/cf_catalog_tagp_test";
    ASSERT_TRUE(tagp_builder(30, 8, l).write(dir, {}));
    auto cat = cf::Catalog::open(dir);
    ASSERT_TRUE(cat) << cat.status().message();
    EXPECT_EQ(cat->tag_labels(), l);
    EXPECT_NEAR(cat->tag_prob(29, 7), probs_of(29, 8)[7], 0.5f / 255.0f + 1e-6f);
    std::remove((dir + "/catalog.cfc").c_str());
    std::remove((dir + "/catalog.json").c_str());
}

TEST(CatalogTagp, SectionLayout) {
    // u32 n, u32 L, u32 encoding = 1, u32 0; L strings; zeros to 16; n × L codes.
    const std::vector<std::string> l = {"msd:rock", "mtt:piano", "mtt:no vocals"};
    const std::vector<uint8_t> bytes = build_bytes(tagp_builder(4, 8, l));
    auto r = cf::ContainerReader::parse(bytes, "mem");
    ASSERT_TRUE(r);
    auto s = r->section("TAGP");
    ASSERT_TRUE(s);
    cf::PayloadReader p(*s, "TAGP");
    uint32_t n = 0, L = 0, enc = 0, res = 9;
    ASSERT_TRUE(p.u32(n) && p.u32(L) && p.u32(enc) && p.u32(res));
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(L, 3u);
    EXPECT_EQ(enc, 1u);
    EXPECT_EQ(res, 0u);
    for (const std::string& want : l) {
        std::string got;
        ASSERT_TRUE(p.str(got));
        EXPECT_EQ(got, want);
    }
    ASSERT_TRUE(p.align(16));
    EXPECT_EQ(p.remaining(), 4u * 3u);
    std::vector<uint8_t> codes;
    ASSERT_TRUE(p.array(codes, 12));
    EXPECT_EQ(codes[1 * 3 + 2], uint8_t(std::lround(double(probs_of(1, 3)[2]) * 255.0)));
}

TEST(CatalogTagp, AbsentSection) {
    const std::vector<uint8_t> bytes = build_bytes(cf::test::fixture_builder());
    auto r = cf::ContainerReader::parse(bytes, "mem");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->section("TAGP"));  // a builder without labels writes no TAGP (and the same bytes as before)
    auto cat = cf::Catalog::open_buffer(bytes, "mem");
    ASSERT_TRUE(cat);
    EXPECT_FALSE(cat->has_tag_probs());
    EXPECT_TRUE(cat->tag_labels().empty());
    EXPECT_TRUE(cat->tag_codes().empty());
}

TEST(CatalogTagp, WorksWithTheIvfIndex) {
    cf::CatalogBuildOptions o;
    o.ivf_min_tracks = 0;
    o.ivf.nlist = 3;
    o.ivf.n_sub = 2;
    auto cat = cf::Catalog::open_buffer(build_bytes(tagp_builder(40, 4, labels(2, 2)), o), "ivf");
    ASSERT_TRUE(cat) << cat.status().message();
    EXPECT_TRUE(cat->has_index());
    EXPECT_EQ(cat->tag_codes().size(), 40u * 4u);
}

TEST(CatalogTagp, BuilderErrors) {
    const float e[4] = {1, 0, 0, 0};
    cf::TrackMeta t;
    t.id = "pkg/song";
    {
        cf::CatalogBuilder b(4);
        EXPECT_FALSE(b.set_tag_labels({}));
        EXPECT_FALSE(b.set_tag_labels({"msd:rock", ""}));
        const cf::Status dup = b.set_tag_labels({"msd:rock", "mtt:rock", "msd:rock"});
        ASSERT_FALSE(dup);
        EXPECT_EQ(dup.code(), cf::ErrorCode::invalid_argument);
        EXPECT_NE(dup.message().find("\"msd:rock\" repeated"), std::string::npos) << dup.message();
        EXPECT_FALSE(b.set_tag_labels({"msd:rock\nmsd:pop"}));
        EXPECT_FALSE(b.set_tag_labels({std::string(cf::kMaxTagLabelBytes + 1, 'x')}));
        EXPECT_TRUE(b.tag_labels().empty());  // failed calls leave no labels behind
        // Without labels: no probabilities.
        const float p1[1] = {0.5f};
        const cf::Status extra = b.add_track(t, e, p1);
        ASSERT_FALSE(extra);
        EXPECT_NE(extra.message().find("pkg/song"), std::string::npos) << extra.message();
        EXPECT_TRUE(b.add_track(t, e));
        // Labels after tracks: refused.
        EXPECT_FALSE(b.set_tag_labels({"msd:rock"}));
    }
    cf::CatalogBuilder b(4);
    ASSERT_TRUE(b.set_tag_labels({"msd:rock", "msd:pop", "mtt:piano"}));
    const float ok[3] = {0.0f, 0.5f, 1.0f}, nan[3] = {0.1f, NAN, 0.2f}, neg[3] = {-0.01f, 0.5f, 0.5f},
                big[3] = {0.5f, 0.5f, 1.001f}, inf[3] = {0.5f, INFINITY, 0.5f};
    for (const float* bad : {nan, neg, big, inf}) {
        const cf::Status s = b.add_track(t, e, std::span<const float>(bad, 3));
        ASSERT_FALSE(s);
        EXPECT_EQ(s.code(), cf::ErrorCode::invalid_argument);
        EXPECT_NE(s.message().find("pkg/song"), std::string::npos) << s.message();
    }
    const cf::Status named = b.add_track(t, e, nan);
    EXPECT_NE(named.message().find("msd:pop"), std::string::npos) << named.message();
    const cf::Status missing = b.add_track(t, e);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.message().find("pkg/song"), std::string::npos);
    EXPECT_FALSE(b.add_track(t, e, std::span<const float>(ok, 2)));
    EXPECT_EQ(b.size(), 0u);  // rejected tracks are not added
    EXPECT_TRUE(b.add_track(t, e, ok));
    auto cat = cf::Catalog::open_buffer(build_bytes(b), "one");
    ASSERT_TRUE(cat) << cat.status().message();
    EXPECT_EQ(cat->tag_prob(0, 0), 0.0f);
    EXPECT_NEAR(cat->tag_prob(0, 1), 0.5f, 0.5f / 255.0f + 1e-6f);
    EXPECT_EQ(cat->tag_prob(0, 2), 1.0f);
}

TEST(CatalogTagp, CorruptSectionsAreErrorsNamingCatalogAndSection) {
    const std::vector<std::string> l = {"msd:rock", "msd:pop", "mtt:piano"};
    const std::vector<uint8_t> good = build_bytes(tagp_builder(20, 8, l));
    {
        TagpPayload ok;  // the helper itself makes a valid section
        auto cat = cf::Catalog::open_buffer(with_section(good, "TAGP", ok.bytes()), "bad.cfc");
        ASSERT_TRUE(cat) << cat.status().message();
        EXPECT_EQ(cat->tag_labels(), ok.labels);
    }
    std::vector<std::pair<std::string, TagpPayload>> cases;
    auto add = [&](const std::string& what, auto edit) {
        TagpPayload p;
        edit(p);
        cases.emplace_back(what, p);
    };
    add("track count", [](TagpPayload& p) { p.n = 19; p.n_codes = 57; });
    add("no labels", [](TagpPayload& p) { p.n_labels = 0; p.labels.clear(); p.n_codes = 0; });
    add("huge label count", [](TagpPayload& p) { p.n_labels = 0xFFFFFFFFu; });
    add("label count beyond the bytes", [](TagpPayload& p) { p.n_labels = 4000; });
    add("encoding", [](TagpPayload& p) { p.encoding = 2; });
    add("repeated label", [](TagpPayload& p) { p.labels[2] = "msd:rock"; });
    add("empty label", [](TagpPayload& p) { p.labels[1] = ""; });
    add("label too long", [](TagpPayload& p) { p.labels[1] = std::string(300, 'a'); });
    add("codes cut short", [](TagpPayload& p) { p.n_codes = 59; });
    add("no codes", [](TagpPayload& p) { p.n_codes = 0; });
    add("bytes after the codes", [](TagpPayload& p) { p.extra_bytes = 1; });
    add("fewer labels than counted", [](TagpPayload& p) { p.n_labels = 4; p.n_codes = 80; });
    for (const auto& [what, p] : cases) {
        auto cat = cf::Catalog::open_buffer(with_section(good, "TAGP", p.bytes()), "bad.cfc");
        ASSERT_FALSE(cat) << what;
        EXPECT_EQ(cat.status().code(), cf::ErrorCode::corrupt) << what;
        EXPECT_EQ(cat.status().message().rfind("bad.cfc: section TAGP: ", 0), 0u) << what << ": " << cat.status().message();
    }
    // An empty TAGP payload.
    auto empty = cf::Catalog::open_buffer(with_section(good, "TAGP", {}), "bad.cfc");
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.status().message().find("section TAGP"), std::string::npos);
}

TEST(CatalogTagp, TruncationAndByteFlipsAreErrors) {
    const std::vector<uint8_t> bytes = build_bytes(tagp_builder(6, 4, labels(3, 2)));
    for (size_t n = 0; n < bytes.size(); ++n)
        ASSERT_FALSE(cf::Catalog::open_memory(std::span<const uint8_t>(bytes.data(), n), "cut.cfc")) << n;
    auto r = cf::ContainerReader::parse(bytes, "f");
    ASSERT_TRUE(r);
    const auto s = *r->section("TAGP");
    const size_t begin = size_t(s.data() - bytes.data());
    for (size_t i = begin; i < begin + s.size(); ++i) {
        std::vector<uint8_t> bad = bytes;
        bad[i] ^= 0x11;
        auto cat = cf::Catalog::open_memory(bad, "flip.cfc");
        ASSERT_FALSE(cat);
        EXPECT_EQ(cat.status().message(), "flip.cfc: bad checksum in section TAGP");
    }
}

}  // namespace
