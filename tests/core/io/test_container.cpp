#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "core/io/container.h"

namespace {

std::vector<uint8_t> payload(size_t n, uint8_t seed) {
    std::vector<uint8_t> p(n);
    for (size_t i = 0; i < n; ++i) p[i] = uint8_t(seed + i * 7);
    return p;
}

std::vector<uint8_t> sample_file() {
    cf::ContainerWriter w;
    w.add_section("AAAA", payload(100, 1));
    w.add_section("BBBB", {});
    w.add_section("CCCC", payload(3, 9));
    return w.finish();
}

TEST(Container, Crc32MatchesTheStandardCheckValue) {
    // The CRC-32/ISO-HDLC check value of "123456789".
    EXPECT_EQ(cf::crc32("123456789", 9), 0xCBF43926u);
    EXPECT_EQ(cf::crc32("", 0), 0u);
    // Chaining equals one call over the concatenation.
    EXPECT_EQ(cf::crc32("6789", 4, cf::crc32("12345", 5)), 0xCBF43926u);
}

TEST(Container, RoundTripAlignedSections) {
    const std::vector<uint8_t> file = sample_file();
    auto r = cf::ContainerReader::parse(file, "mem");
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_EQ(r->version(), cf::kContainerVersion);
    EXPECT_EQ(r->tags(), (std::vector<std::string>{"AAAA", "BBBB", "CCCC"}));
    auto a = r->section("AAAA");
    ASSERT_TRUE(a);
    EXPECT_EQ(std::vector<uint8_t>(a->begin(), a->end()), payload(100, 1));
    EXPECT_EQ((a->data() - file.data()) % 64, 0);
    EXPECT_EQ(r->section("BBBB")->size(), 0u);
    EXPECT_FALSE(r->section("DDDD"));
    auto missing = r->require("DDDD");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.status().message().find("missing section DDDD"), std::string::npos);
}

TEST(Container, TruncationAtEveryByteIsAnError) {
    const std::vector<uint8_t> file = sample_file();
    for (size_t n = 0; n < file.size(); ++n) {
        auto r = cf::ContainerReader::parse(std::span<const uint8_t>(file.data(), n), "cut.cfc");
        ASSERT_FALSE(r) << "accepted a file cut at " << n;
        EXPECT_NE(r.status().message().find("cut.cfc"), std::string::npos);
    }
}

TEST(Container, EveryByteFlipIsDetected) {
    const std::vector<uint8_t> file = sample_file();
    for (size_t i = 0; i < file.size(); ++i) {
        std::vector<uint8_t> bad = file;
        bad[i] ^= 0x20;
        auto r = cf::ContainerReader::parse(bad, "flip.cfc");
        // A flip in padding between sections is the one harmless change (nothing reads those bytes).
        if (r) {
            bool in_payload = false;
            for (const std::string& tag : r->tags()) {
                auto s = r->section(tag);
                if (size_t(s->data() - bad.data()) <= i && i < size_t(s->data() - bad.data()) + s->size()) in_payload = true;
            }
            EXPECT_FALSE(in_payload) << "flip at " << i << " not detected";
            EXPECT_GE(i, cf::kContainerHeaderBytes + 3 * cf::kContainerEntryBytes);
        }
    }
}

TEST(Container, PayloadFlipIsAChecksumError) {
    std::vector<uint8_t> file = sample_file();
    auto r = cf::ContainerReader::parse(file, "x");
    ASSERT_TRUE(r);
    const size_t off = size_t(r->section("CCCC")->data() - file.data());
    file[off + 1] ^= 1;
    auto bad = cf::ContainerReader::parse(file, "x.cfc");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.status().code(), cf::ErrorCode::corrupt);
    EXPECT_EQ(bad.status().message(), "x.cfc: bad checksum in section CCCC");
}

TEST(Container, NewerVersionIsAClearError) {
    std::vector<uint8_t> file = sample_file();
    const uint32_t v = cf::kContainerVersion + 1;
    std::memcpy(file.data() + 4, &v, 4);
    auto r = cf::ContainerReader::parse(file, "new.cfc");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), cf::ErrorCode::unsupported_format);
    const std::string says = "written by a newer cuefinder (format version " + std::to_string(v) + " > " +
                             std::to_string(cf::kContainerVersion) + ")";
    EXPECT_NE(r.status().message().find(says), std::string::npos)
        << r.status().message();
}

TEST(Container, BadMagicAndEmpty) {
    std::vector<uint8_t> file = sample_file();
    file[0] = 'X';
    auto r = cf::ContainerReader::parse(file, "a.bin");
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("bad magic"), std::string::npos);
    auto e = cf::ContainerReader::parse({}, "empty.cfc");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.status().code(), cf::ErrorCode::empty);
}

