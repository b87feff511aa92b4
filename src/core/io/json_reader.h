// cuefinder core — reading JSON: what the JavaScript front ends hand to the core (a track's analysis,
// its metadata) as one JSON text. Writing JSON: core/common/json.h.
//
//   auto doc = cf::parse_json(text);                  // Result<JsonValue>
//   if (!doc) return doc.status();                    // "JSON: at byte 17: expected ':' after an object key"
//   const cf::JsonValue* d = doc->find("duration_s"); // nullptr when missing
//   double s = d && d->is_number() ? d->number() : 0.0;
//
// RFC 8259: one value with optional whitespace around it; objects keep their members in document
// order (a repeated key: find() gives the first); strings are UTF-8 with \uXXXX escapes decoded (a lone
// surrogate becomes U+FFFD, as JavaScript's TextEncoder would write it; so does each maximal invalid
// UTF-8 subpart, as TextDecoder and JsonWriter have it); numbers are doubles.
// More than max_depth arrays/objects inside each other is an error, never a stack overflow.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/status.h"

namespace cf {

class JsonValue {
public:
    enum class Kind { null, boolean, number, string, array, object };
    using Member = std::pair<std::string, JsonValue>;

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::null; }
    bool is_bool() const { return kind_ == Kind::boolean; }
    bool is_number() const { return kind_ == Kind::number; }
    bool is_string() const { return kind_ == Kind::string; }
    bool is_array() const { return kind_ == Kind::array; }
    bool is_object() const { return kind_ == Kind::object; }

    bool boolean() const { return boolean_; }            ///< false unless a boolean
    double number() const { return number_; }            ///< 0 unless a number
    const std::string& string() const { return string_; }  ///< "" unless a string
    const std::vector<JsonValue>& items() const { return items_; }  ///< array elements (none unless an array)
    const std::vector<Member>& members() const { return members_; }  ///< object members, in document order
    /// The first member named `key` of an object, or nullptr (also when this is not an object).
    const JsonValue* find(std::string_view key) const;

    static JsonValue make_null() { return JsonValue(); }
    static JsonValue make_bool(bool b);
    static JsonValue make_number(double v);
    static JsonValue make_string(std::string s);
    static JsonValue make_array(std::vector<JsonValue> items);
    static JsonValue make_object(std::vector<Member> members);

private:
    Kind kind_ = Kind::null;
    bool boolean_ = false;
    double number_ = 0.0;
    std::string string_;
    std::vector<JsonValue> items_;
    std::vector<Member> members_;
};

/// Parses one JSON text. Errors (ErrorCode::corrupt, or empty for no text) name the byte offset and
/// what was expected there.
Result<JsonValue> parse_json(std::string_view text, size_t max_depth = 128);

}  // namespace cf
