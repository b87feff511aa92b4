// libFuzzer entry for the core's JSON reader (core/io/json_reader.h: the analysis JSON and the track
// fields the catalog build hands to the core). Any bytes must give a value or a Status, never a crash
// or a stack overflow (deep nesting is bounded). A text that parses is written back with the core's
// JsonWriter and read again: the two readings must be the same value (kinds, order, strings, numbers).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/common/json.h"
#include "core/io/json_reader.h"

namespace {

void write(cf::JsonWriter& w, const cf::JsonValue& v) {
    switch (v.kind()) {
        case cf::JsonValue::Kind::null: w.null(); break;
        case cf::JsonValue::Kind::boolean: w.value(v.boolean()); break;
        case cf::JsonValue::Kind::number: w.number(v.number(), "%.17g"); break;
        case cf::JsonValue::Kind::string: w.value(v.string()); break;
        case cf::JsonValue::Kind::array:
            w.begin_array();
            for (const cf::JsonValue& item : v.items()) write(w, item);
            w.end_array();
            break;
        case cf::JsonValue::Kind::object:
            w.begin_object();
            for (const cf::JsonValue::Member& m : v.members()) write(w.key(m.first), m.second);
            w.end_object();
            break;
    }
}

bool same(const cf::JsonValue& a, const cf::JsonValue& b) {
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case cf::JsonValue::Kind::null: return true;
        case cf::JsonValue::Kind::boolean: return a.boolean() == b.boolean();
        // A number too large for a double reads as infinity and is written null: not comparable.
        case cf::JsonValue::Kind::number: return a.number() == b.number() || !std::isfinite(a.number());
        case cf::JsonValue::Kind::string: return a.string() == b.string();
        case cf::JsonValue::Kind::array:
            if (a.items().size() != b.items().size()) return false;
            for (size_t i = 0; i < a.items().size(); ++i)
                if (!same(a.items()[i], b.items()[i])) return false;
            return true;
        case cf::JsonValue::Kind::object:
            if (a.members().size() != b.members().size()) return false;
            for (size_t i = 0; i < a.members().size(); ++i)
                if (a.members()[i].first != b.members()[i].first || !same(a.members()[i].second, b.members()[i].second)) return false;
            return true;
    }
    return false;
}

bool has_infinity(const cf::JsonValue& v) {
    if (v.is_number()) return !std::isfinite(v.number());
    for (const cf::JsonValue& item : v.items())
        if (has_infinity(item)) return true;
    for (const cf::JsonValue::Member& m : v.members())
        if (has_infinity(m.second)) return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    cf::Result<cf::JsonValue> first = cf::parse_json(text);
    if (!first) {
        if (first.status().message().empty()) std::abort();  // an error always says what is wrong
        return 0;
    }
    if (has_infinity(*first)) return 0;  // written as null: a different value by design
    cf::JsonWriter w;
    write(w, *first);
    cf::Result<cf::JsonValue> again = cf::parse_json(w.str());
    if (!again || !same(*first, *again)) std::abort();
    return 0;
}
