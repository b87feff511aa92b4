// cuefinder core — UTF-8: the one encoder/decoder the JSON writer and reader, the ID3v2 tag reader
// and the tokenizer's NFKC share.
//
//   std::string s;  cf::append_utf8(s, 0x1F3B5);          // "🎵"
//   std::vector<uint32_t> cps;  long bad = cf::decode_utf8("caf\xC3\xA9", cps);  // -1: valid
//   std::string clean = cf::to_valid_utf8(latin1_name);    // invalid bytes → U+FFFD
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cf {

inline constexpr uint32_t kReplacementCharacter = 0xFFFD;

/// Appends code point `cp` (≤ U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

/// Decodes strict UTF-8 (RFC 3629: no overlongs, surrogates, code points above U+10FFFF or cut
/// sequences) into `out`. Returns the byte offset of the first invalid sequence, or -1 when all valid.
long decode_utf8(std::string_view utf8, std::vector<uint32_t>& out);

/// At byte `i` of `text`: the length of the valid UTF-8 sequence there (`*valid` = true), or of its
/// maximal invalid subpart, at least 1 (`*valid` = false) — what one U+FFFD replaces in the WHATWG
/// decoder (JS's TextDecoder).
size_t utf8_step(std::string_view text, size_t i, bool* valid);

/// `text` with each maximal invalid subpart replaced by U+FFFD (as TextDecoder reads it); valid
/// UTF-8 is returned unchanged.
std::string to_valid_utf8(std::string_view text);

}  // namespace cf
