// UTF-8 helpers (core/common/utf8.h): encode/decode round trip over every plane, strictness, and the
// maximal-subpart replacement that TextDecoder and the JSON writer/reader share.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/utf8.h"

namespace {

TEST(Utf8, EncodesAndDecodesEveryLength) {
    const std::vector<uint32_t> cps = {0x41, 0xE9, 0x20AC, 0xFFFD, 0x1F3B5, 0x10FFFF};
    std::string s;
    for (uint32_t cp : cps) cf::append_utf8(s, cp);
    EXPECT_EQ(s, "A\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBD\xF0\x9F\x8E\xB5\xF4\x8F\xBF\xBF");
    std::vector<uint32_t> back;
    EXPECT_EQ(cf::decode_utf8(s, back), -1);
    EXPECT_EQ(back, cps);
}

TEST(Utf8, DecodeNamesTheFirstInvalidByte) {
    std::vector<uint32_t> out;
    EXPECT_EQ(cf::decode_utf8("ab\xC0\xAF", out), 2);  // overlong '/'
    out.clear();
    EXPECT_EQ(cf::decode_utf8("\xED\xA0\x80", out), 0);  // a surrogate
    out.clear();
    EXPECT_EQ(cf::decode_utf8("xyz\xE2\x82", out), 3);  // cut
}

TEST(Utf8, InvalidSubpartsBecomeOneReplacementEach) {
    EXPECT_EQ(cf::to_valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
    // WHATWG: F0 80 is two subparts (80 is not allowed after F0), E2 82 one (a cut sequence).
    EXPECT_EQ(cf::to_valid_utf8("\xF0\x80" "a\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD" "a\xEF\xBF\xBD");
    EXPECT_EQ(cf::to_valid_utf8("Ren\xE9"), "Ren\xEF\xBF\xBD");  // Latin-1 é
}

}  // namespace
