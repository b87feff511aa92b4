// ID3v2.2/2.3/2.4 text frames → AudioTags, written from the ID3v2 specifications (id3.org: "ID3 tag
// version 2" (2.2), "ID3 tag version 2.3.0", "ID3 tag version 2.4.0 - Main Structure" and "- Native
// Frames"). See id3v2.h for what is read and the limits.
//
// [SECTION] text: ISO-8859-1 / UTF-16 / UTF-8 → UTF-8
// [SECTION] genres: the ID3v1 list and TCON references
// [SECTION] TagInput: the tag's bytes, bounded, optionally de-unsynchronised on the fly
// [SECTION] frames
#include "core/audio/id3v2.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "core/audio/detail/pcm_decoder.h"
#include "core/common/utf8.h"

namespace cf::detail {
namespace {

// ---------------------------------------------------------------------------------------------------
// [SECTION] text: ISO-8859-1 / UTF-16 / UTF-8 → UTF-8
// ---------------------------------------------------------------------------------------------------

std::string latin1_to_utf8(const uint8_t* p, size_t n) {
    std::string out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) append_utf8(out, p[i]);
    return out;
}

/// Copies UTF-8, replacing each invalid or overlong sequence (and a leading BOM) so the tags are always
/// valid UTF-8, whatever the file says (they end up in JSON).
std::string sanitize_utf8(const uint8_t* p, size_t n) {
    std::string out;
    out.reserve(n);
    size_t i = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
    while (i < n) {
        const uint8_t b = p[i];
        size_t len = 0;
        uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
        if (b < 0x80) len = 1;
        else if (b >= 0xC2 && b <= 0xDF) len = 2;
        else if (b == 0xE0) len = 3, lo = 0xA0;
        else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) len = 3;
        else if (b == 0xED) len = 3, hi = 0x9F;  // no UTF-16 surrogates
        else if (b == 0xF0) len = 4, lo = 0x90;
        else if (b >= 0xF1 && b <= 0xF3) len = 4;
        else if (b == 0xF4) len = 4, hi = 0x8F;  // ≤ U+10FFFF
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; ++k) {
            const uint8_t c = p[i + k];
            ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
        }
        if (ok) {
            out.append(reinterpret_cast<const char*>(p + i), len);
            i += len;
        } else {
            append_utf8(out, kReplacementCharacter);
            ++i;  // resynchronise on the next byte
        }
    }
    return out;
}

/// UTF-16 code units (`n_units` of them at `p`, byte order `big_endian`) → UTF-8; an unpaired surrogate
/// becomes U+FFFD.
std::string utf16_to_utf8(const uint8_t* p, size_t n_units, bool big_endian) {
    auto unit = [&](size_t i) -> uint32_t {
        return big_endian ? (uint32_t(p[2 * i]) << 8) | p[2 * i + 1] : (uint32_t(p[2 * i + 1]) << 8) | p[2 * i];
    };
    std::string out;
    out.reserve(n_units);
    for (size_t i = 0; i < n_units; ++i) {
        const uint32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n_units) {
            const uint32_t low = unit(i + 1);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
                ++i;
                continue;
            }
        }
        append_utf8(out, (u >= 0xD800 && u <= 0xDFFF) ? kReplacementCharacter : u);
    }
    return out;
}

/// A text frame's body (encoding byte + text) → its values, split at the NUL terminators (2.4 allows
/// several values per frame; a terminator at the end is allowed too). An unknown encoding gives none.
std::vector<std::string> decode_text_frame(const uint8_t* p, size_t n) {
    std::vector<std::string> values;
    if (n < 1) return values;
    const uint8_t encoding = p[0];
    ++p;
    --n;
    if (encoding == 0 || encoding == 3) {
        size_t begin = 0;
        for (size_t i = 0; i <= n; ++i) {
            if (i == n || p[i] == 0) {
                if (i > begin)
                    values.push_back(encoding == 0 ? latin1_to_utf8(p + begin, i - begin)
                                                   : sanitize_utf8(p + begin, i - begin));
                begin = i + 1;
            }
        }
    } else if (encoding == 1 || encoding == 2) {
        const size_t n_units = n / 2;  // an odd last byte is dropped
        // Encoding 1: each value may start with its own BOM; one without takes the previous value's byte
        // order (some writers put a BOM on the first value only), else big-endian, Unicode's default.
        // Encoding 2 is big-endian; a stray BOM is dropped all the same.
        bool big_endian = true;
        size_t begin = 0;
        for (size_t i = 0; i <= n_units; ++i) {
            if (i == n_units || (p[2 * i] == 0 && p[2 * i + 1] == 0)) {
                size_t first = begin;
                if (first < i) {
                    const uint8_t b0 = p[2 * first], b1 = p[2 * first + 1];
                    if (b0 == 0xFF && b1 == 0xFE) {
                        if (encoding == 1) big_endian = false;
                        ++first;
                    } else if (b0 == 0xFE && b1 == 0xFF) {
                        if (encoding == 1) big_endian = true;
                        ++first;
                    }
                }
                if (i > first) values.push_back(utf16_to_utf8(p + 2 * first, i - first, encoding == 2 || big_endian));
                begin = i + 1;
            }
        }
    }
    return values;
}

