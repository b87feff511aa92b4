// cuefinder core — CRC-32 (IEEE 802.3, as zlib's crc32 and PNG's chunk CRC), for the catalog
// container's section checksums and the PNG structure check.
//
//   uint32_t c = cf::crc32(data, n);          // one buffer
//   c = cf::crc32(more, m, c);                // chained: the same as one call over both
#pragma once

#include <cstddef>
#include <cstdint>

namespace cf {

/// CRC-32 with the reflected polynomial 0xEDB88320 and zlib's pre/post inversion. `crc` chains calls.
uint32_t crc32(const void* data, size_t n_bytes, uint32_t crc = 0);

}  // namespace cf
