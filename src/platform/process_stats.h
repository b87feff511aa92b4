// Platform seam: process statistics. One implementation per platform, picked by CMake
// (src/platform/native/process_stats.cpp, src/platform/web/process_stats.cpp).
#pragma once

#include <cstddef>

namespace cf::platform {

/// Peak memory of this process so far, in bytes: the maximum resident set size natively; the
/// size of the WebAssembly linear memory under Emscripten (it only grows, so it is the peak).
size_t peak_memory_bytes();

/// Name of the platform ("native" or "wasm").
const char* platform_name();

}  // namespace cf::platform
