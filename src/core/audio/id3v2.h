// cuefinder core — INTERNAL (not a stable API): a bounded reader for the text frames of an ID3v2 tag.
//
//   cf::AudioTags tags;
//   cf::detail::Id3v2Summary s = cf::detail::read_id3v2_tags(source, tags);  // source at the tag's "ID3"
//   // tags["title"], tags["artist"], ... ; s.tag_size_bytes is where the audio starts; seek before decoding
//
// Written for MP3 (mp3_decoder.cpp calls it on the first bytes of the stream; mpg123 itself is told to
// skip ID3v2 unparsed). Versions 2.2, 2.3 and 2.4: syncsafe tag size, extended header skipped,
// unsynchronisation (the whole tag in 2.2/2.3, per frame in 2.4), 2.4 data-length indicator and grouping
// bytes, text encodings ISO-8859-1 / UTF-16 with BOM / UTF-16BE / UTF-8 (all become UTF-8; invalid
// sequences become U+FFFD), several NUL-separated values joined with "; ". Frames → keys (the keys the
// Vorbis-comment path produces for the same fields, so a consumer sees one vocabulary):
//
//   TIT2 TT2 → title        TPE1 TP1 → artist        TCOM TCM → composer     TCON TCO → genre
//   TALB TAL → album        TPE2 TP2 → albumartist   TDRC TYER TYE → date    TRCK TRK → tracknumber
//   TCOP TCR → copyright
//
// Genres "(17)", "17", "(17)Rock", "(4)(26)", "RX", "CR" are resolved through the ID3v1 genre list.
// Every other frame (pictures, comments, private data, ...) is skipped without being buffered: by a seek,
// or, inside a whole-tag-unsynchronised 2.2/2.3 tag, by reading it in small chunks.
//
// Hostile input: nothing is read beyond the tag's declared size or the end of the input; at most
// Id3v2Limits::max_read_bytes are read in all; compressed or encrypted frames are skipped; the first
// malformed frame (bad id, size past the end of the tag, ...) stops parsing, keeping the tags found so
// far. It never fails: what went wrong is in the summary, for tests and logs. The tags go through
// add_tag() (pcm_decoder.h), so they are bounded like the Vorbis comments (64 keys, 1024 bytes each).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/io/byte_source.h"

namespace cf::detail {

struct Id3v2Limits {
    int64_t max_read_bytes = int64_t(1) << 20;  ///< bytes read from the source in all (frame headers, text
                                                ///< frames, unsynchronised skips); parsing stops there
    size_t max_text_frame_bytes = 16 * 1024;    ///< of a longer text frame only this prefix is read
};

struct Id3v2Summary {
    bool found = false;           ///< a valid ID3v2 header (any version) was at the start position
    int version = 0;              ///< the major version (2, 3, 4; others are found but not parsed), 0 if none
    int64_t tag_size_bytes = 0;   ///< header + body (+ 2.4 footer) as declared: where the audio starts
    int n_text_frames = 0;        ///< text frames that were decoded into tags
    bool complete = false;        ///< parsing reached the padding or the end of the tag
    std::string stopped_because;  ///< when found && !complete: why parsing stopped early
    int64_t n_read_bytes = 0;     ///< bytes read from the source (≤ Id3v2Limits::max_read_bytes)
};

/// Reads the ID3v2 tag that starts at `source`'s current position and adds its text frames to `tags`.
/// No tag there: found == false and nothing is added. Never fails (see the file comment); the source
/// position afterwards is unspecified.
Id3v2Summary read_id3v2_tags(ByteSource& source, AudioTags& tags, const Id3v2Limits& limits = {});

/// The same on bytes in memory (`n_bytes` at `data`; the tag may be cut short, as in a truncated file).
Id3v2Summary parse_id3v2_tags(const uint8_t* data, size_t n_bytes, AudioTags& tags, const Id3v2Limits& limits = {});

/// The ID3v1 genre name for `index`: 0–79 (the ID3v1 list) and 80–191 (Winamp's extensions);
/// nullptr outside.
const char* id3v1_genre_name(int index);

/// One TCON value → genre names: "(17)" and "17" → "Rock"; "(4)Eurodisco" → "Disco", "Eurodisco";
/// "(17)(26)" → "Rock", "Ambient"; "RX" / "(RX)" → "Remix"; "CR" / "(CR)" → "Cover"; "((Foo)" → "(Foo)";
/// unknown numbers and plain text are kept as written. Duplicates are dropped; empty input gives none.
std::vector<std::string> resolve_id3_genres(std::string_view value);

}  // namespace cf::detail
