// The JSON string writer: escapes, and always valid UTF-8 out (tools/fuzz/fuzz_json.cpp found raw
// invalid bytes passed through: tests/data/fuzz_regressions/fuzz_json-invalid-utf8-passed-through).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "test_util.h"

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(Json, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(cf::json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(cf::json_quote("\n\r\t"), "\"\\n\\r\\t\"");
    EXPECT_EQ(cf::json_quote(std::string("\x01\x1f\x00", 3)), "\"\\u0001\\u001f\\u0000\"");
    EXPECT_EQ(cf::json_quote("\x7f/"), "\"\x7f/\"");
    std::string out = "[";
    cf::append_json_string(out, "x");
    EXPECT_EQ(out, "[\"x\"");
}

TEST(Json, ValidUtf8IsKept) {
    for (const std::string s : {"caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x8E\xB5", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF",
                                "\xED\x9F\xBF", "\xE2\x80\xA8"})
        EXPECT_EQ(cf::json_quote(s), "\"" + s + "\"") << s;
}

TEST(Json, InvalidUtf8BecomesReplacementCharacters) {
    const std::string r = kReplacement;
    // One U+FFFD per maximal invalid subpart, as TextDecoder reads the same bytes.
    EXPECT_EQ(cf::json_quote("\xEC" "d"), "\"" + r + "d\"");            // lead byte without its continuation
    EXPECT_EQ(cf::json_quote("\xE2\x82x"), "\"" + r + "x\"");           // cut 3-byte sequence: one
    EXPECT_EQ(cf::json_quote("a\xF0\x9F\x8E"), "\"a" + r + "\"");       // cut at the end of the text
    EXPECT_EQ(cf::json_quote("\xC0\xAF"), "\"" + r + r + "\"");          // overlong: two
    EXPECT_EQ(cf::json_quote("\xED\xA0\x80"), "\"" + r + r + r + "\"");  // surrogate U+D800: three
    EXPECT_EQ(cf::json_quote("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // above U+10FFFF
    EXPECT_EQ(cf::json_quote("\xFF\x80"), "\"" + r + r + "\"");
    EXPECT_EQ(cf::json_quote("Caf\xE9.mp3"), "\"Caf" + r + ".mp3\"");   // a Latin-1 file name
}

// True if `s` is valid UTF-8 (RFC 3629) without raw control characters: what a JSON string may hold.
bool json_clean(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = uint8_t(s[i]);
        size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n == 0 || c < 0x20 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((uint8_t(s[i + k]) & 0xC0) != 0x80) return false;
        const uint8_t second = n > 1 ? uint8_t(s[i + 1]) : 0x80;
        if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second > 0x9F) || (c == 0xF0 && second < 0x90) || (c == 0xF4 && second > 0x8F))
            return false;
        i += n;
    }
    return true;
}

TEST(Json, FuzzRegressionsGiveValidJson) {
    size_t n_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(cf::test::test_data_dir() + "/fuzz_regressions")) {
        if (entry.path().filename().string().rfind("fuzz_json-", 0) != 0) continue;
        SCOPED_TRACE(entry.path().filename().string());
        ++n_files;
        const std::vector<uint8_t> bytes = cf::test::read_bytes(entry.path().string());
        const std::string json = cf::json_quote(std::string(bytes.begin(), bytes.end()));
        EXPECT_TRUE(json_clean(json)) << json;
    }
    EXPECT_GE(n_files, 1u) << "tests/data/fuzz_regressions/ lost its JSON inputs";
}

}  // namespace

namespace {

TEST(JsonWriter, PlacesCommasAndKeys) {
    cf::JsonWriter w;
    w.begin_object().key("id").value("a\"b").key("n").value(size_t(3)).key("neg").value(-2).key("ok").value(true);
    w.key("tags").begin_array();
    for (int i = 0; i < 2; ++i) w.begin_array().value("t" + std::to_string(i)).number(0.5 + i, "%.3f").end_array();
    w.end_array().key("empty").begin_object().end_object().key("none").begin_array().end_array().end_object();
    EXPECT_EQ(w.str(), R"({"id":"a\"b","n":3,"neg":-2,"ok":true,"tags":[["t0",0.500],["t1",1.500]],"empty":{},"none":[]})");
}

TEST(JsonWriter, NonFiniteNumbersAreNull) {
    const float v[] = {1.0f, std::nanf(""), INFINITY, 0.25f};
    cf::JsonWriter w;
    w.begin_array().number(std::nan("")).numbers(v, 4, "%.2f").null().raw(R"({"x":1})").end_array();
    EXPECT_EQ(w.take(), R"([null,[1.00,null,null,0.25],null,{"x":1}])");
}

TEST(JsonWriter, DoubleAndStringArrays) {
    cf::JsonWriter w;
    w.begin_object().key("t").numbers(std::vector<double>{0.5, INFINITY, 2.25}, "%.2f");
    w.key("s").strings({"a", "b\"c"}).key("none").strings({}).end_object();
    EXPECT_EQ(w.str(), R"({"t":[0.50,null,2.25],"s":["a","b\"c"],"none":[]})");
}

TEST(JsonWriter, HugeNumbersAreNotCut) {
    cf::JsonWriter w;
    w.number(1e301, "%.2f");
    EXPECT_EQ(w.str().size(), 305u);  // 302 digits, '.', 2 decimals
    EXPECT_EQ(std::strtod(w.str().c_str(), nullptr), 1e301);
}

TEST(JsonWriter, TopLevelScalarAndDefaultFormat) {
    cf::JsonWriter w;
    w.number(1.0 / 3.0);
    EXPECT_EQ(w.str(), "0.333333");
}

}  // namespace
