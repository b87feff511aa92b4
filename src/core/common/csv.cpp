#include "core/common/csv.h"

#include <cctype>

namespace cf {

namespace {

// "-14.2", "+3", "1e-3": a number a spreadsheet reads as a number, not a formula.
bool plain_number(std::string_view s) {
    size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    bool digits = false, dot = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c))) digits = true;
        else if (c == '.' && !dot) dot = true;
        else if ((c == 'e' || c == 'E') && digits && i + 1 < s.size()) return plain_number(s.substr(i + 1));
        else return false;
    }
    return digits;
}

bool formula_like(std::string_view s) {
    if (s.empty()) return false;
    const char c = s[0];
    if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
    return (c == '+' || c == '-') && !plain_number(s);
}

}  // namespace

std::string csv_field(std::string_view text) {
    std::string field = formula_like(text) ? "'" + std::string(text) : std::string(text);
    if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
    std::string out = "\"";
    for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace cf
