// cuefinder core — INTERNAL (not a stable API): telling the codec from the first bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/audio/audio_reader.h"
#include "core/common/status.h"
#include "core/io/byte_source.h"

namespace cf::detail {

/// Reads the first bytes of `source` (and the bytes after any ID3v2 tags) and names the codec:
///   "RIFF"/"RF64"/"BW64" + "WAVE" → wav; "fLaC" → flac; "OggS" whose first packet starts with
///   "\x01vorbis" → vorbis or "OpusHead" → opus; an ID3v2 tag followed by "fLaC" → flac, by anything
///   else → mp3; an MPEG audio frame header at byte 0 whose successor frame header (if the input is
///   long enough to hold one) is consistent → mp3. The MP3 decoder then insists on decoding a frame.
/// Errors: empty (0 bytes), unsupported_format (the message names the format when it is a known
/// unsupported one, else shows the first bytes in hex), truncated (an ID3v2 tag or the first Ogg page
/// runs past the end). The source position afterwards is unspecified.
Result<AudioCodec> sniff_codec(ByteSource& source);

/// An MPEG-1/2/2.5 audio frame header (Layer I/II/III, not free format).
struct MpegFrameHeader {
    int version_id = 0;  ///< bits 19-20: 0 = MPEG 2.5, 2 = MPEG 2, 3 = MPEG 1
    int layer = 0;       ///< 1, 2 or 3
    int sample_rate_hz = 0;
    int frame_bytes = 0;
};

/// Parses 4 bytes as an MPEG audio frame header; false if it is not a valid one.
bool parse_mpeg_frame_header(const uint8_t* bytes, MpegFrameHeader* header);

}  // namespace cf::detail
