#include "platform/process_stats.h"

#include <sys/resource.h>

namespace cf::platform {

size_t peak_memory_bytes() {
    struct rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return size_t(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

const char* platform_name() { return "native"; }

}  // namespace cf::platform
