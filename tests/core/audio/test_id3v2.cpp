// ID3v2 text frames → AudioInfo::tags (core/audio/id3v2.h): the parser on hand-built tags (each version,
// each text encoding, unsynchronisation, extended headers, flags, bad sizes, truncation and corruption at
// every byte), and end to end on MP3 fixtures, whose audio must decode exactly as without the tag.
//
// Fixtures (tests/data/audio/, CC0, see its README): the same 1.5 s 440 Hz mono tone, LAME 32 kbit/s,
// made with Debian bookworm's ffmpeg 5.1 and mutagen-checked:
//   tags_id3v23.mp3       ffmpeg -f lavfi -i sine=f=440:d=1.5:sample_rate=44100 -ac 1 -c:a libmp3lame -b:a 32k
//                         -metadata title="Tagged Song" -metadata artist="Some Artist"
//                         -metadata composer="Ana Composer" -metadata genre="(26)" -metadata album="Fixture Album"
//                         -metadata album_artist="Various Ärtists" -metadata date=2024 -metadata track=3/12
//                         -id3v2_version 3 -write_id3v1 0        (ISO-8859-1 frames, TPE2 in UTF-16 with BOM)
//   tags_id3v24.mp3       the same with genre="26", date=2024-05-17, -id3v2_version 4 (UTF-8) and a 32×32 PNG
//                         cover (-i cover.png -map 0:a -map 1:v -c:v copy -disposition:v attached_pic: an APIC)
//   tags_id3v22_unsync.mp3, tags_id3_corrupt.mp3
//                         the audio of tags_id3v23.mp3 (the bytes after its tag) behind a hand-built tag,
//                         written by the Python script in tests/data/audio/README.md: a whole-tag-unsynchronised
//                         ID3v2.2 tag (a 3071-byte PIC frame first, whose size field ends in 0xFF, then TT2
//                         in UTF-16 ending in U+00FF, TP1, TCM, TCO, TAL, TYE, TRK); and an ID3v2.3 tag whose
//                         third frame (TCOM) claims 0x7FFFFFF0 bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/audio/audio_reader.h"
#include "core/audio/detail/pcm_decoder.h"
#include "core/audio/id3v2.h"
#include "core/io/byte_source.h"
#include "test_util.h"

namespace {

using Bytes = std::vector<uint8_t>;
using cf::AudioTags;
using cf::detail::Id3v2Summary;

Bytes str(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
Bytes syncsafe(uint32_t n) { return {uint8_t((n >> 21) & 0x7F), uint8_t((n >> 14) & 0x7F), uint8_t((n >> 7) & 0x7F), uint8_t(n & 0x7F)}; }
Bytes be32(uint32_t n) { return {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)}; }

Bytes frame22(const std::string& id, const Bytes& data) {
    const uint32_t n = uint32_t(data.size());
    return str(id) + Bytes{uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)} + data;
}
Bytes frame23(const std::string& id, const Bytes& data, uint8_t format_flags = 0) {
    return str(id) + be32(uint32_t(data.size())) + Bytes{0, format_flags} + data;
}
Bytes frame24(const std::string& id, const Bytes& data, uint8_t format_flags = 0) {
    return str(id) + syncsafe(uint32_t(data.size())) + Bytes{0, format_flags} + data;
}
/// Header ("ID3", version, revision 0, flags, syncsafe size of `body`) + body.
Bytes tag(int version, uint8_t flags, const Bytes& body) {
    return Bytes{'I', 'D', '3', uint8_t(version), 0, flags} + syncsafe(uint32_t(body.size())) + body;
}
/// ID3v2 unsynchronisation: a 0x00 after every 0xFF that is followed by 0x00, a byte ≥ 0xE0, or the end.
Bytes unsync(const Bytes& in) {
    Bytes out;
    for (size_t i = 0; i < in.size(); ++i) {
        out.push_back(in[i]);
        if (in[i] == 0xFF && (i + 1 == in.size() || in[i + 1] == 0 || in[i + 1] >= 0xE0)) out.push_back(0);
    }
    return out;
}
/// Text payloads: encoding byte + text.
Bytes latin1(const std::string& s) { return Bytes{0} + str(s); }
Bytes utf8(const std::string& s) { return Bytes{3} + str(s); }
Bytes utf16(const std::u16string& s, bool big_endian, bool bom, uint8_t encoding = 1) {
    Bytes out{encoding};
    auto put = [&](char16_t u) {
        if (big_endian) out.insert(out.end(), {uint8_t(u >> 8), uint8_t(u)});
        else out.insert(out.end(), {uint8_t(u), uint8_t(u >> 8)});
    };
    if (bom) put(0xFEFF);
    for (char16_t u : s) put(u);
    return out;
}