// ---------------------------------------------------------------------------------------------------
// [SECTION] genres: the ID3v1 list and TCON references
// ---------------------------------------------------------------------------------------------------

// 0–79: the ID3v1 list; 80–125: Winamp 1.x additions; 126–147: Winamp 1.91; 148–191: Winamp 5.6.
// (133 was renamed from an offensive name to "Afro-Punk" in later lists; that name is used here.)
constexpr const char* kGenres[] = {
    // 0
    "Blues", "Classic Rock", "Country", "Dance", "Disco", "Funk", "Grunge", "Hip-Hop", "Jazz", "Metal",
    // 10
    "New Age", "Oldies", "Other", "Pop", "R&B", "Rap", "Reggae", "Rock", "Techno", "Industrial",
    // 20
    "Alternative", "Ska", "Death Metal", "Pranks", "Soundtrack", "Euro-Techno", "Ambient", "Trip-Hop", "Vocal",
    "Jazz+Funk",
    // 30
    "Fusion", "Trance", "Classical", "Instrumental", "Acid", "House", "Game", "Sound Clip", "Gospel", "Noise",
    // 40
    "Alternative Rock", "Bass", "Soul", "Punk", "Space", "Meditative", "Instrumental Pop", "Instrumental Rock",
    "Ethnic", "Gothic",
    // 50
    "Darkwave", "Techno-Industrial", "Electronic", "Pop-Folk", "Eurodance", "Dream", "Southern Rock", "Comedy",
    "Cult", "Gangsta",
    // 60
    "Top 40", "Christian Rap", "Pop/Funk", "Jungle", "Native American", "Cabaret", "New Wave", "Psychedelic",
    "Rave", "Showtunes",
    // 70
    "Trailer", "Lo-Fi", "Tribal", "Acid Punk", "Acid Jazz", "Polka", "Retro", "Musical", "Rock & Roll",
    "Hard Rock",
    // 80
    "Folk", "Folk-Rock", "National Folk", "Swing", "Fast Fusion", "Bebop", "Latin", "Revival", "Celtic",
    "Bluegrass",
    // 90
    "Avantgarde", "Gothic Rock", "Progressive Rock", "Psychedelic Rock", "Symphonic Rock", "Slow Rock",
    "Big Band", "Chorus", "Easy Listening", "Acoustic",
    // 100
    "Humour", "Speech", "Chanson", "Opera", "Chamber Music", "Sonata", "Symphony", "Booty Bass", "Primus",
    "Porn Groove",
    // 110
    "Satire", "Slow Jam", "Club", "Tango", "Samba", "Folklore", "Ballad", "Power Ballad", "Rhythmic Soul",
    "Freestyle",
    // 120
    "Duet", "Punk Rock", "Drum Solo", "A Cappella", "Euro-House", "Dance Hall", "Goa", "Drum & Bass",
    "Club-House", "Hardcore",
    // 130
    "Terror", "Indie", "BritPop", "Afro-Punk", "Polsk Punk", "Beat", "Christian Gangsta Rap", "Heavy Metal",
    "Black Metal", "Crossover",
    // 140
    "Contemporary Christian", "Christian Rock", "Merengue", "Salsa", "Thrash Metal", "Anime", "JPop", "Synthpop",
    "Abstract", "Art Rock",
    // 150
    "Baroque", "Bhangra", "Big Beat", "Breakbeat", "Chillout", "Downtempo", "Dub", "EBM", "Eclectic", "Electro",
    // 160
    "Electroclash", "Emo", "Experimental", "Garage", "Global", "IDM", "Illbient", "Industro-Goth", "Jam Band",
    "Krautrock",
    // 170
    "Leftfield", "Lounge", "Math Rock", "New Romantic", "Nu-Breakz", "Post-Punk", "Post-Rock", "Psytrance",
    "Shoegaze", "Space Rock",
    // 180
    "Trop Rock", "World Music", "Neoclassical", "Audiobook", "Audio Theatre", "Neue Deutsche Welle", "Podcast",
    "Indie Rock", "G-Funk", "Dubstep",
    // 190
    "Garage Rock", "Psybient",
};
constexpr int kNumGenres = int(sizeof kGenres / sizeof kGenres[0]);
static_assert(kNumGenres == 192, "the genre list runs 0..191");

