#include "core/model/model_check.h"

#include <cctype>
#include <string>

namespace cf {

namespace {

bool is_sha256_hex(std::string_view hex) {
    if (hex.size() != 64) return false;
    for (const char c : hex)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

bool same_hex(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

Status check_model_sha256(std::string_view file, std::string_view expected_sha256_hex,
                          std::string_view actual_sha256_hex) {
    const std::string name(file);
    if (expected_sha256_hex.empty())
        return Status(ErrorCode::invalid_argument,
                      name + ": its manifest records no sha256 for it, so it cannot be verified and is not loaded");
    if (!is_sha256_hex(expected_sha256_hex))
        return Status(ErrorCode::invalid_argument, name + ": its manifest's sha256 '" +
                                                       std::string(expected_sha256_hex) + "' is not 64 hex digits");
    if (!same_hex(expected_sha256_hex, actual_sha256_hex))
        return Status(ErrorCode::corrupt, name + ": sha256 mismatch: the file has " + std::string(actual_sha256_hex) +
                                              ", its manifest says " + std::string(expected_sha256_hex) +
                                              " (a corrupt or replaced model file; restore it)");
    return Status::ok();
}

}  // namespace cf
