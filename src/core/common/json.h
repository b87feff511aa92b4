// cuefinder core — writing JSON strings (the core writes JSON by hand; it never parses it).
#pragma once

#include <string>
#include <string_view>

namespace cf {

/// Appends `text` as a JSON string literal (quotes included, control characters escaped) to `out`.
void append_json_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
inline std::string json_quote(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

}  // namespace cf
