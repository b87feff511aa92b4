// JSON reader: values of every kind, member order, escapes, what the core's writer writes, and errors
// that name the byte offset (never a crash, also on deep nesting).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/json.h"
#include "core/io/json_reader.h"
#include "test_util.h"

namespace {

cf::JsonValue parse(const std::string& text) {
    auto v = cf::parse_json(text);
    EXPECT_TRUE(v.is_ok()) << text << ": " << v.status().message();
    return v.is_ok() ? *v : cf::JsonValue{};
}

std::string error(const std::string& text) {
    auto v = cf::parse_json(text);
    EXPECT_FALSE(v.is_ok()) << text;
    return v.is_ok() ? "" : v.status().message();
}

TEST(JsonReader, ValuesOfEveryKindInDocumentOrder) {
    cf::JsonValue v = parse(R"( {"b": [1, -2.5e2, 0.125, true, false, null], "a": "x", "b": 3} )");
    ASSERT_TRUE(v.is_object());
    ASSERT_EQ(v.members().size(), 3u);
    EXPECT_EQ(v.members()[0].first, "b");
    EXPECT_EQ(v.members()[1].first, "a");
    const cf::JsonValue* b = v.find("b");  // the first of two
    ASSERT_TRUE(b && b->is_array());
    ASSERT_EQ(b->items().size(), 6u);
    EXPECT_EQ(b->items()[0].number(), 1.0);
    EXPECT_EQ(b->items()[1].number(), -250.0);
    EXPECT_EQ(b->items()[2].number(), 0.125);
    EXPECT_TRUE(b->items()[3].is_bool() && b->items()[3].boolean());
    EXPECT_FALSE(b->items()[4].boolean());
    EXPECT_TRUE(b->items()[5].is_null());
    EXPECT_EQ(v.find("a")->string(), "x");
    EXPECT_EQ(v.find("c"), nullptr);
    EXPECT_EQ(b->find("a"), nullptr);  // not an object
    EXPECT_TRUE(parse("[]").items().empty());
    EXPECT_TRUE(parse("{}").is_object());
    EXPECT_EQ(parse("\"\"").string(), "");
}

TEST(JsonReader, EscapesAndUnicode) {
    EXPECT_EQ(parse(R"("a\"b\\c\/d\b\f\n\r\t")").string(), "a\"b\\c/d\b\f\n\r\t");
    EXPECT_EQ(parse(R"("\u00e9\u20AC")").string(), "\xC3\xA9\xE2\x82\xAC");      // é €
    EXPECT_EQ(parse(R"("\ud83c\udfb5")").string(), "\xF0\x9F\x8E\xB5");          // 🎵 from a surrogate pair
    EXPECT_EQ(parse(R"("\ud83cx")").string(), "\xEF\xBF\xBDx");                  // a lone surrogate: U+FFFD
    EXPECT_EQ(parse("\"Désert\"").string(), "Désert");                           // raw UTF-8 kept
    // Bytes that are not UTF-8 read as U+FFFD each maximal invalid subpart, as JsonWriter writes them
    // (found by tools/fuzz/fuzz_json_reader: write + read back gave another string).
    EXPECT_EQ(parse("\"a\xFF\xFF" "b\xE2\x82\"").string(), "a\xEF\xBF\xBD\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    cf::JsonWriter w;
    w.value(parse("\"x\xC0\xAFy\"").string());
    EXPECT_EQ(parse(w.str()).string(), parse("\"x\xC0\xAFy\"").string());
}

TEST(JsonReader, ReadsWhatTheCoreWrites) {
    cf::JsonWriter w;
    w.begin_object().key("title").value("Tab\there \"quoted\" ü").key("bpm").number(121.5, "%.1f").key("p").begin_array();
    w.number(0.123456, "%.6f").null().end_array().end_object();
    cf::JsonValue v = parse(w.str());
    EXPECT_EQ(v.find("title")->string(), "Tab\there \"quoted\" ü");
    EXPECT_EQ(v.find("bpm")->number(), 121.5);
    EXPECT_EQ(v.find("p")->items()[0].number(), 0.123456);
    EXPECT_TRUE(v.find("p")->items()[1].is_null());
}

TEST(JsonReader, ErrorsNameTheOffsetAndWhatWasExpected) {
    EXPECT_EQ(error("{\"a\" 1}"), "JSON: at byte 5: expected ':' after an object key");
    EXPECT_EQ(error("[1,]"), "JSON: at byte 3: expected a value, found ']'");
    EXPECT_EQ(error("[1 2]"), "JSON: at byte 3: expected ',' or ']' in an array");
    EXPECT_EQ(error("{\"a\":1"), "JSON: at byte 6: expected ',' or '}' in an object");
    EXPECT_EQ(error("{a:1}"), "JSON: at byte 1: expected a string key in an object");
    EXPECT_EQ(error("\"abc"), "JSON: at byte 4: unterminated string");
    EXPECT_EQ(error("\"a\nb\""), "JSON: at byte 2: control character in a string (escape it)");
    EXPECT_EQ(error("\"\\x\""), "JSON: at byte 2: unknown escape \\x");
    EXPECT_EQ(error("\"\\u12g4\""), "JSON: at byte 5: expected 4 hex digits after \\u");
    EXPECT_EQ(error("01"), "JSON: at byte 1: unexpected text after the JSON value");
    EXPECT_EQ(error("-"), "JSON: at byte 1: expected digits in a number");
    EXPECT_EQ(error("1."), "JSON: at byte 2: expected digits after '.'");
    EXPECT_EQ(error("1e+"), "JSON: at byte 3: expected digits in an exponent");
    EXPECT_EQ(error("nul"), "JSON: at byte 0: expected a value, found 'n'");
    EXPECT_EQ(error("[1] x"), "JSON: at byte 4: unexpected text after the JSON value");
    EXPECT_EQ(error(" \n"), "JSON: no value (the text is empty)");
    EXPECT_EQ(cf::parse_json("").status().code(), cf::ErrorCode::empty);
    EXPECT_EQ(cf::parse_json("[").status().code(), cf::ErrorCode::corrupt);
}

TEST(JsonReader, DeepNestingIsAnErrorNotACrash) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_EQ(error(deep), "JSON: at byte 128: nested deeper than 128 levels");
    EXPECT_TRUE(cf::parse_json("[[[1]]]", 3).is_ok());
    EXPECT_FALSE(cf::parse_json("[[[1]]]", 2).is_ok());
}

// Inputs that once broke tools/fuzz/fuzz_json_reader (tests/data/fuzz_regressions/fuzz_json_reader-*),
// through what the target checks: a value or an error; written back and read again, the same strings.
TEST(JsonReader, FuzzRegressions) {
    size_t n_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(cf::test::test_data_dir() + "/fuzz_regressions")) {
        if (entry.path().filename().string().rfind("fuzz_json_reader-", 0) != 0) continue;
        SCOPED_TRACE(entry.path().filename().string());
        ++n_files;
        const std::vector<uint8_t> bytes = cf::test::read_bytes(entry.path().string());
        auto first = cf::parse_json(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        if (!first) continue;
        std::vector<const cf::JsonValue*> todo = {&*first};
        while (!todo.empty()) {  // every string in the document, written and read back
            const cf::JsonValue* v = todo.back();
            todo.pop_back();
            for (const cf::JsonValue& item : v->items()) todo.push_back(&item);
            for (const cf::JsonValue::Member& m : v->members()) todo.push_back(&m.second);
            if (!v->is_string()) continue;
            cf::JsonWriter w;
            w.value(v->string());
            EXPECT_EQ(parse(w.str()).string(), v->string());
        }
    }
    EXPECT_GE(n_files, 1u) << "tests/data/fuzz_regressions/ lost its JSON reader inputs";
}

}  // namespace
