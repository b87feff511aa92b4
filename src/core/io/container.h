// cuefinder core — the binary container every catalog file uses: magic, version, a section table
// with fourcc tags and a CRC-32 per section, little-endian, 64-byte aligned payloads. It is an io/
// format (it knows bytes and sections, not tracks), so both catalog/ and index/ build on it.
//
//   cf::ContainerWriter w;
//   w.add_section("INFO", info_bytes);
//   std::vector<uint8_t> file = w.finish();              // or w.write_file("catalog.cfc")
//
//   auto r = cf::ContainerReader::parse(bytes, "catalog.cfc");   // bytes: a span, not copied
//   if (!r) return r.status();                          // "catalog.cfc: bad checksum in section EF32"
//   std::optional<std::span<const uint8_t>> emb = r->section("EF32");
//
// Layout (all integers little-endian):
//   [0..32)   header: magic "CFCT", u32 format_version, u32 n_sections, u32 table_crc32,
//             u64 file_size_bytes, u64 reserved (0)
//   [32..)    n_sections × 32-byte entries: char tag[4], u32 crc32, u64 offset, u64 size, u64 reserved
//   payloads  each at a 64-byte aligned offset, inside the file, not overlapping the table
// The reader checks every size against the buffer before it looks at (or allocates for) anything,
// and verifies every section's CRC-32 when it parses, so a reader never sees corrupt payload bytes.
//
// [SECTION] Constants
// [SECTION] CRC-32
// [SECTION] Writer
// [SECTION] Reader
// [SECTION] PayloadReader (bounds-checked cursor over one section)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/crc32.h"
#include "core/common/status.h"

namespace cf {

// [SECTION] Constants ----------------------------------------------------------------------------
inline constexpr char kContainerMagic[4] = {'C', 'F', 'C', 'T'};
/// Format version this build writes and the newest it reads. Bump on any incompatible change and
/// keep reading older versions (tests/core/catalog/test_catalog_compat.cpp). v2: catalogs may hold
/// TIML (per-track timelines); v1 files still open and say they lack it (Catalog::timeline_status).
/// v3: catalogs may hold SPCE (a similarity space); a catalog without one is still written as v2
/// (ContainerWriter::finish's version), so plain builds stay readable by v2 readers.
inline constexpr uint32_t kContainerVersion = 3;
inline constexpr size_t kContainerHeaderBytes = 32;
inline constexpr size_t kContainerEntryBytes = 32;
inline constexpr size_t kContainerAlignBytes = 64;
/// Most sections a container may have. A catalog has 7 today; the cap keeps a forged table (e.g.
/// 131 072 empty sections in 4 MB) from costing the reader more than a glance.
inline constexpr uint32_t kContainerMaxSections = 1024;

// [SECTION] CRC-32: cf::crc32 from core/common/crc32.h (included above).

// [SECTION] Writer -------------------------------------------------------------------------------
class ContainerWriter {
public:
    /// Adds a section; `tag` must be exactly 4 characters and not used before, and there may be at
    /// most kContainerMaxSections (CF_ASSERT).
    void add_section(std::string_view tag, std::vector<uint8_t> payload);
    /// The complete file bytes. Deterministic: same sections in the same order → same bytes.
    /// `version` (≤ kContainerVersion) goes into the header: the oldest format the sections need.
    std::vector<uint8_t> finish(uint32_t version = kContainerVersion) const;
    /// Writes finish() to `path`. Errors: io with the path.
    Status write_file(const std::string& path) const;

private:
    struct Entry {
        char tag[4];
        std::vector<uint8_t> payload;
    };
    std::vector<Entry> sections_;
};

// [SECTION] Reader -------------------------------------------------------------------------------
class ContainerReader {
public:
    /// Validates header, table, bounds and every section's checksum of `bytes` (borrowed: keep it
    /// alive while the reader and its spans are used). `name` is used in messages (a path or URL).
    /// Errors: empty, truncated, unsupported_format (bad magic, newer version), corrupt (also more
    /// than kContainerMaxSections sections, or a tag used twice).
    static Result<ContainerReader> parse(std::span<const uint8_t> bytes, const std::string& name);

    uint32_t version() const { return version_; }
    const std::string& name() const { return name_; }
    /// The payload of section `tag`, or nullopt if the file has no such section.
    std::optional<std::span<const uint8_t>> section(std::string_view tag) const;
    /// Like section() but a missing section is a corrupt error naming the file and the tag.
    Result<std::span<const uint8_t>> require(std::string_view tag) const;
    /// Tags in file order.
    std::vector<std::string> tags() const;

private:
    struct Entry {
        char tag[4];
        std::span<const uint8_t> payload;
    };
    std::string name_;
    uint32_t version_ = 0;
    std::vector<Entry> entries_;
};

/// Reads a whole file into memory. Errors: not_found, io.
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path);

// [SECTION] PayloadWriter / PayloadReader --------------------------------------------------------
/// Appends little-endian values to a byte vector (the hosts we build for are all little-endian;
/// a static_assert in container.cpp keeps it that way).
class PayloadWriter {
public:
    void u8(uint8_t v) { bytes_.push_back(v); }
    void u32(uint32_t v) { raw(&v, 4); }
    void u64(uint64_t v) { raw(&v, 8); }
    void f32(float v) { raw(&v, 4); }
    void str(std::string_view s) { u32(uint32_t(s.size())); raw(s.data(), s.size()); }
    void raw(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        bytes_.insert(bytes_.end(), b, b + n);
    }
    /// Pads with zeros so the next value starts at a multiple of `align` from the payload start.
    void align(size_t align_bytes) { while (bytes_.size() % align_bytes) bytes_.push_back(0); }
    std::vector<uint8_t>& bytes() { return bytes_; }

private:
    std::vector<uint8_t> bytes_;
};

/// A bounds-checked cursor over one section. Every read checks the remaining size first; after the
/// first failure all reads fail, and status() says which section and offset ran out.
class PayloadReader {
public:
    PayloadReader(std::span<const uint8_t> bytes, std::string context)
        : bytes_(bytes), context_(std::move(context)) {}

    bool u8(uint8_t& v) { return raw(&v, 1); }
    bool u32(uint32_t& v) { return raw(&v, 4); }
    bool u64(uint64_t& v) { return raw(&v, 8); }
    bool f32(float& v) { return raw(&v, 4); }
    bool str(std::string& s, size_t max_bytes = 1 << 20);
    bool raw(void* dst, size_t n);
    /// A view of the next `count` elements of `elem_bytes` each (count·elem_bytes checked for
    /// overflow and against the remaining bytes), advancing the cursor.
    bool view(std::span<const uint8_t>& out, uint64_t count, size_t elem_bytes);
    bool align(size_t align_bytes);
    /// Copies the next `count` elements of trivially copyable T into `out` (checked like view()).
    template <class T>
    bool array(std::vector<T>& out, uint64_t count) {
        std::span<const uint8_t> v;
        if (!view(v, count, sizeof(T))) return false;
        out.resize(size_t(count));
        if (count) std::memcpy(out.data(), v.data(), v.size());
        return true;
    }
    size_t remaining() const { return ok_ ? bytes_.size() - pos_ : 0; }
    bool ok() const { return ok_; }
    /// Marks the cursor failed with `problem` (e.g. a count that does not match).
    bool fail(const std::string& problem);
    Status status() const;

private:
    std::span<const uint8_t> bytes_;
    std::string context_;
    size_t pos_ = 0;
    bool ok_ = true;
    std::string problem_;
};

}  // namespace cf
