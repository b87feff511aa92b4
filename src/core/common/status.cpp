#include "core/common/status.h"

namespace cf {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::ok: return "ok";
        case ErrorCode::invalid_argument: return "invalid argument";
        case ErrorCode::not_found: return "not found";
        case ErrorCode::io: return "I/O error";
        case ErrorCode::empty: return "empty input";
        case ErrorCode::unsupported_format: return "unsupported format";
        case ErrorCode::corrupt: return "corrupt data";
        case ErrorCode::truncated: return "truncated data";
        case ErrorCode::too_large: return "too large";
        case ErrorCode::cancelled: return "cancelled";
    }
    return "unknown error";
}

Status Status::with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
}

void assert_fail(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "cuefinder: internal error: %s at %s:%d\n", expr, file, line);
    std::abort();
}

}  // namespace cf
