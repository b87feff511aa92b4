// cuefinder core — INTERNAL (not a stable API): damage that vorbisfile/opusfile do not report.
//
// Both libraries report a missing or CRC-failing page in the middle of a stream (a "hole"), but take the
// stream's start and end from the first and last granule positions they find. So a file cut mid-stream
// looks like a shorter complete track, and a damaged first audio page looks like a stream that starts
// later. These two checks close those gaps; each reads only the pages it needs.
#pragma once

#include "core/common/status.h"
#include "core/io/byte_source.h"

namespace cf::detail {

/// True when the last complete, CRC-valid Ogg page in `source` carries the end-of-stream flag and no
/// partial page follows it (bytes after it that do not start with "OggS", e.g. an ID3v1 tag, are
/// ignored). Reads at most the last 128 KiB (two maximal pages). Position afterwards unspecified.
Result<bool> ogg_stream_is_complete(ByteSource& source);

/// True when the pages of the first logical stream, from its first page up to the first page that
/// completes an audio packet (granule position > 0), have consecutive sequence numbers and pass their
/// CRCs. False means a header or the first audio page is missing or damaged. Reads from the start up
/// to that page (the headers, plus album art if any). Position afterwards unspecified.
Result<bool> ogg_stream_start_is_contiguous(ByteSource& source);

}  // namespace cf::detail
