// Tests of the NFKC normaliser against JS's String.prototype.normalize('NFKC').
// Fixture: tests/data/text/nfkc_node.tsv (node tools/convert/check_text_parity.mjs --write-fixture):
// every code point assigned in Unicode 14.0 whose NFKC differs from itself (Hangul syllables
// sampled), and mark sequences for canonical ordering and composition. Exact match required.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/text/nfkc.h"
#include "test_util.h"

namespace {

std::string from_hex(const std::string& h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(char(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

std::string nfkc(const std::string& s) {
    auto r = cf::text::nfkc_utf8(s);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r ? *r : std::string();
}

}  // namespace

TEST(TokenizerNfkc, MatchesJsOnEveryDecomposableCodePointAndMarkSequences) {
    std::vector<uint8_t> bytes = cf::test::read_bytes(cf::test::test_data_dir() + "/text/nfkc_node.tsv");
    const std::string text(bytes.begin(), bytes.end());
    size_t n_cases = 0, n_bad = 0, pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty() || line[0] == '#') continue;
        const size_t tab = line.find('\t');
        const std::string in = from_hex(line.substr(0, tab)), want = from_hex(line.substr(tab + 1));
        ++n_cases;
        if (nfkc(in) != want && ++n_bad <= 20) ADD_FAILURE() << "NFKC of hex " << line.substr(0, tab);
    }
    EXPECT_GT(n_cases, 7000u);
    EXPECT_EQ(n_bad, 0u);
}

TEST(TokenizerNfkc, KnownCases) {
    EXPECT_EQ(nfkc("plain ascii 123 !?"), "plain ascii 123 !?");
    EXPECT_EQ(nfkc("\xEF\xAC\x81ne"), "fine");                          // ﬁ ligature
    EXPECT_EQ(nfkc("\xEF\xBC\xA6\xEF\xBD\x95"), "Fu");                 // full-width
    EXPECT_EQ(nfkc("e\xCC\x81"), "\xC3\xA9");                          // e + acute -> é
    EXPECT_EQ(nfkc("x\xC2\xB2"), "x2");                                // superscript two
    EXPECT_EQ(nfkc("\xC2\xA0"), " ");                                  // no-break space
    EXPECT_EQ(nfkc("\xE1\x84\x80\xE1\x85\xA1"), "\xEA\xB0\x80");       // jamo G + A -> 가
    EXPECT_EQ(nfkc("\xF0\x9F\x94\xA5"), "\xF0\x9F\x94\xA5");           // emoji unchanged
    // Canonical ordering: dot below (class 220) moves before acute (230); q has no composites.
    EXPECT_EQ(nfkc("q\xCC\x81\xCC\xA3"), "q\xCC\xA3\xCC\x81");
    EXPECT_EQ(std::string(cf::text::nfkc_unicode_version()), "14.0.0");
}

TEST(TokenizerNfkc, RejectsInvalidUtf8) {
    auto r = cf::text::nfkc_utf8(std::string("ab\xE2\x82", 4));
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find("byte 2"), std::string::npos) << r.status().message();
}
