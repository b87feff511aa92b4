// cuefinder core — one CSV field, safe to open in a spreadsheet.
//
//   row += cf::csv_field(title);   // "Hello, world" → "\"Hello, world\"";  =HYPERLINK(…) → '=HYPERLINK(…)
//
// RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled), and text that a
// spreadsheet would run as a formula (starting with =, +, -, @, tab or CR: a track title or file name
// is user-controlled) gets a leading apostrophe, so it shows as text. Plain numbers ("-14.2", "+3")
// are left as they are.
#pragma once

#include <string>
#include <string_view>

namespace cf {

std::string csv_field(std::string_view text);

}  // namespace cf
