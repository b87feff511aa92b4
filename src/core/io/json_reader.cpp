#include "core/io/json_reader.h"

#include <cstdlib>

#include "core/common/utf8.h"

namespace cf {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
public:
    Parser(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

    Result<JsonValue> document() {
        JsonValue v;
        CF_RETURN_IF_ERROR(value(v, 0));
        skip_space();
        if (pos_ != text_.size()) return fail("unexpected text after the JSON value");
        return v;
    }

private:
    Status fail(const std::string& what) const {
        return Status(ErrorCode::corrupt, "JSON: at byte " + std::to_string(pos_) + ": " + what);
    }
    void skip_space() {
        while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    }
    bool take(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
        return false;
    }
    bool take_word(std::string_view w) {
        if (text_.substr(pos_, w.size()) != w) return false;
        pos_ += w.size();
        return true;
    }

    Status value(JsonValue& out, size_t depth) {
        skip_space();
        if (pos_ >= text_.size()) return fail("expected a value, found the end of the text");
        const char c = text_[pos_];
        if ((c == '{' || c == '[') && depth >= max_depth_)
            return fail("nested deeper than " + std::to_string(max_depth_) + " levels");
        if (c == '{') return object(out, depth);
        if (c == '[') return array(out, depth);
        if (c == '"') {
            std::string s;
            CF_RETURN_IF_ERROR(string(s));
            out = JsonValue::make_string(std::move(s));
            return Status::ok();
        }
        if (take_word("true")) return out = JsonValue::make_bool(true), Status::ok();
        if (take_word("false")) return out = JsonValue::make_bool(false), Status::ok();
        if (take_word("null")) return out = JsonValue::make_null(), Status::ok();
        if (c == '-' || is_digit(c)) return number(out);
        return fail(std::string("expected a value, found '") + c + "'");
    }

    Status object(JsonValue& out, size_t depth) {
        ++pos_;  // '{'
        std::vector<JsonValue::Member> members;
        if (!take('}')) {
            do {
                skip_space();
                if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string key in an object");
                JsonValue::Member m;
                CF_RETURN_IF_ERROR(string(m.first));
                if (!take(':')) return fail("expected ':' after an object key");
                CF_RETURN_IF_ERROR(value(m.second, depth + 1));
                members.push_back(std::move(m));
            } while (take(','));
            if (!take('}')) return fail("expected ',' or '}' in an object");
        }
        out = JsonValue::make_object(std::move(members));
        return Status::ok();
    }

    Status array(JsonValue& out, size_t depth) {
        ++pos_;  // '['
        std::vector<JsonValue> items;
        if (!take(']')) {
            do {
                items.emplace_back();
                CF_RETURN_IF_ERROR(value(items.back(), depth + 1));
            } while (take(','));
            if (!take(']')) return fail("expected ',' or ']' in an array");
        }
        out = JsonValue::make_array(std::move(items));
        return Status::ok();
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    Status number(JsonValue& out) {
        const size_t start = pos_;
        auto digits = [&] {
            const size_t from = pos_;
            while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
            return pos_ > from;
        };
        if (text_[pos_] == '-') ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '0') ++pos_;
        else if (!digits()) return fail("expected digits in a number");
        if (pos_ < text_.size() && text_[pos_] == '.' && (++pos_, !digits())) return fail("expected digits after '.'");
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digits()) return fail("expected digits in an exponent");
        }
        const std::string literal(text_.substr(start, pos_ - start));
        out = JsonValue::make_number(std::strtod(literal.c_str(), nullptr));
        return Status::ok();
    }

    Status hex4(uint32_t& cp) {
        if (pos_ + 4 > text_.size()) return fail("expected 4 hex digits after \\u");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            const int d = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) return --pos_, fail("expected 4 hex digits after \\u");
            cp = cp * 16 + uint32_t(d);
        }
        return Status::ok();
    }

    // \uXXXX, with a surrogate pair joined; a lone surrogate becomes U+FFFD.
    Status unicode_escape(std::string& out) {
        uint32_t cp = 0;
        CF_RETURN_IF_ERROR(hex4(cp));
        if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
            const size_t before = pos_;
            pos_ += 2;
            uint32_t low = 0;
            CF_RETURN_IF_ERROR(hex4(low));
            if (low >= 0xDC00 && low < 0xE000) return append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)), Status::ok();
            pos_ = before;  // not a pair: the next escape stands on its own
        }
        append_utf8(out, cp >= 0xD800 && cp < 0xE000 ? 0xFFFD : cp);
        return Status::ok();
    }

    Status escape(std::string& out) {
        if (pos_ >= text_.size()) return fail("unterminated string");
        const char e = text_[pos_++];
        switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': return unicode_escape(out);
            default: return --pos_, fail(std::string("unknown escape \\") + e);
        }
        return Status::ok();
    }

    Status string(std::string& out) {
        ++pos_;  // '"'
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '"') {
                ++pos_;
                out = to_valid_utf8(out);  // invalid bytes → U+FFFD, as JsonWriter and TextDecoder have them
                return Status::ok();
            }
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string (escape it)");
            ++pos_;
            if (c != '\\') out += c;
            else CF_RETURN_IF_ERROR(escape(out));
        }
        return fail("unterminated string");
    }

    std::string_view text_;
    size_t max_depth_;
    size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const Member& m : members_)
        if (m.first == key) return &m.second;
    return nullptr;
}

JsonValue JsonValue::make_bool(bool b) {
    JsonValue v;
    v.kind_ = Kind::boolean;
    v.boolean_ = b;
    return v;
}

JsonValue JsonValue::make_number(double n) {
    JsonValue v;
    v.kind_ = Kind::number;
    v.number_ = n;
    return v;
}

JsonValue JsonValue::make_string(std::string s) {
    JsonValue v;
    v.kind_ = Kind::string;
    v.string_ = std::move(s);
    return v;
}

JsonValue JsonValue::make_array(std::vector<JsonValue> items) {
    JsonValue v;
    v.kind_ = Kind::array;
    v.items_ = std::move(items);
    return v;
}

JsonValue JsonValue::make_object(std::vector<Member> members) {
    JsonValue v;
    v.kind_ = Kind::object;
    v.members_ = std::move(members);
    return v;
}

Result<JsonValue> parse_json(std::string_view text, size_t max_depth) {
    size_t i = 0;
    while (i < text.size() && is_space(text[i])) ++i;
    if (i == text.size()) return Status(ErrorCode::empty, "JSON: no value (the text is empty)");
    return Parser(text, max_depth).document();
}

}  // namespace cf