TEST(Container, HugeSectionCountDoesNotAllocate) {
    std::vector<uint8_t> file = sample_file();
    const uint32_t n = 0xFFFFFFFFu;
    std::memcpy(file.data() + 8, &n, 4);
    auto r = cf::ContainerReader::parse(file, "h.cfc");
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("does not fit"), std::string::npos);
}

// A container of `n_sections` empty sections, all at the first aligned offset after the table, with a
// valid table checksum; tag_of(i) names entry i. Built by hand: the writer refuses what this forges.
std::vector<uint8_t> forged_container(uint32_t n_sections, const std::function<uint32_t(uint32_t)>& tag_of) {
    const size_t table_end = cf::kContainerHeaderBytes + size_t(n_sections) * cf::kContainerEntryBytes;
    const uint64_t offset = (table_end + 63) / 64 * 64, file_size = offset;
    std::vector<uint8_t> file(file_size, 0);
    std::memcpy(file.data(), "CFCT", 4);
    std::memcpy(file.data() + 4, &cf::kContainerVersion, 4);
    std::memcpy(file.data() + 8, &n_sections, 4);
    std::memcpy(file.data() + 16, &file_size, 8);
    for (uint32_t i = 0; i < n_sections; ++i) {
        uint8_t* e = file.data() + cf::kContainerHeaderBytes + size_t(i) * cf::kContainerEntryBytes;
        const uint32_t tag = tag_of(i);
        std::memcpy(e, &tag, 4);  // crc32 of an empty payload is 0, already there
        std::memcpy(e + 8, &offset, 8);
    }
    const uint32_t crc = cf::crc32(file.data(), table_end);
    std::memcpy(file.data() + 12, &crc, 4);
    return file;
}

uint32_t distinct_tag(uint32_t i) { return 0x41414141u + (i % 26) + (i / 26 % 26 << 8) + (i / 676 % 26 << 16); }

TEST(Container, SectionCountIsCapped) {
    // 131 072 empty sections in 4 MB: refused by count (the old pairwise duplicate scan took 11 s).
    auto many = cf::ContainerReader::parse(forged_container(131072, distinct_tag), "many.cfc");
    ASSERT_FALSE(many);
    EXPECT_EQ(many.status().code(), cf::ErrorCode::corrupt);
    EXPECT_EQ(many.status().message(), "many.cfc: 131072 sections, more than the 1024 a catalog file may have");
    auto over = cf::ContainerReader::parse(forged_container(cf::kContainerMaxSections + 1, distinct_tag), "over.cfc");
    ASSERT_FALSE(over);
    EXPECT_NE(over.status().message().find("1025 sections, more than the 1024"), std::string::npos) << over.status().message();
    auto at_cap = cf::ContainerReader::parse(forged_container(cf::kContainerMaxSections, distinct_tag), "cap.cfc");
    ASSERT_TRUE(at_cap) << at_cap.status().message();
    EXPECT_EQ(at_cap->tags().size(), size_t(cf::kContainerMaxSections));
}

TEST(Container, RepeatedTagIsFoundAnywhereInTheTable) {
    // Entry 1000 repeats entry 3's tag, far apart (and entry 1010 repeats it again): the first repeat is named.
    auto tag_of = [](uint32_t i) { return i == 1000 || i == 1010 ? distinct_tag(3) : i == 1005 ? distinct_tag(7) : distinct_tag(i); };
    auto r = cf::ContainerReader::parse(forged_container(cf::kContainerMaxSections, tag_of), "dup.cfc");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().code(), cf::ErrorCode::corrupt);
    const uint32_t t = distinct_tag(3);
    EXPECT_EQ(r.status().message(), "dup.cfc: section " + std::string(reinterpret_cast<const char*>(&t), 4) + " appears twice");
    auto adjacent = cf::ContainerReader::parse(forged_container(2, [](uint32_t) { return distinct_tag(0); }), "two.cfc");
    ASSERT_FALSE(adjacent);
    EXPECT_EQ(adjacent.status().message(), "two.cfc: section AAAA appears twice");
}

TEST(Container, PayloadReaderChecksCounts) {
    const std::vector<uint8_t> bytes = payload(10, 0);
    cf::PayloadReader r(bytes, "f: section X");
    uint32_t v;
    EXPECT_TRUE(r.u32(v));
    std::span<const uint8_t> view;
    EXPECT_FALSE(r.view(view, uint64_t(1) << 62, 8));  // would overflow count·size
    EXPECT_FALSE(r.u32(v));                           // sticky failure
    EXPECT_NE(r.status().message().find("f: section X"), std::string::npos);
}

}  // namespace