/// "17" → "Rock", "RX" → "Remix", "CR" → "Cover"; nullptr for anything else.
const char* genre_reference(std::string_view ref) {
    if (ref == "RX") return "Remix";
    if (ref == "CR") return "Cover";
    if (ref.empty() || ref.size() > 3) return nullptr;
    int index = 0;
    for (char c : ref) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + (c - '0');
    }
    return id3v1_genre_name(index);
}

// ---------------------------------------------------------------------------------------------------
// [SECTION] TagInput: the tag's bytes, bounded, optionally de-unsynchronised on the fly
// ---------------------------------------------------------------------------------------------------

/// Undoes unsynchronisation in place: every 0x00 that follows a 0xFF is dropped. Returns the new size.
size_t remove_unsync(uint8_t* p, size_t n) {
    size_t out = 0;
    bool after_ff = false;
    for (size_t i = 0; i < n; ++i) {
        if (after_ff && p[i] == 0x00) {
            after_ff = false;
            continue;
        }
        after_ff = p[i] == 0xFF;
        p[out++] = p[i];
    }
    return out;
}

/// The stored bytes of the tag body, [position, end): never past `end` nor past the read budget. Plain
/// mode reads exactly what is asked and skips by seeking. Unsync mode (a whole-tag-unsynchronised 2.2/2.3
/// tag, whose frame sizes count the bytes after de-unsynchronisation) reads sequentially through a small
/// buffer and drops each 0x00 after a 0xFF on the way, so skipping is reading.
class TagInput {
public:
    TagInput(ByteSource& source, int64_t position, int64_t end, int64_t budget_bytes)
        : source_(source), position_(position), end_(end), budget_(budget_bytes) {}

    void set_unsync(bool on) { unsync_ = on; }
    /// Stored bytes left in the tag: an upper bound of the decoded bytes left.
    int64_t stored_remaining() const { return end_ - position_ + int64_t(buffer_end_ - buffer_pos_); }
    int64_t n_read_bytes() const { return n_read_; }
    /// Decoded bytes read or skipped so far: the offset in the (de-unsynchronised) tag body.
    int64_t offset() const { return n_consumed_; }
    const std::string& problem() const { return problem_; }
    /// Records why parsing cannot go on (the first reason is kept); returns false.
    bool fail(std::string why) {
        if (problem_.empty()) problem_ = std::move(why);
        return false;
    }

    /// Reads `n` decoded bytes; false (and problem() says why) if they are not all there.
    bool read(uint8_t* dst, size_t n) {
        if (!unsync_) {
            if (!take_stored(int64_t(n))) return false;
            if (source_.tell() != position_ && !source_.seek(position_).is_ok()) return fail("cannot seek in the input");
            Result<size_t> got = read_fully(source_, dst, n);
            if (!got) return fail(got.status().message());
            position_ += int64_t(*got);
            n_consumed_ += int64_t(*got);
            if (*got < n) return fail("the input ends inside the tag");
            return true;
        }
        for (size_t i = 0; i < n; ++i)
            if (!next_unsync_byte(dst ? &dst[i] : nullptr)) return false;
        return true;
    }

    /// Skips `n` decoded bytes.
    bool skip(int64_t n) {
        if (!unsync_) {
            if (n > end_ - position_) return fail("a frame runs past the end of the tag");
            position_ += n;  // a seek, done lazily by the next read
            n_consumed_ += n;
            return true;
        }
        for (int64_t i = 0; i < n; ++i)
            if (!next_unsync_byte(nullptr)) return false;
        return true;
    }

private:
    /// Accounts for `n` stored bytes about to be read from the source.
    bool take_stored(int64_t n) {
        if (n > end_ - position_) return fail("a frame runs past the end of the tag");
        if (n_read_ + n > budget_) return fail("read limit reached (Id3v2Limits::max_read_bytes)");
        n_read_ += n;
        return true;
    }

