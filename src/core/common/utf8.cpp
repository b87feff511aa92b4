#include "core/common/utf8.h"

namespace cf {

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

long decode_utf8(std::string_view s, std::vector<uint32_t>& out) {
    size_t i = 0;
    while (i < s.size()) {
        const auto b0 = uint8_t(s[i]);
        uint32_t cp;
        size_t n;
        if (b0 < 0x80) cp = b0, n = 1;
        else if ((b0 & 0xE0) == 0xC0) cp = b0 & 0x1F, n = 2;
        else if ((b0 & 0xF0) == 0xE0) cp = b0 & 0x0F, n = 3;
        else if ((b0 & 0xF8) == 0xF0) cp = b0 & 0x07, n = 4;
        else return long(i);
        if (i + n > s.size()) return long(i);
        for (size_t k = 1; k < n; ++k) {
            const auto b = uint8_t(s[i + k]);
            if ((b & 0xC0) != 0x80) return long(i);
            cp = (cp << 6) | (b & 0x3F);
        }
        const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return long(i);
        out.push_back(cp);
        i += n;
    }
    return -1;
}

size_t utf8_step(std::string_view text, size_t i, bool* valid) {
    const auto c = uint8_t(text[i]);
    *valid = c < 0x80;
    if (c < 0x80) return 1;
    size_t n_continuation = 0;
    uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the next byte
    if (c >= 0xC2 && c <= 0xDF) n_continuation = 1;
    else if (c >= 0xE0 && c <= 0xEF) n_continuation = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n_continuation = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return 1;
    size_t k = 1;
    for (; k <= n_continuation && i + k < text.size(); ++k) {
        const auto b = uint8_t(text[i + k]);
        if (b < lo || b > hi) break;
        lo = 0x80, hi = 0xBF;
    }
    *valid = k == n_continuation + 1;
    return k;
}

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        bool valid = false;
        const size_t n = utf8_step(text, i, &valid);
        if (valid) out.append(text.substr(i, n));
        else append_utf8(out, kReplacementCharacter);
        i += n;
    }
    return out;
}

}  // namespace cf
