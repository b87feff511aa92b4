// Damage checks for Ogg streams (see detail/ogg_check.h).
#include "core/audio/detail/ogg_check.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <ogg/ogg.h>

#include "core/audio/detail/pcm_decoder.h"

namespace cf::detail {
namespace {

constexpr int64_t kMaxPageBytes = 27 + 255 + 255 * 255;  // header + lacing + body
constexpr int64_t kTailBytes = 2 * kMaxPageBytes;

/// Length of the complete page at `tail[i]` if its CRC is right, else 0.
size_t valid_page_bytes(const std::vector<uint8_t>& tail, size_t i) {
    if (i + 27 > tail.size() || tail[i + 4] != 0) return 0;
    size_t header_bytes = 27 + size_t(tail[i + 26]);
    if (i + header_bytes > tail.size()) return 0;
    size_t body_bytes = 0;
    for (size_t s = 0; s < tail[i + 26]; ++s) body_bytes += tail[i + 27 + s];
    if (i + header_bytes + body_bytes > tail.size()) return 0;
    // ref: libogg ogg_page_checksum_set() computes the CRC with the CRC field zeroed.
    std::vector<unsigned char> header(tail.begin() + long(i), tail.begin() + long(i + header_bytes));
    std::memset(header.data() + 22, 0, 4);
    ogg_page page{header.data(), long(header_bytes), const_cast<unsigned char*>(tail.data() + i + header_bytes),
                  long(body_bytes)};
    ogg_page_checksum_set(&page);
    if (std::memcmp(header.data() + 22, tail.data() + i + 22, 4) != 0) return 0;
    return header_bytes + body_bytes;
}

}  // namespace

Result<bool> ogg_stream_is_complete(ByteSource& source) {
    int64_t start = std::max<int64_t>(0, source.size() - kTailBytes);
    std::vector<uint8_t> tail(size_t(source.size() - start));
    CF_RETURN_IF_ERROR(source.seek(start));
    Result<size_t> n_read = read_fully(source, tail.data(), tail.size());
    if (!n_read) return n_read.status();
    tail.resize(*n_read);

    // Scan backwards for the last valid page; an "OggS" after it is the start of a cut-off page.
    for (size_t i = tail.size() >= 4 ? tail.size() - 3 : 0; i-- > 0;) {
        if (std::memcmp(tail.data() + i, "OggS", 4) != 0) continue;
        size_t page_bytes = valid_page_bytes(tail, i);
        if (page_bytes == 0) continue;
        bool end_of_stream = (tail[i + 5] & 0x04) != 0;
        for (size_t j = i + page_bytes; j + 4 <= tail.size(); ++j)
            if (std::memcmp(tail.data() + j, "OggS", 4) == 0) return false;
        return end_of_stream;
    }
    return false;
}

Result<bool> ogg_stream_start_is_contiguous(ByteSource& source) {
    CF_RETURN_IF_ERROR(source.seek(0));
    ogg_sync_state sync;
    ogg_sync_init(&sync);
    struct Cleanup {
        ogg_sync_state* s;
        ~Cleanup() { ogg_sync_clear(s); }
    } cleanup{&sync};
    long serial = 0;
    long expected_sequence = 0;
    bool have_first = false;
    for (;;) {
        ogg_page page;
        long n = ogg_sync_pageseek(&sync, &page);
        if (n < 0) {
            if (have_first) return false;  // skipped bytes: a damaged page between the first and the audio
            continue;
        }
        if (n == 0) {  // need more data
            constexpr long kChunk = 16384;
            char* buffer = ogg_sync_buffer(&sync, kChunk);
            if (!buffer) return input_error(source, ErrorCode::io, "out of memory reading Ogg pages");
            Result<size_t> got = source.read(buffer, kChunk);
            if (!got) return got.status();
            if (*got == 0) return true;  // the input ends before any audio: the decoder reports that
            ogg_sync_wrote(&sync, long(*got));
            continue;
        }
        if (!have_first) {
            have_first = true;
            serial = long(ogg_page_serialno(&page));
            expected_sequence = long(ogg_page_pageno(&page));
        }
        if (long(ogg_page_serialno(&page)) != serial) continue;  // another multiplexed stream
        if (long(ogg_page_pageno(&page)) != expected_sequence) return false;
        ++expected_sequence;
        if (ogg_page_granulepos(&page) > 0) return true;
    }
}

}  // namespace cf::detail