    bool next_unsync_byte(uint8_t* out) {
        for (;;) {
            if (buffer_pos_ == buffer_end_) {
                const int64_t n = std::min<int64_t>(int64_t(sizeof buffer_), end_ - position_);
                if (n <= 0) return fail("a frame runs past the end of the tag");
                if (!take_stored(n)) return false;
                if (source_.tell() != position_ && !source_.seek(position_).is_ok())
                    return fail("cannot seek in the input");
                Result<size_t> got = read_fully(source_, buffer_, size_t(n));
                if (!got) return fail(got.status().message());
                if (*got == 0) return fail("the input ends inside the tag");
                position_ += int64_t(*got);
                end_ = *got < size_t(n) ? position_ : end_;  // the input ended early: so does the tag
                buffer_pos_ = 0;
                buffer_end_ = *got;
            }
            const uint8_t b = buffer_[buffer_pos_++];
            if (after_ff_ && b == 0x00) {
                after_ff_ = false;
                continue;
            }
            after_ff_ = b == 0xFF;
            if (out) *out = b;
            ++n_consumed_;
            return true;
        }
    }

    ByteSource& source_;
    int64_t position_;  ///< absolute position of the next stored byte to fetch from the source
    int64_t end_;       ///< absolute end of the stored tag body
    int64_t budget_;
    int64_t n_read_ = 0;
    int64_t n_consumed_ = 0;
    bool unsync_ = false;
    bool after_ff_ = false;
    uint8_t buffer_[2048];
    size_t buffer_pos_ = 0, buffer_end_ = 0;
    std::string problem_;
};

// ---------------------------------------------------------------------------------------------------
// [SECTION] frames
// ---------------------------------------------------------------------------------------------------

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint32_t syncsafe32(const uint8_t* p) {
    return (uint32_t(p[0] & 0x7F) << 21) | (uint32_t(p[1] & 0x7F) << 14) | (uint32_t(p[2] & 0x7F) << 7) | (p[3] & 0x7F);
}
bool is_syncsafe(const uint8_t* p) { return ((p[0] | p[1] | p[2] | p[3]) & 0x80) == 0; }

/// The tag key for a text frame id, nullptr for frames we do not read.
const char* key_for_frame(const char* id, int version) {
    struct Mapping {
        const char* v22;
        const char* v23;  // also 2.4
        const char* key;
    };
    static constexpr Mapping kFrames[] = {
        {"TT2", "TIT2", "title"},    {"TP1", "TPE1", "artist"},      {"TCM", "TCOM", "composer"},
        {"TCO", "TCON", "genre"},    {"TAL", "TALB", "album"},       {"TP2", "TPE2", "albumartist"},
        {"TYE", "TYER", "date"},     {nullptr, "TDRC", "date"},      {"TRK", "TRCK", "tracknumber"},
        {"TCR", "TCOP", "copyright"},
    };
    for (const Mapping& m : kFrames) {
        if (version == 2) {
            if (m.v22 && std::strcmp(id, m.v22) == 0) return m.key;
        } else if (std::strcmp(id, m.v23) == 0) {
            // TDRC is a 2.4 frame; TYER was dropped in 2.4 but is tolerated there.
            if (version == 3 && std::strcmp(id, "TDRC") == 0) return nullptr;
            return m.key;
        }
    }
    return nullptr;
}

/// Cuts `value` to at most `n_bytes` on a UTF-8 character boundary (add_tag() cuts at a byte count,
/// which could split a character and leave invalid UTF-8).
std::string cut_utf8(std::string value, size_t n_bytes) {
    if (value.size() <= n_bytes) return value;
    size_t end = n_bytes;
    while (end > 0 && (uint8_t(value[end]) & 0xC0) == 0x80) --end;  // back to the start of a character
    value.resize(end);
    return value;
}

constexpr size_t kMaxValueBytes = 1024;  // add_tag()'s bound (pcm_decoder.cpp)

