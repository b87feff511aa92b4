// The error convention's state (abi.h): the last failure's message and the one result buffer.
#include "bindings/web/abi.h"

#include <emscripten.h>

#include <cmath>

#include "bindings/web/exports.h"

namespace cf::bindings {
namespace {

struct Abi {
    std::string error;  ///< the last failure's message
    std::string text;   ///< the last string an export returned
};

Abi& abi() {
    static Abi a;
    return a;
}

}  // namespace

int fail(std::string message) {
    abi().error = std::move(message);
    return -1;
}

double fail_nan(std::string message) {
    abi().error = std::move(message);
    return std::nan("");
}

const char* fail_null(std::string message) {
    abi().error = std::move(message);
    return nullptr;
}

const char* text(std::string s) {
    abi().text = std::move(s);
    return abi().text.c_str();
}

}  // namespace cf::bindings

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* cf_error() { return cf::bindings::abi().error.c_str(); }

}  // extern "C"
