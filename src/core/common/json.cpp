#include "core/common/json.h"

#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace cf {
namespace {

// Length of the UTF-8 sequence at text[i] if it is valid (RFC 3629: no overlongs, surrogates or code
// points above U+10FFFF); otherwise the length of its maximal invalid subpart, at least 1, with
// *valid = false. That is how the WHATWG decoder (JS's TextDecoder) counts what one U+FFFD replaces.
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

}  // namespace

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        bool valid = false;
        const size_t n = utf8_step(text, i, &valid);
        if (valid) out.append(text.substr(i, n));
        else out += "\xEF\xBF\xBD";  // U+FFFD
        i += n;
    }
    return out;
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {  // JSON text is UTF-8 (RFC 8259 §8.1): keep valid sequences, replace the rest
            bool valid = false;
            const size_t n = utf8_step(text, i, &valid);
            if (valid) out.append(text.substr(i, n));
            else out += "\xEF\xBF\xBD";  // U+FFFD
            i += n;
            continue;
        }
        ++i;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    out += '"';
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ += ',';
        first_.back() = false;
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    assert(!first_.empty() && !after_key_);
    first_.pop_back();
    out_ += '}';
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    assert(!first_.empty() && !after_key_);
    first_.pop_back();
    out_ += ']';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    assert(!after_key_);
    before_value();
    append_json_string(out_, name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    before_value();
    append_json_string(out_, text);
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::number(double v, const char* fmt) {
    before_value();
    if (!std::isfinite(v)) {
        out_ += "null";
        return *this;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    out_ += buf;
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    before_value();
    out_ += json;
    return *this;
}

JsonWriter& JsonWriter::numbers(const float* v, size_t n, const char* fmt) {
    begin_array();
    for (size_t i = 0; i < n; ++i) number(double(v[i]), fmt);
    return end_array();
}

}  // namespace cf