void add_values(AudioTags& tags, const char* key, const std::vector<std::string>& values) {
    if (std::strcmp(key, "genre") != 0) {
        for (const std::string& v : values) add_tag(tags, key, cut_utf8(v, kMaxValueBytes));
        return;
    }
    std::vector<std::string> names;
    for (const std::string& v : values)
        for (std::string& name : resolve_id3_genres(v))
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
    for (const std::string& name : names) add_tag(tags, key, cut_utf8(name, kMaxValueBytes));
}

constexpr size_t kHeaderBytes = 10;

class Id3v2Parser {
public:
    Id3v2Parser(ByteSource& source, AudioTags& tags, const Id3v2Limits& limits)
        : source_(source), tags_(tags), limits_(limits) {}

    Id3v2Summary run() {
        const int64_t start = source_.tell();
        uint8_t h[kHeaderBytes];
        Result<size_t> got = read_fully(source_, h, kHeaderBytes);
        if (!got || *got < kHeaderBytes) return summary_;
        summary_.n_read_bytes = int64_t(*got);
        // "ID3", major version, revision (never 0xFF), flags, 4-byte syncsafe size.
        if (h[0] != 'I' || h[1] != 'D' || h[2] != '3' || h[3] == 0xFF || h[4] == 0xFF || !is_syncsafe(h + 6))
            return summary_;
        summary_.found = true;
        summary_.version = h[3];
        const uint8_t flags = h[5];
        const bool footer = h[3] == 4 && (flags & 0x10);
        summary_.tag_size_bytes = int64_t(kHeaderBytes) + syncsafe32(h + 6) + (footer ? 10 : 0);
        if (h[3] < 2 || h[3] > 4) return stop("unsupported ID3v2 version 2." + std::to_string(h[3]));
        version_ = h[3];
        // 2.2's compression flag was never specified: the spec says to ignore such a tag.
        if (version_ == 2 && (flags & 0x40)) return stop("compressed ID3v2.2 tag");

        const int64_t body_begin = start + int64_t(kHeaderBytes);
        TagInput in(source_, body_begin, body_begin + syncsafe32(h + 6),
                    std::max<int64_t>(0, limits_.max_read_bytes - summary_.n_read_bytes));
        const bool tag_unsync = (flags & 0x80) != 0;
        if (version_ < 4) in.set_unsync(tag_unsync);
        if (version_ >= 3 && (flags & 0x40) && !skip_extended_header(in)) return stop(in);
        parse_frames(in, tag_unsync);
        summary_.n_read_bytes += in.n_read_bytes();
        if (!summary_.complete && summary_.stopped_because.empty()) summary_.stopped_because = in.problem();
        return summary_;
    }

private:
    Id3v2Summary stop(const std::string& why) {
        summary_.complete = false;
        summary_.stopped_because = why;
        return summary_;
    }
    Id3v2Summary stop(const TagInput& in) {
        summary_.n_read_bytes += in.n_read_bytes();
        return stop("extended header: " + in.problem());
    }

    bool skip_extended_header(TagInput& in) {
        uint8_t size[4];
        if (!in.read(size, 4)) return false;
        if (version_ == 3) return in.skip(be32(size));  // 2.3: the size excludes its own 4 bytes
        // 2.4: syncsafe and includes its own 4 bytes (so at least 6).
        const uint32_t n = syncsafe32(size);
        if (!is_syncsafe(size) || n < 6) return in.fail("bad size " + std::to_string(be32(size)));
        return in.skip(int64_t(n) - 4);
    }