AudioTags parse(const Bytes& bytes, Id3v2Summary* summary = nullptr, const cf::detail::Id3v2Limits& limits = {}) {
    AudioTags tags;
    Id3v2Summary s = cf::detail::parse_id3v2_tags(bytes.data(), bytes.size(), tags, limits);
    if (summary) *summary = s;
    return tags;
}

std::string get(const AudioTags& t, const std::string& key) { return t.count(key) ? t.at(key) : "<none>"; }

bool valid_utf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const uint8_t b = uint8_t(s[i]);
        size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (size_t k = 1; k < len; ++k)
            if ((uint8_t(s[i + k]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

std::string fixture(const std::string& name) { return cf::test::test_data_dir() + "/audio/" + name; }

/// The ID3v2 tag at the start of a file (header + declared body), or empty.
Bytes tag_bytes_of(const Bytes& file) {
    if (file.size() < 10) return {};
    const size_t n = 10 + ((size_t(file[6]) << 21) | (size_t(file[7]) << 14) | (size_t(file[8]) << 7) | file[9]);
    return Bytes(file.begin(), file.begin() + long(std::min(n, file.size())));
}

/// A ByteSource that counts the bytes read through it.
class CountingSource final : public cf::ByteSource {
public:
    explicit CountingSource(Bytes bytes) : inner_(cf::make_owned_memory_source(std::move(bytes), "counted")) {}
    cf::Result<size_t> read(void* dst, size_t n) override {
        cf::Result<size_t> r = inner_->read(dst, n);
        if (r) n_read_ += *r;
        return r;
    }
    cf::Status seek(int64_t offset) override { return inner_->seek(offset); }
    int64_t tell() const override { return inner_->tell(); }
    int64_t size() const override { return inner_->size(); }
    const std::string& name() const override { return inner_->name(); }
    size_t n_read() const { return n_read_; }

private:
    std::unique_ptr<cf::ByteSource> inner_;
    size_t n_read_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Parser on hand-built tags
// ---------------------------------------------------------------------------------------------------

TEST(Id3v2, ReadsV23Latin1AndUtf16WithBom) {
    const Bytes body = frame23("TIT2", latin1("Caf\xE9 Song")) +
                       frame23("TPE1", utf16(u"\u00C4rtist", /*big_endian=*/false, /*bom=*/true)) +
                       frame23("COMM", latin1("engXYZ")) +  // not a text frame we read: skipped
                       frame23("TCOM", utf16(u"C\u00F6mposer", /*big_endian=*/true, /*bom=*/true)) +
                       frame23("TCON", latin1("(26)")) + frame23("TALB", latin1("Album")) +
                       frame23("TPE2", latin1("Album Artist")) + frame23("TYER", latin1("1999")) +
                       frame23("TRCK", latin1("7/9")) + frame23("TCOP", latin1("CC0")) +
                       frame23("TDRC", latin1("2000")) +  // a 2.4 frame: ignored in 2.3
                       Bytes(100, 0);                      // padding
    Id3v2Summary s;
    const AudioTags t = parse(tag(3, 0, body) + str("\xFF\xFB audio"), &s);
    EXPECT_TRUE(s.found);
    EXPECT_EQ(s.version, 3);
    EXPECT_TRUE(s.complete) << s.stopped_because;
    EXPECT_EQ(s.tag_size_bytes, int64_t(10 + body.size()));
    EXPECT_EQ(s.n_text_frames, 9);
    const AudioTags expected = {{"title", "Caf\xC3\xA9 Song"}, {"artist", "\xC3\x84rtist"},
                                {"composer", "C\xC3\xB6mposer"}, {"genre", "Ambient"},
                                {"album", "Album"},              {"albumartist", "Album Artist"},
                                {"date", "1999"},                {"tracknumber", "7/9"},
                                {"copyright", "CC0"}};
    EXPECT_EQ(t, expected);
}

TEST(Id3v2, ReadsV24Utf8Utf16BeAndSeveralValues) {
    const Bytes body =
        frame24("TIT2", utf16(u"T\u00EFtle", /*big_endian=*/true, /*bom=*/false, /*encoding=*/2)) +
        frame24("TPE1", utf8(std::string("Anna\0Bo\0", 8))) +  // two values, terminated
        frame24("TCON", utf8(std::string("26\0Rock\0(4)Eurodisco", 20))) +
        // A BOM on the first value only: the second inherits little-endian.
        frame24("TCOM", utf16(std::u16string(u"Ann\0Bob", 7), /*big_endian=*/false, /*bom=*/true)) +
        frame24("TDRC", utf8("2024-05-17")) + frame24("TRCK", utf8("3")) + frame24("TYER", utf8("2024")) +
        frame24("TPE2", utf8("\xEF\xBB\xBFWith BOM")) + Bytes(20, 0);
    Id3v2Summary s;
    const AudioTags t = parse(tag(4, 0, body), &s);
    EXPECT_TRUE(s.complete) << s.stopped_because;
    EXPECT_EQ(get(t, "title"), "T\xC3\xAFtle");
    EXPECT_EQ(get(t, "artist"), "Anna; Bo");
    EXPECT_EQ(get(t, "genre"), "Ambient; Rock; Disco; Eurodisco");
    EXPECT_EQ(get(t, "composer"), "Ann; Bob");
    EXPECT_EQ(get(t, "date"), "2024-05-17; 2024");  // TYER is not a 2.4 frame but is tolerated
    EXPECT_EQ(get(t, "tracknumber"), "3");
    EXPECT_EQ(get(t, "albumartist"), "With BOM");
}

TEST(Id3v2, ReadsV22ThreeLetterFrames) {
    const Bytes body = frame22("TT2", latin1("Title")) + frame22("PIC", Bytes(300, 0xFF)) +
                       frame22("TP1", utf16(u"Art\u00EFst", false, true)) + frame22("TCM", latin1("Comp")) +
                       frame22("TCO", latin1("(17)")) + frame22("TAL", latin1("Alb")) +
                       frame22("TP2", latin1("AA")) + frame22("TYE", latin1("1987")) +
                       frame22("TRK", latin1("1")) + frame22("TIT2", latin1("x"));  // a 2.3 id: stops (bad id)
    Id3v2Summary s;
    const AudioTags t = parse(tag(2, 0, body), &s);
    EXPECT_EQ(s.version, 2);
    const AudioTags expected = {{"title", "Title"}, {"artist", "Art\xC3\xAFst"}, {"composer", "Comp"},
                                {"genre", "Rock"},  {"album", "Alb"},            {"albumartist", "AA"},
                                {"date", "1987"},   {"tracknumber", "1"}};
    EXPECT_EQ(t, expected);
    // "TIT2" read as a 2.2 header: id "TIT", size from "2" + 2 bytes: far past the end → stops, keeps the rest.
    EXPECT_FALSE(s.complete);
}

TEST(Id3v2, TextEncodingEdgeCases) {
    const std::string emoji = "\xF0\x9F\x8E\xB5";  // U+1F3B5
    const std::string fffd = "\xEF\xBF\xBD";
    struct Case {
        Bytes payload;
        std::string expected;
    };
    const Case cases[] = {
        {utf16(u"a\U0001F3B5b", false, true), "a" + emoji + "b"},            // surrogate pair, LE
        {utf16(u"a\U0001F3B5b", true, true), "a" + emoji + "b"},             // surrogate pair, BE
        {utf16(u"\xD83C" u"x", false, true), fffd + "x"},                    // unpaired high surrogate
        {utf16(u"x\xDF00", false, true), "x" + fffd},                        // lone low surrogate
        {utf16(u"no bom", true, false), "no bom"},                           // no BOM: big-endian
        {utf16(u"\xFEFF" u"bom", true, false, 2), "bom"},                   // UTF-16BE with a stray BOM
        {utf16(u"odd", false, true) + Bytes{'x'}, "odd"},                    // an odd last byte is dropped
        {utf8("a\xC0\xAF" "b"), "a" + fffd + fffd + "b"},                   // overlong '/'
        {utf8("a\xED\xA0\x80" "b"), "a" + fffd + fffd + fffd + "b"},        // an encoded surrogate
        {utf8("cut\xE2\x82"), "cut" + fffd + fffd},                          // a sequence cut short
        {utf8("ok \xE2\x82\xAC"), "ok \xE2\x82\xAC"},                        // €
        {latin1("\xA9\xFF"), "\xC2\xA9\xC3\xBF"},                            // © ÿ
        {Bytes{4, 'x'}, "<none>"},                                           // unknown encoding
        {Bytes{1}, "<none>"},                                                // encoding byte only
        {Bytes{0, 0, 0, 0}, "<none>"},                                       // only terminators
        {Bytes{3, ' ', ' '}, "<none>"},                                      // only spaces (add_tag trims)
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        const AudioTags t = parse(tag(4, 0, frame24("TIT2", cases[i].payload) + frame24("TPE1", latin1("after"))));
        EXPECT_EQ(get(t, "title"), cases[i].expected) << "case " << i;
        EXPECT_EQ(get(t, "artist"), "after") << "case " << i;
    }
}

TEST(Id3v2, WholeTagUnsynchronisationInV23AndV22) {
    // A frame whose size (255 = 00 00 00 FF) is followed by its flags (00): the size field itself is
    // unsynchronised; text with 0xFF followed by 0xE0-0xFF and by 0x00.
    const std::string long_title = "\xFF\xE9" + std::string(252, 'a');  // ÿé + a…: 254 bytes + encoding = 255
    const Bytes plain_body = frame23("TIT2", latin1(long_title)) + frame23("APIC", Bytes{0xFF, 0x00, 0xFF, 0xFF, 0xE0}) +
                             frame23("TPE1", utf16(u"\u00FF\u00FF", false, true)) + Bytes(8, 0);
    const Bytes body = unsync(plain_body);
    ASSERT_GT(body.size(), plain_body.size() + 4);
    Id3v2Summary s;
    const AudioTags t = parse(tag(3, 0x80, body), &s);
    EXPECT_TRUE(s.complete) << s.stopped_because;
    EXPECT_EQ(get(t, "title"), "\xC3\xBF\xC3\xA9" + std::string(252, 'a'));
    EXPECT_EQ(get(t, "artist"), "\xC3\xBF\xC3\xBF");
    // Without the flag the same bytes are garbage after the first frame: parsing stops, no crash.
    Id3v2Summary s2;
    parse(tag(3, 0, body), &s2);
    EXPECT_FALSE(s2.complete);

    const Bytes body22 = unsync(frame22("TT2", latin1("\xFF\xFFx")) + frame22("TP1", latin1("A")));
    EXPECT_EQ(get(parse(tag(2, 0x80, body22)), "title"), "\xC3\xBF\xC3\xBFx");
    EXPECT_EQ(get(parse(tag(2, 0x80, body22)), "artist"), "A");
}

TEST(Id3v2, PerFrameUnsynchronisationDataLengthAndGroupingInV24) {
    const Bytes text = latin1("a\xFF\xE9" "b\xFF");
    const Bytes synced = unsync(text);
    ASSERT_EQ(synced.size(), text.size() + 2);
    const Bytes body = frame24("TIT2", synced, 0x02) +                                        // unsync
                       frame24("TPE1", syncsafe(uint32_t(text.size())) + synced, 0x02 | 0x01) +  // + data length
                       frame24("TCOM", Bytes{7} + latin1("grouped"), 0x40) +                   // group id byte
                       frame24("TALB", Bytes{7} + syncsafe(4) + latin1("abc"), 0x41) +         // both
                       frame24("TPE2", latin1("x"), 0x01) +  // data length indicator longer than the frame: skipped
                       frame24("TRCK", latin1("5")) + Bytes(4, 0);
    Id3v2Summary s;
    const AudioTags t = parse(tag(4, 0, body), &s);
    EXPECT_TRUE(s.complete) << s.stopped_because;
    const std::string expected = "a\xC3\xBF\xC3\xA9" "b\xC3\xBF";
    EXPECT_EQ(get(t, "title"), expected);
    EXPECT_EQ(get(t, "artist"), expected);
    EXPECT_EQ(get(t, "composer"), "grouped");
    EXPECT_EQ(get(t, "album"), "abc");
    EXPECT_EQ(get(t, "albumartist"), "<none>");
    EXPECT_EQ(get(t, "tracknumber"), "5");
    // The tag-header flag in 2.4 means "every frame is unsynchronised".
    EXPECT_EQ(get(parse(tag(4, 0x80, frame24("TIT2", synced))), "title"), expected);
}

TEST(Id3v2, ExtendedHeadersAreSkipped) {
    // 2.3: 4-byte plain size excluding itself (6), then 6 bytes (flags + padding size).
    const Bytes ext23 = be32(6) + Bytes{0, 0, 0, 0, 0, 0};
    EXPECT_EQ(get(parse(tag(3, 0x40, ext23 + frame23("TIT2", latin1("T3")))), "title"), "T3");
    // 2.3 with whole-tag unsynchronisation: the extended header is unsynchronised too.
    EXPECT_EQ(get(parse(tag(3, 0xC0, unsync(ext23 + frame23("TIT2", latin1("\xFFU")))) ), "title"), "\xC3\xBFU");
    // 2.4: syncsafe size including itself (6 = size + flag-byte count + flags), here with a CRC (+5 → 11).
    const Bytes ext24 = syncsafe(11) + Bytes{1, 0x20, 5, 1, 2, 3, 4};
    EXPECT_EQ(get(parse(tag(4, 0x40, ext24 + frame24("TIT2", latin1("T4")))), "title"), "T4");
    // Bad extended header sizes: found, nothing read, no crash.
    for (const Bytes& bad : {be32(0x7FFFFFFF), syncsafe(3), Bytes{0x80, 0, 0, 6}}) {
        Id3v2Summary s;
        const int version = bad == be32(0x7FFFFFFF) ? 3 : 4;
        EXPECT_TRUE(parse(tag(version, 0x40, bad + Bytes{0, 0} + frame24("TIT2", latin1("x"))), &s).empty());
        EXPECT_TRUE(s.found);
        EXPECT_FALSE(s.complete);
        EXPECT_NE(s.stopped_because.find("extended header"), std::string::npos) << s.stopped_because;
    }
}

TEST(Id3v2, CompressedAndEncryptedFramesAreSkipped) {
    const Bytes body23 = frame23("TIT2", be32(100) + Bytes{0x78, 0x9C, 1, 2}, 0x80) +  // zlib: skipped
                         frame23("TCOM", Bytes{1} + latin1("secret"), 0x40) +         // encrypted: skipped
                         frame23("TPE1", Bytes{9} + latin1("grouped"), 0x20) +        // grouping: read
                         frame23("TALB", latin1("after"));
    const AudioTags t23 = parse(tag(3, 0, body23));
    EXPECT_EQ(t23, (AudioTags{{"artist", "grouped"}, {"album", "after"}}));
    const Bytes body24 = frame24("TIT2", syncsafe(100) + Bytes{0x78, 0x9C, 1, 2}, 0x08 | 0x01) +
                         frame24("TCOM", Bytes{1} + latin1("secret"), 0x04) + frame24("TALB", latin1("after"));
    EXPECT_EQ(parse(tag(4, 0, body24)), (AudioTags{{"album", "after"}}));
}

TEST(Id3v2, GenreReferencesAndTheGenreList) {
    using V = std::vector<std::string>;
    EXPECT_EQ(cf::detail::resolve_id3_genres("(17)"), V{"Rock"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("17"), V{"Rock"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("(17)Rock"), V{"Rock"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("(4)Eurodisco"), (V{"Disco", "Eurodisco"}));
    EXPECT_EQ(cf::detail::resolve_id3_genres("(17)(26)"), (V{"Rock", "Ambient"}));
    EXPECT_EQ(cf::detail::resolve_id3_genres("(RX)(CR)"), (V{"Remix", "Cover"}));
    EXPECT_EQ(cf::detail::resolve_id3_genres("RX"), V{"Remix"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("CR"), V{"Cover"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("((Foo) bar"), V{"(Foo) bar"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("(26)((Foo)"), (V{"Ambient", "(Foo)"}));
    EXPECT_EQ(cf::detail::resolve_id3_genres("(999)"), V{"(999)"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("(Foo)"), V{"(Foo)"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("(17"), V{"(17"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("1234"), V{"1234"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("Chiptune"), V{"Chiptune"});
    EXPECT_EQ(cf::detail::resolve_id3_genres("Trance (17)"), V{"Trance (17)"});
    EXPECT_EQ(cf::detail::resolve_id3_genres(""), V{});
    EXPECT_EQ(cf::detail::resolve_id3_genres("()"), V{"()"});

    EXPECT_STREQ(cf::detail::id3v1_genre_name(0), "Blues");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(12), "Other");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(26), "Ambient");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(52), "Electronic");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(79), "Hard Rock");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(80), "Folk");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(147), "Synthpop");
    EXPECT_STREQ(cf::detail::id3v1_genre_name(191), "Psybient");
    EXPECT_EQ(cf::detail::id3v1_genre_name(192), nullptr);
    EXPECT_EQ(cf::detail::id3v1_genre_name(-1), nullptr);
    for (int i = 0; i < 192; ++i) EXPECT_GT(std::strlen(cf::detail::id3v1_genre_name(i)), 1u) << i;
    // Several genre values and frames are joined once each.
    const AudioTags t = parse(tag(4, 0, frame24("TCON", utf8(std::string("(26)\0Ambient\0" "26", 15)))));
    EXPECT_EQ(get(t, "genre"), "Ambient");
}

TEST(Id3v2, WhatIsNotATagGivesNothing) {
    const Bytes good = tag(3, 0, frame23("TIT2", latin1("x")));
    struct Case {
        const char* what;
        Bytes bytes;
        bool found;
    };
    Bytes bad_magic = good, ff_version = good, ff_revision = good, not_syncsafe = good, v5 = good, v1 = good;
    bad_magic[2] = '4';
    ff_version[3] = 0xFF;
    ff_revision[4] = 0xFF;
    not_syncsafe[8] = 0x80;
    v5[3] = 5;
    v1[3] = 1;
    const Case cases[] = {
        {"empty", {}, false},
        {"9 bytes", Bytes(good.begin(), good.begin() + 9), false},
        {"ID4", bad_magic, false},
        {"version 0xFF", ff_version, false},
        {"revision 0xFF", ff_revision, false},
        {"size not syncsafe", not_syncsafe, false},
        {"an MPEG frame", Bytes{0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0}, false},
        {"version 2.5", v5, true},
        {"version 2.1", v1, true},
        {"compressed 2.2", tag(2, 0x40, frame22("TT2", latin1("x"))), true},
    };
    for (const Case& c : cases) {
        Id3v2Summary s;
        EXPECT_TRUE(parse(c.bytes, &s).empty()) << c.what;
        EXPECT_EQ(s.found, c.found) << c.what;
        EXPECT_FALSE(s.complete) << c.what;
    }
    AudioTags none;
    EXPECT_FALSE(cf::detail::parse_id3v2_tags(nullptr, 100, none).found);
}

TEST(Id3v2, MalformedFramesStopParsingAndKeepEarlierTags) {
    const Bytes first = frame24("TIT2", latin1("kept"));
    const Bytes after = frame24("TPE1", latin1("lost"));
    struct Case {
        const char* what;
        Bytes frame;
        const char* reason;
    };
    const Case cases[] = {
        {"size past the end", str("TALB") + syncsafe(100000) + Bytes{0, 0} + latin1("x"), "claims"},
        {"size 0x0FFFFFFF", str("TALB") + Bytes{0x7F, 0x7F, 0x7F, 0x7F, 0, 0}, "claims"},
        {"plain size 4 GB", str("TALB") + Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0, 0}, "claims"},
        {"lower-case id", frame24("talb", latin1("x")), "invalid frame id"},
        {"junk id", frame24("T\x01LB", latin1("x")), "invalid frame id"},
    };
    for (const Case& c : cases) {
        Id3v2Summary s;
        const AudioTags t = parse(tag(4, 0, first + c.frame + after), &s);
        EXPECT_EQ(t, (AudioTags{{"title", "kept"}})) << c.what;
        EXPECT_TRUE(s.found) << c.what;
        EXPECT_FALSE(s.complete) << c.what;
        EXPECT_NE(s.stopped_because.find(c.reason), std::string::npos) << c.what << ": " << s.stopped_because;
    }
    // An empty frame (size 0) is invalid per the spec but harmless: skipped, parsing goes on.
    EXPECT_EQ(parse(tag(4, 0, first + frame24("TALB", {}) + after)).size(), 2u);
    // A frame that ends less than a frame header before the end of the tag: complete.
    Id3v2Summary s;
    EXPECT_EQ(parse(tag(4, 0, first + Bytes{'X', 'Y'}), &s).size(), 1u);
    EXPECT_TRUE(s.complete);
    // Frames after the padding are not read.
    EXPECT_EQ(parse(tag(4, 0, first + Bytes(10, 0) + after)).size(), 1u);
}

TEST(Id3v2, LargeFramesAndTagsAreBounded) {
    // A 3 MiB picture first, then the title: skipped by a seek, so only headers and the title are read.
    const Bytes picture = frame24("APIC", Bytes(3 << 20, 0xAB));
    const Bytes big = tag(4, 0, picture + frame24("TIT2", latin1("after the picture")));
    {
        CountingSource source(big);
        AudioTags t;
        const Id3v2Summary s = cf::detail::read_id3v2_tags(source, t);
        EXPECT_EQ(get(t, "title"), "after the picture");
        EXPECT_TRUE(s.complete) << s.stopped_because;
        EXPECT_LT(source.n_read(), 100u);
        EXPECT_EQ(s.n_read_bytes, int64_t(source.n_read()));
    }
    // In a whole-tag-unsynchronised 2.3 tag skipping means reading: stopped by the read limit (1 MiB).
    {
        const Bytes body = frame23("APIC", Bytes(3 << 20, 0xAB)) + frame23("TIT2", latin1("lost"));
        CountingSource source(tag(3, 0x80, body));
        AudioTags t;
        const Id3v2Summary s = cf::detail::read_id3v2_tags(source, t);
        EXPECT_TRUE(t.empty());
        EXPECT_FALSE(s.complete);
        EXPECT_NE(s.stopped_because.find("read limit"), std::string::npos) << s.stopped_because;
        EXPECT_LE(source.n_read(), size_t(1 << 20));
    }
    // Many small frames: the read limit (here 1000 bytes) stops them too.
    {
        Bytes body;
        for (int i = 0; i < 500; ++i) body = body + frame24("TXXX", latin1("k\0v"));
        Id3v2Summary s;
        cf::detail::Id3v2Limits limits;
        limits.max_read_bytes = 1000;
        parse(tag(4, 0, body), &s, limits);
        EXPECT_FALSE(s.complete);
        EXPECT_LE(s.n_read_bytes, 1000);
    }
    // A 100 KB title: the first max_text_frame_bytes are read, then add_tag keeps 1024 bytes; the next
    // frame is still read.
    const AudioTags t = parse(tag(3, 0, frame23("TIT2", latin1(std::string(100000, 'x'))) + frame23("TPE1", latin1("A"))));
    EXPECT_EQ(get(t, "title"), std::string(1024, 'x'));
    EXPECT_EQ(get(t, "artist"), "A");
    // A long value is cut on a character boundary: 400 × "€" (3 bytes each) keeps 341 of them.
    std::string euros;
    for (int i = 0; i < 400; ++i) euros += "\xE2\x82\xAC";
    const AudioTags cut = parse(tag(4, 0, frame24("TIT2", utf8(euros))));
    EXPECT_EQ(get(cut, "title"), euros.substr(0, 341 * 3));
    // 2.4 frame sizes written as plain integers (old iTunes): a size byte with its high bit set is read plain.
    const Bytes plain_size = str("TIT2") + be32(201) + Bytes{0, 0} + latin1(std::string(200, 'p'));
    EXPECT_EQ(get(parse(tag(4, 0, plain_size + frame24("TPE1", latin1("A")))), "artist"), "A");
}

TEST(Id3v2, TheTagDeclaresMoreBytesThanThereAre) {
    const Bytes one = frame24("TIT2", latin1("one")), two = frame24("TPE1", latin1("two"));
    Bytes full = tag(4, 0, one + two + Bytes(1000, 0));
    full.resize(10 + one.size() + 5);  // the input ends inside the second frame
    Id3v2Summary s;
    const AudioTags t = parse(full, &s);
    EXPECT_EQ(t, (AudioTags{{"title", "one"}}));
    EXPECT_TRUE(s.found);
    EXPECT_FALSE(s.complete);
    EXPECT_EQ(s.tag_size_bytes, int64_t(10 + one.size() + two.size() + 1000));
}

// Every prefix of every real tag (the fixtures' and hand-built ones): never a crash; the tags found are
// a subset of the full tag's, with the same values (a frame is read whole or not at all).
TEST(Id3v2, SurvivesTruncationAtEveryByteOffset) {
    std::vector<Bytes> tags_to_cut;
    for (const char* name : {"tags_id3v23.mp3", "tags_id3v24.mp3", "tags_id3v22_unsync.mp3", "tags_id3_corrupt.mp3"}) {
        Bytes t = tag_bytes_of(cf::test::read_bytes(fixture(name)));
        ASSERT_GT(t.size(), 100u) << name;
        tags_to_cut.push_back(t);
    }
    tags_to_cut.push_back(tag(3, 0xC0, unsync(be32(6) + Bytes(6, 0) + frame23("TIT2", latin1("\xFF\xFF\xFF")) +
                                                  frame23("TPE1", utf16(u"\u00FFx", false, true)))));
    tags_to_cut.push_back(tag(4, 0x40, syncsafe(6) + Bytes{1, 0} + frame24("TIT2", syncsafe(3) + unsync(latin1("\xFF\xE0")), 0x03) +
                                           frame24("TCON", utf8(std::string("(4)x\0" "17", 7)))));
    for (size_t which = 0; which < tags_to_cut.size(); ++which) {
        const Bytes& whole = tags_to_cut[which];
        const AudioTags full = parse(whole);
        ASSERT_FALSE(full.empty()) << which;
        for (size_t n = 0; n <= whole.size(); ++n) {
            Id3v2Summary s;
            const Bytes cut(whole.begin(), whole.begin() + long(n));
            const AudioTags t = parse(cut, &s);
            EXPECT_EQ(s.found, n >= 10) << which << " cut at " << n;
            for (const auto& [key, value] : t) {
                ASSERT_TRUE(full.count(key)) << which << " cut at " << n << ": " << key;
                EXPECT_EQ(value, full.at(key)) << which << " cut at " << n << ": " << key;
            }
        }
    }
}

// Each byte of the fixtures' tags overwritten with a few values, and the whole body randomised: never a
// crash, always valid UTF-8, never more than the bounds.
TEST(Id3v2, SurvivesCorruptionAtEveryByte) {
    for (const char* name : {"tags_id3v23.mp3", "tags_id3v24.mp3", "tags_id3v22_unsync.mp3"}) {
        const Bytes whole = tag_bytes_of(cf::test::read_bytes(fixture(name)));
        const size_t n_bytes = std::min<size_t>(whole.size(), 700);  // the PIC data beyond is all alike
        for (size_t i = 0; i < n_bytes; ++i) {
            for (uint8_t value : {uint8_t(0x00), uint8_t(0xFF), uint8_t(0x80), uint8_t(0x7F), uint8_t(whole[i] ^ 0x55)}) {
                Bytes bad = whole;
                bad[i] = value;
                Id3v2Summary s;
                const AudioTags t = parse(bad, &s);
                EXPECT_LE(t.size(), 10u);
                for (const auto& [key, v] : t) EXPECT_TRUE(valid_utf8(v)) << name << " byte " << i;
            }
        }
        std::mt19937 rng(42);
        for (int round = 0; round < 200; ++round) {
            Bytes bad = whole;
            for (size_t i = 10; i < bad.size(); ++i) bad[i] = uint8_t(rng() % 4 == 0 ? rng() : bad[i]);
            const AudioTags t = parse(bad);
            for (const auto& [key, v] : t) EXPECT_TRUE(valid_utf8(v)) << name << " round " << round;
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// End to end: MP3 files through AudioReader
// ---------------------------------------------------------------------------------------------------

TEST(Id3v2Mp3, FixturesGiveTheirTags) {
    const AudioTags common = {{"title", "Tagged Song"},      {"artist", "Some Artist"},
                              {"composer", "Ana Composer"},  {"genre", "Ambient"},
                              {"album", "Fixture Album"},    {"albumartist", "Various \xC3\x84rtists"},
                              {"tracknumber", "3/12"}};
    AudioTags v23 = common, v24 = common, v22 = common;
    v23["date"] = "2024";
    v24["date"] = "2024-05-17";
    v22["date"] = "2024";
    v22["title"] = "Tagged Song \xC3\xBF";
    v22.erase("albumartist");
    const std::map<std::string, AudioTags> expected = {
        {"tags_id3v23.mp3", v23},
        {"tags_id3v24.mp3", v24},
        {"tags_id3v22_unsync.mp3", v22},
        {"tags_id3_corrupt.mp3", {{"title", "Tagged Song"}, {"artist", "Some Artist"}}},
        {"mp3_cbr128_44k_stereo.mp3", {{"title", "cuefinder fixture"}}},  // LAME's tag (TSSE, TLEN not read)
        {"mp3_cbr32_22k_mono_noinfo.mp3", {}},
    };
    for (const auto& [name, tags] : expected) {
        auto r = cf::AudioReader::open_file(fixture(name));
        ASSERT_TRUE(r.is_ok()) << name << ": " << r.status().message();
        EXPECT_EQ((*r)->info().tags, tags) << name;
    }
}

// The audio decodes exactly as it does without the tag (the same bytes with the tag cut off), also when
// the tag's frames are smashed: the tag can never change or break the audio.
TEST(Id3v2Mp3, TheTagDoesNotChangeTheAudio) {
    for (const char* name : {"tags_id3v23.mp3", "tags_id3v24.mp3", "tags_id3v22_unsync.mp3", "tags_id3_corrupt.mp3"}) {
        const Bytes file = cf::test::read_bytes(fixture(name));
        const size_t tag_size = tag_bytes_of(file).size();
        const Bytes audio_only(file.begin() + long(tag_size), file.end());
        auto decode = [&](const Bytes& bytes, const std::string& what) -> std::vector<float> {
            auto r = cf::AudioReader::open(cf::make_memory_source(bytes.data(), bytes.size(), what));
            EXPECT_TRUE(r.is_ok()) << what << ": " << r.status().message();
            if (!r) return {};
            EXPECT_EQ((*r)->info().codec, cf::AudioCodec::mp3) << what;
            auto all = cf::decode_all(**r);
            EXPECT_TRUE(all.is_ok()) << what << ": " << all.status().message();
            return all ? *all : std::vector<float>{};
        };
        const std::vector<float> reference = decode(audio_only, std::string(name) + " without its tag");
        // ffmpeg pads 1.5 s to whole MPEG frames but writes an exact gapless length (LAME Info frame).
        EXPECT_NEAR(double(reference.size()) / 16000.0, 1.5, 0.03) << name;
        EXPECT_EQ(decode(file, name), reference) << name;

        Bytes smashed = file;  // every frame byte after the first frame header set to 0xFF
        for (size_t i = 20; i < tag_size; ++i) smashed[i] = 0xFF;
        EXPECT_EQ(decode(smashed, std::string(name) + " smashed"), reference) << name;
        std::mt19937 rng(7);
        for (int round = 0; round < 5; ++round) {
            Bytes noisy = file;
            for (size_t i = 10; i < tag_size; ++i) noisy[i] = uint8_t(rng());
            EXPECT_EQ(decode(noisy, std::string(name) + " noisy"), reference) << name << " round " << round;
        }
    }
}
