// libFuzzer entry for the ID3v2 reader alone: any bytes → a summary and bounded, valid-UTF-8 tags.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/audio/id3v2.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    cf::AudioTags tags;
    cf::detail::Id3v2Limits limits;
    limits.max_read_bytes = 1 << 16;  // small, so that the limit itself is exercised
    const cf::detail::Id3v2Summary s = cf::detail::parse_id3v2_tags(data, size, tags, limits);
    if (s.n_read_bytes > limits.max_read_bytes + 10 || tags.size() > 64) std::abort();
    for (const auto& [key, value] : tags) {
        if (value.empty() || value.size() > 1024) std::abort();
        for (size_t i = 0; i < value.size();) {  // valid UTF-8
            const uint8_t b = uint8_t(value[i]);
            const size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
            if (len == 0 || i + len > value.size()) std::abort();
            for (size_t k = 1; k < len; ++k)
                if ((uint8_t(value[i + k]) & 0xC0) != 0x80) std::abort();
            i += len;
        }
    }
    return 0;
}
