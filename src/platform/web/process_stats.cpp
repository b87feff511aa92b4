#include "platform/process_stats.h"

namespace cf::platform {

size_t peak_memory_bytes() { return size_t(__builtin_wasm_memory_size(0)) * 65536; }

const char* platform_name() { return "wasm"; }

}  // namespace cf::platform
