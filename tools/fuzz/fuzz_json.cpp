// libFuzzer entry for the core's JSON text (core/common/json.h). The core writes JSON and never parses
// it (catalog.json, analysis results, the app's state are read by JavaScript's JSON.parse), so what can
// go wrong is the writer: any bytes given to append_json_string (a file name, a tag from a file, a
// message) must come out as one string literal that a strict RFC 8259 reader accepts — quotes,
// escapes, no raw control characters, valid UTF-8 — and that reads back as the input when the input
// was valid UTF-8. The strict reader below is this target's own; it aborts on anything else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/common/json.h"

namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, surrogates or > U+10FFFF), or 0.
size_t utf8_length(std::string_view s, size_t i) {
    const auto b = [&](size_t k) { return uint8_t(s[i + k]); };
    const auto cont = [&](size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    const uint8_t c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if ((c == 0xE0 && b(1) < 0xA0) || (c == 0xED && b(1) > 0x9F)) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if ((c == 0xF0 && b(1) < 0x90) || (c == 0xF4 && b(1) > 0x8F)) return 0;
        return 4;
    }
    return 0;
}

bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t n = utf8_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Appends U+cp as UTF-8 (cp < 0x10000 here: the writer escapes control characters only).
void put_utf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) { out += char(cp); return; }
    if (cp < 0x800) { out += char(0xC0 | cp >> 6); out += char(0x80 | (cp & 0x3F)); return; }
    out += char(0xE0 | cp >> 12);
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
}

// Reads one JSON string literal that must fill `json` exactly; aborts on anything RFC 8259 refuses.
std::string read_json_string(std::string_view json) {
    if (json.size() < 2 || json.front() != '"' || json.back() != '"' || !valid_utf8(json)) std::abort();
    std::string out;
    for (size_t i = 1; i + 1 < json.size(); ++i) {
        const char c = json[i];
        if (uint8_t(c) < 0x20 || c == '"') std::abort();  // raw control character, or an early end
        if (c != '\\') { out += c; continue; }
        if (++i + 1 >= json.size()) std::abort();
        switch (json[i]) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                if (i + 5 >= json.size()) std::abort();  // four hex digits before the closing quote
                uint32_t cp = 0;
                for (size_t k = 1; k <= 4; ++k) {
                    const int d = hex_digit(json[i + k]);
                    if (d < 0) std::abort();
                    cp = cp << 4 | uint32_t(d);
                }
                if (cp >= 0xD800 && cp <= 0xDFFF) std::abort();  // the writer has no reason to emit surrogates
                put_utf8(cp, out);
                i += 4;
                break;
            }
            default: std::abort();
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string json = "x";  // appends, so it must leave what is there alone
    cf::append_json_string(json, text);
    if (json[0] != 'x') std::abort();
    const std::string back = read_json_string(std::string_view(json).substr(1));
    if (valid_utf8(text) && back != text) std::abort();
    if (cf::json_quote(text) != json.substr(1)) std::abort();
    return 0;
}
