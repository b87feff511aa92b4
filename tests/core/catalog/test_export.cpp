// Exports of result lists: CSV quoting (RFC 4180), JSON shape, attribution text.
#include <gtest/gtest.h>

#include "core/catalog/export.h"
#include "fixture_gen.h"

namespace {

cf::Catalog fixture_catalog() {
    auto bytes = cf::test::fixture_builder().build({});
    EXPECT_TRUE(bytes.is_ok());
    auto cat = cf::Catalog::open_buffer(std::move(*bytes), "fixture");
    EXPECT_TRUE(cat.is_ok());
    return std::move(*cat);
}

TEST(Export, CsvHeaderRowsAndQuoting) {
    const cf::Catalog cat = fixture_catalog();
    std::vector<cf::ExportRow> rows = {{3, 0.91234f, {"rock"}, {"happy"}}, {19, cf::kUnknown, {}, {}}};
    const std::string csv = cf::export_csv(cat, rows);
    // Header + 2 rows, CRLF line ends.
    size_t n_lines = 0;
    for (size_t p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 2)) ++n_lines;
    EXPECT_EQ(n_lines, 3u);
    EXPECT_EQ(csv.rfind("rank,id,title,", 0), 0u);
    // Track 3's title has quotes: the field is quoted, inner quotes doubled.
    EXPECT_NE(csv.find("\"Track 03 \"\"quoted\"\" — ünïcode\""), std::string::npos) << csv;
    EXPECT_NE(csv.find(",0.9123,"), std::string::npos);
    EXPECT_NE(csv.find("rock; happy"), std::string::npos);
    // Track 19 has an unknown BPM and no score: empty fields, not "nan".
    EXPECT_EQ(csv.find("nan"), std::string::npos);
    EXPECT_NE(csv.find("\r\n2,fixture/track19,"), std::string::npos);
}

TEST(Export, JsonKeepsOrderAndNulls) {
    const cf::Catalog cat = fixture_catalog();
    std::vector<cf::ExportRow> rows = {{5, 0.5f, {}, {}}, {2, cf::kUnknown, {}, {}}};
    const std::string json = cf::export_json(cat, rows, "drop \"x\".mp3");
    EXPECT_EQ(json.rfind("{\"query\":\"drop \\\"x\\\".mp3\",\"catalog_tracks\":20,\"results\":[", 0), 0u) << json;
    const size_t a = json.find("fixture/track05"), b = json.find("fixture/track02");
    ASSERT_NE(a, std::string::npos);
    ASSERT_NE(b, std::string::npos);
    EXPECT_LT(a, b);
    EXPECT_NE(json.find("\"score\":null"), std::string::npos);
    EXPECT_EQ(json.back(), '}');
}

TEST(Export, MatchPercentBesideTheRawScore) {
    const cf::Catalog cat = fixture_catalog();
    std::vector<cf::ExportRow> rows = {{4, 0.97f, {}, {}, 81.3f}, {6, cf::kUnknown, {}, {}}};  // a selection: none
    const std::string csv = cf::export_csv(cat, rows);
    EXPECT_NE(csv.find(",score,match_percent,bpm,"), std::string::npos);
    EXPECT_NE(csv.find(",0.9700,81.3,"), std::string::npos) << csv;
    const std::string json = cf::export_json(cat, rows, "q");
    EXPECT_NE(json.find("\"score\":0.9700,\"match_percent\":81.3,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"score\":null,\"match_percent\":null,"), std::string::npos) << json;
    EXPECT_EQ(csv.find("nan"), std::string::npos);
}

TEST(Export, AttributionNamesEveryTrackOnceAndItsLicense) {
    const cf::Catalog cat = fixture_catalog();
    std::vector<cf::ExportRow> rows = {{1, 0.f, {}, {}}, {1, 0.f, {}, {}}, {4, 0.f, {}, {}}};
    const std::string text = cf::attribution_text(cat, rows);
    EXPECT_NE(text.find("\"Track 01\" by Artist 1 (composer: Composer)"), std::string::npos) << text;
    EXPECT_EQ(text.find("\"Track 01\"", text.find("\"Track 01\"") + 1), std::string::npos);  // once
    EXPECT_NE(text.find("License: CC-BY-SA-4.0"), std::string::npos);
    EXPECT_NE(text.find("License: Artistic"), std::string::npos);
    EXPECT_NE(text.find("2 tracks under: Artistic, CC-BY-SA-4.0."), std::string::npos) << text;
    EXPECT_EQ(cf::attribution_text(cat, {}), "No tracks selected.\n");
}

TEST(Export, OutOfRangeTracksAreSkipped) {
    const cf::Catalog cat = fixture_catalog();
    std::vector<cf::ExportRow> rows = {{999, 1.f, {}, {}}};
    EXPECT_EQ(cf::export_json(cat, rows, "q").find("fixture/"), std::string::npos);
    EXPECT_EQ(cf::attribution_text(cat, rows), "No tracks selected.\n");
}

}  // namespace
