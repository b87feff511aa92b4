// cuefinder core — random-access byte input that works the same on a file and on a memory buffer.
//
//   auto src = cf::open_file_source("song.ogg");          // Result<std::unique_ptr<ByteSource>>
//   auto mem = cf::make_memory_source(bytes, n, "drop.mp3"); // borrows `bytes` (a fetched ArrayBuffer)
//   uint8_t buf[4096]; auto n = (*src)->read(buf, sizeof buf);
//
// Decoders only ever see a ByteSource, so a dropped file in the browser (bytes in the WASM heap) and a
// file on disk go through the same code. Reads never allocate the whole input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"

namespace cf {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// Reads up to `n_bytes` into `dst`; returns the count read (0 at end of input) or an io error.
    virtual Result<size_t> read(void* dst, size_t n_bytes) = 0;
    /// Moves the read position to `offset_bytes` from the start (0 ≤ offset ≤ size()).
    virtual Status seek(int64_t offset_bytes) = 0;
    virtual int64_t tell() const = 0;
    /// Total size in bytes.
    virtual int64_t size() const = 0;
    /// A name for messages: the path, or the name given to a memory source.
    virtual const std::string& name() const = 0;
};

/// Opens `path` for reading. Only regular files: a directory, FIFO, device or socket is refused with an
/// io error naming what it is (a FIFO would otherwise block the open until a writer appears).
/// Errors: not_found, io (not a regular file, no permission).
Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path);

/// Reads a whole regular file through open_file_source (so a FIFO or device is refused the same way).
/// Errors: those of open_file_source; too_large when the file has more than `max_bytes`; io on a failed read.
Result<std::vector<uint8_t>> read_whole_file(const std::string& path, int64_t max_bytes = INT64_MAX);

/// Wraps `n_bytes` at `data` without copying; the caller keeps the bytes alive while the source lives.
std::unique_ptr<ByteSource> make_memory_source(const void* data, size_t n_bytes, std::string name);

/// Like make_memory_source but owns a copy of the bytes.
std::unique_ptr<ByteSource> make_owned_memory_source(std::vector<uint8_t> bytes, std::string name);

}  // namespace cf
