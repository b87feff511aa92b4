// cuefinder core — writing JSON strings (the core writes JSON by hand; it never parses it).
#pragma once

#include <string>
#include <string_view>

namespace cf {

/// Appends `text` as a JSON string literal (quotes included, control characters escaped) to `out`.
/// The result is always valid JSON text: bytes of `text` that are not valid UTF-8 (a Latin-1 file
/// name, a cut sequence) become U+FFFD, one per maximal invalid subpart, as JS's TextDecoder would
/// read them; valid UTF-8 is kept as it is.
void append_json_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
inline std::string json_quote(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

}  // namespace cf
