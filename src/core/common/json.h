// cuefinder core — writing JSON (reading it: core/io/json_reader.h).
//
//   JsonWriter w;
//   w.begin_object().key("id").value(id).key("bpm").number(bpm, "%.1f").key("tags").begin_array();
//   for (const TagScore& t : tags) w.begin_array().value(t.label).number(t.prob, "%.3f").end_array();
//   w.end_array().end_object();
//   std::string text = w.take();          // {"id":"a","bpm":120.0,"tags":[["rock",0.912]]}
//
// Compact output (no spaces); commas are placed by the writer; numbers are printf-formatted and a
// non-finite number is written `null`. Misuse (a value where a key is due, unbalanced ends) is a
// programming error, checked by assert.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

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

/// Builds one JSON text, compact, in the order written.
class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    /// The next member's name (inside an object).
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(bool b);
    /// Any integer type (size_t, int, uint32_t...), written exactly.
    template <class T>
        requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
    JsonWriter& value(T n) {
        return raw(std::to_string(n));
    }
    /// `v` printf-formatted with `fmt` (one double conversion, e.g. "%.3f"); non-finite → null.
    JsonWriter& number(double v, const char* fmt = "%.6g");
    JsonWriter& null();
    /// Already-formatted JSON text (an object or array made by another writer) as the next value.
    JsonWriter& raw(std::string_view json);
    /// A JSON array of numbers, each formatted with `fmt`.
    JsonWriter& numbers(const float* v, size_t n, const char* fmt = "%.6g");
    JsonWriter& numbers(const double* v, size_t n, const char* fmt = "%.6g");
    JsonWriter& numbers(const std::vector<float>& v, const char* fmt = "%.6g") { return numbers(v.data(), v.size(), fmt); }
    JsonWriter& numbers(const std::vector<double>& v, const char* fmt = "%.6g") { return numbers(v.data(), v.size(), fmt); }
    /// A JSON array of strings.
    JsonWriter& strings(const std::vector<std::string>& v);

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    void before_value();
    std::string out_;
    std::vector<bool> first_;  ///< per open container: nothing written in it yet
    bool after_key_ = false;
};

}  // namespace cf
