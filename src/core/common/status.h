// cuefinder core — errors.
//
// Three tiers (see README "Errors"):
//   1. Programmer mistakes:  CF_DEBUG_ASSERT(cond)  — on in debug/sanitizer builds, compiled out in release.
//   2. Broken invariants:    CF_ASSERT(cond)        — always on; prints file:line and aborts.
//   3. Bad input / I/O:      a returned cf::Status or cf::Result<T> with a message that names the input
//                            and what was wrong with it. Never an exception across a module boundary.
//
//   cf::Result<std::vector<float>> r = decode_all(path);
//   if (!r) { fprintf(stderr, "%s\n", r.status().message().c_str()); return 1; }
//   std::vector<float>& samples = *r;
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace cf {

enum class ErrorCode {
    ok = 0,
    invalid_argument,    ///< a caller-supplied option or value is out of range
    not_found,           ///< file does not exist
    io,                  ///< read/seek failed
    empty,               ///< the input has no bytes / no samples
    unsupported_format,  ///< not a format we know (e.g. not audio at all)
    corrupt,             ///< recognised format, but the data is inconsistent
    truncated,           ///< recognised format, but the data ends early
    too_large,           ///< exceeds a stated budget (memory, duration, channels)
    cancelled,           ///< a cancel callback asked to stop
};

const char* error_code_name(ErrorCode code);

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
    static Status ok() { return {}; }

    bool is_ok() const { return code_ == ErrorCode::ok; }
    explicit operator bool() const { return is_ok(); }
    ErrorCode code() const { return code_; }
    const std::string& message() const { return message_; }

    /// Returns a copy whose message is prefixed with `context` ("song.mp3: " + message).
    Status with_context(const std::string& context) const;

private:
    ErrorCode code_ = ErrorCode::ok;
    std::string message_;
};

/// A value or an error Status. Accessing the value of an error Result is a tier-2 failure.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : value_(std::move(value)) {}  // NOLINT(implicit)
    Result(Status status) : status_(std::move(status)) {  // NOLINT(implicit)
        if (status_.is_ok()) status_ = Status(ErrorCode::invalid_argument, "Result built from an ok Status");
    }
    bool is_ok() const { return value_.has_value(); }
    explicit operator bool() const { return is_ok(); }
    const Status& status() const { return status_; }

    T& value() { check(); return *value_; }
    const T& value() const { check(); return *value_; }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    void check() const;
    std::optional<T> value_;
    Status status_;
};

[[noreturn]] void assert_fail(const char* expr, const char* file, int line);

}  // namespace cf

#define CF_ASSERT(cond) ((cond) ? (void)0 : ::cf::assert_fail(#cond, __FILE__, __LINE__))
#ifdef NDEBUG
#define CF_DEBUG_ASSERT(cond) ((void)0)
#else
#define CF_DEBUG_ASSERT(cond) CF_ASSERT(cond)
#endif

/// Propagates an error Status out of the current function.
#define CF_RETURN_IF_ERROR(expr)                 \
    do {                                         \
        ::cf::Status cf_status_ = (expr);        \
        if (!cf_status_.is_ok()) return cf_status_; \
    } while (0)

template <class T>
void cf::Result<T>::check() const {
    if (!value_) {
        std::fprintf(stderr, "cuefinder: value of an error Result accessed: %s\n", status_.message().c_str());
        CF_ASSERT(value_.has_value());
    }
}