    void parse_frames(TagInput& in, bool tag_unsync) {
        const size_t header_bytes = version_ == 2 ? 6 : 10;
        const size_t id_bytes = version_ == 2 ? 3 : 4;
        for (;;) {
            if (in.stored_remaining() < int64_t(header_bytes)) {
                summary_.complete = true;  // the last frame ended within a header's length of the end
                return;
            }
            uint8_t h[10];
            if (!in.read(h, header_bytes)) return;
            if (h[0] == 0) {  // padding (zeros to the end of the tag): done
                summary_.complete = true;
                return;
            }
            char id[5] = {0, 0, 0, 0, 0};
            for (size_t i = 0; i < id_bytes; ++i) {
                if (!((h[i] >= 'A' && h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9'))) {
                    summary_.stopped_because = "invalid frame id at byte " +
                                               std::to_string(in.offset() - int64_t(header_bytes)) + " of the tag body";
                    return;
                }
                id[i] = char(h[i]);
            }
            int64_t size = 0;
            uint8_t format_flags = 0;
            if (version_ == 2) {
                size = (int64_t(h[3]) << 16) | (int64_t(h[4]) << 8) | h[5];
            } else if (version_ == 3) {
                size = be32(h + 4);
                format_flags = h[9];
            } else {
                // 2.4 sizes are syncsafe; some writers (old iTunes) wrote plain ones. A size with a high bit
                // set cannot be syncsafe, so it is read as plain.
                size = is_syncsafe(h + 4) ? syncsafe32(h + 4) : be32(h + 4);
                format_flags = h[9];
            }
            if (size > in.stored_remaining()) {
                summary_.stopped_because = std::string("frame ") + id + " claims " + std::to_string(size) +
                                           " bytes, more than the " + std::to_string(in.stored_remaining()) +
                                           " left in the tag";
                return;
            }

            // Bytes the flags add in front of the frame data, and frames we cannot read.
            int64_t prefix = 0;
            bool unreadable = false, frame_unsync = false;
            if (version_ == 3) {
                unreadable = (format_flags & 0xC0) != 0;  // compression, encryption
                prefix = (format_flags & 0x20) ? 1 : 0;   // grouping identity
            } else if (version_ == 4) {
                unreadable = (format_flags & 0x0C) != 0;  // compression, encryption
                prefix = ((format_flags & 0x40) ? 1 : 0) + ((format_flags & 0x01) ? 4 : 0);  // group, data length
                // Per-frame unsynchronisation; the tag-header flag means "every frame is" (2.4 §3.1).
                frame_unsync = (format_flags & 0x02) || tag_unsync;
            }
            const char* key = key_for_frame(id, version_);
            if (!key || unreadable || prefix > size) {
                if (!in.skip(size)) return;
                continue;
            }
            if (!in.skip(prefix)) return;
            const int64_t data_size = size - prefix;
            const size_t n_keep = size_t(std::min<int64_t>(data_size, int64_t(limits_.max_text_frame_bytes)));
            buffer_.resize(n_keep);
            if (!in.read(buffer_.data(), n_keep) || !in.skip(data_size - int64_t(n_keep))) return;
            size_t n = n_keep;
            if (frame_unsync) n = remove_unsync(buffer_.data(), n);
            add_values(tags_, key, decode_text_frame(buffer_.data(), n));
            ++summary_.n_text_frames;
        }
    }

    ByteSource& source_;
    AudioTags& tags_;
    const Id3v2Limits& limits_;
    int version_ = 0;
    std::vector<uint8_t> buffer_;
    Id3v2Summary summary_;
};

}  // namespace

const char* id3v1_genre_name(int index) { return index >= 0 && index < kNumGenres ? kGenres[index] : nullptr; }

std::vector<std::string> resolve_id3_genres(std::string_view value) {
    std::vector<std::string> out;
    auto add = [&](std::string name) {
        if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    };
    // 2.3: leading "(N)" references, then an optional refinement text; "((" starts a text that begins
    // with "(". 2.4: the value is a bare "N", "RX", "CR" or a text.
    size_t i = 0;
    while (i < value.size() && value[i] == '(' && !(i + 1 < value.size() && value[i + 1] == '(')) {
        const size_t close = value.find(')', i);
        if (close == std::string_view::npos) break;
        const char* name = genre_reference(value.substr(i + 1, close - i - 1));
        if (!name) break;  // "(200)", "(Foo)": not a reference, keep it as text
        add(name);
        i = close + 1;
    }
    std::string_view rest = value.substr(i);
    if (rest.size() >= 2 && rest[0] == '(' && rest[1] == '(') rest.remove_prefix(1);
    if (rest.empty()) return out;
    const char* name = i == 0 ? genre_reference(rest) : nullptr;
    add(name ? std::string(name) : std::string(rest));
    return out;
}

Id3v2Summary read_id3v2_tags(ByteSource& source, AudioTags& tags, const Id3v2Limits& limits) {
    return Id3v2Parser(source, tags, limits).run();
}

Id3v2Summary parse_id3v2_tags(const uint8_t* data, size_t n_bytes, AudioTags& tags, const Id3v2Limits& limits) {
    if (!data || n_bytes == 0) return Id3v2Summary{};
    std::unique_ptr<ByteSource> source = make_memory_source(data, n_bytes, "ID3v2 tag");
    return read_id3v2_tags(*source, tags, limits);
}

}  // namespace cf::detail
