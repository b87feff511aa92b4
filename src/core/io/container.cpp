#include "core/io/container.h"

#include "core/io/byte_source.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <sys/stat.h>

namespace cf {

static_assert(sizeof(float) == 4, "catalog files store IEEE-754 float32");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the catalog reader/writer assume a little-endian host (x86-64, arm64, wasm32)"
#endif

namespace {

void put_u32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
void put_u64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
uint32_t get_u32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
uint64_t get_u64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }

std::string tag_text(const char tag[4]) {
    std::string s;
    for (int i = 0; i < 4; ++i) {
        unsigned char c = static_cast<unsigned char>(tag[i]);
        if (c >= 32 && c < 127) s += char(c);
        else { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); s += b; }
    }
    return s;
}

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Index of the first table entry whose tag an earlier entry already has, or -1. Sorting (tag, index)
// pairs keeps this O(n log n); a pairwise scan of a forged 131k-entry table took 11 s.
long first_repeated_tag(const uint8_t* table, uint32_t n_sections) {
    std::vector<std::pair<uint32_t, uint32_t>> tags(n_sections);
    for (uint32_t i = 0; i < n_sections; ++i) tags[i] = {get_u32(table + size_t(i) * kContainerEntryBytes), i};
    std::sort(tags.begin(), tags.end());
    long first = -1;
    for (size_t i = 1; i < tags.size(); ++i) {
        const bool repeats = tags[i].first == tags[i - 1].first;  // and comes later in the table
        if (repeats && (first < 0 || long(tags[i].second) < first)) first = long(tags[i].second);
    }
    return first;
}

}  // namespace

// ---- Writer --------------------------------------------------------------------------------------
void ContainerWriter::add_section(std::string_view tag, std::vector<uint8_t> payload) {
    CF_ASSERT(tag.size() == 4);
    CF_ASSERT(sections_.size() < kContainerMaxSections);
    for (const Entry& e : sections_) CF_ASSERT(std::memcmp(e.tag, tag.data(), 4) != 0);
    Entry e;
    std::memcpy(e.tag, tag.data(), 4);
    e.payload = std::move(payload);
    sections_.push_back(std::move(e));
}

std::vector<uint8_t> ContainerWriter::finish(uint32_t version) const {
    CF_ASSERT(version >= 1 && version <= kContainerVersion);
    const size_t table_end = kContainerHeaderBytes + kContainerEntryBytes * sections_.size();
    size_t offset = align_up(table_end, kContainerAlignBytes);
    std::vector<size_t> offsets;
    for (const Entry& e : sections_) {
        offsets.push_back(offset);
        offset = align_up(offset + e.payload.size(), kContainerAlignBytes);
    }
    const size_t file_size = sections_.empty() ? table_end
                                               : offsets.back() + sections_.back().payload.size();
    std::vector<uint8_t> out(file_size, 0);
    std::memcpy(out.data(), kContainerMagic, 4);
    put_u32(out.data() + 4, version);
    put_u32(out.data() + 8, uint32_t(sections_.size()));
    put_u64(out.data() + 16, file_size);
    for (size_t i = 0; i < sections_.size(); ++i) {
        uint8_t* entry = out.data() + kContainerHeaderBytes + i * kContainerEntryBytes;
        const Entry& e = sections_[i];
        std::memcpy(entry, e.tag, 4);
        put_u32(entry + 4, crc32(e.payload.data(), e.payload.size()));
        put_u64(entry + 8, offsets[i]);
        put_u64(entry + 16, e.payload.size());
        if (!e.payload.empty()) std::memcpy(out.data() + offsets[i], e.payload.data(), e.payload.size());
    }
    // The table CRC covers the header (with this field zero) and the section table.
    put_u32(out.data() + 12, crc32(out.data(), table_end));
    return out;
}

Status ContainerWriter::write_file(const std::string& path) const {
    const std::vector<uint8_t> bytes = finish();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status(ErrorCode::io, path + ": cannot open for writing: " + std::strerror(errno));
    const size_t n = std::fwrite(bytes.data(), 1, bytes.size(), f);
    const bool ok = n == bytes.size() && std::fclose(f) == 0;
    if (!ok) {
        if (n != bytes.size()) std::fclose(f);
        return Status(ErrorCode::io, path + ": write failed");
    }
    return Status::ok();
}

// ---- Reader --------------------------------------------------------------------------------------
Result<ContainerReader> ContainerReader::parse(std::span<const uint8_t> bytes, const std::string& name) {
    const size_t n = bytes.size();
    if (n == 0) return Status(ErrorCode::empty, name + ": empty file (0 bytes), not a cuefinder catalog");
    if (n < 4 || std::memcmp(bytes.data(), kContainerMagic, 4) != 0) {
        if (n < 4 && std::memcmp(bytes.data(), kContainerMagic, n) == 0)
            return Status(ErrorCode::truncated, name + ": truncated: " + std::to_string(n) +
                                                    " bytes, shorter than the 32-byte header");
        return Status(ErrorCode::unsupported_format,
                      name + ": not a cuefinder catalog file (bad magic; expected \"CFCT\")");
    }
    if (n < kContainerHeaderBytes)
        return Status(ErrorCode::truncated, name + ": truncated: " + std::to_string(n) +
                                                " bytes, shorter than the 32-byte header");
    const uint8_t* p = bytes.data();
    const uint32_t version = get_u32(p + 4);
    if (version > kContainerVersion)
        return Status(ErrorCode::unsupported_format,
                      name + ": written by a newer cuefinder (format version " + std::to_string(version) +
                          " > " + std::to_string(kContainerVersion) + "); update cuefinder to read it");
    if (version == 0) return Status(ErrorCode::corrupt, name + ": corrupt header (format version 0)");
    const uint32_t n_sections = get_u32(p + 8);
    const uint64_t file_size = get_u64(p + 16);
    if (file_size > n)
        return Status(ErrorCode::truncated, name + ": truncated: header says " + std::to_string(file_size) +
                                                " bytes, only " + std::to_string(n) + " present");
    if (file_size < n)
        return Status(ErrorCode::corrupt, name + ": " + std::to_string(n - file_size) +
                                              " unexpected bytes after the end given in the header");
    // Checked against the buffer before anything is sized by it.
    if (n_sections > (n - kContainerHeaderBytes) / kContainerEntryBytes)
        return Status(ErrorCode::corrupt, name + ": section table (" + std::to_string(n_sections) +
                                              " entries) does not fit in the file");
    if (n_sections > kContainerMaxSections)
        return Status(ErrorCode::corrupt, name + ": " + std::to_string(n_sections) + " sections, more than the " +
                                              std::to_string(kContainerMaxSections) + " a catalog file may have");
    const size_t table_end = kContainerHeaderBytes + size_t(n_sections) * kContainerEntryBytes;
    {
        std::vector<uint8_t> head(p, p + table_end);
        put_u32(head.data() + 12, 0);
        if (crc32(head.data(), head.size()) != get_u32(p + 12))
            return Status(ErrorCode::corrupt, name + ": bad checksum in the header/section table");
    }
    const uint8_t* table = p + kContainerHeaderBytes;
    if (const long i = first_repeated_tag(table, n_sections); i >= 0) {
        const char* tag = reinterpret_cast<const char*>(table + size_t(i) * kContainerEntryBytes);
        return Status(ErrorCode::corrupt, name + ": section " + tag_text(tag) + " appears twice");
    }
    ContainerReader r;
    r.name_ = name;
    r.version_ = version;
    r.entries_.reserve(n_sections);
    for (uint32_t i = 0; i < n_sections; ++i) {
        const uint8_t* e = p + kContainerHeaderBytes + size_t(i) * kContainerEntryBytes;
        Entry entry;
        std::memcpy(entry.tag, e, 4);
        const std::string tag = tag_text(entry.tag);
        const uint64_t offset = get_u64(e + 8), size = get_u64(e + 16);
        if (offset < table_end || offset > n || size > n - offset)
            return Status(ErrorCode::corrupt, name + ": section " + tag + " (offset " + std::to_string(offset) +
                                                  ", " + std::to_string(size) + " bytes) is outside the file");
        if (offset % kContainerAlignBytes != 0)
            return Status(ErrorCode::corrupt, name + ": section " + tag + " is not 64-byte aligned");
        entry.payload = bytes.subspan(size_t(offset), size_t(size));
        if (crc32(entry.payload.data(), entry.payload.size()) != get_u32(e + 4))
            return Status(ErrorCode::corrupt, name + ": bad checksum in section " + tag);
        r.entries_.push_back(entry);
    }
    return r;
}

std::optional<std::span<const uint8_t>> ContainerReader::section(std::string_view tag) const {
    if (tag.size() != 4) return std::nullopt;
    for (const Entry& e : entries_)
        if (std::memcmp(e.tag, tag.data(), 4) == 0) return e.payload;
    return std::nullopt;
}

Result<std::span<const uint8_t>> ContainerReader::require(std::string_view tag) const {
    auto s = section(tag);
    if (!s) return Status(ErrorCode::corrupt, name_ + ": missing section " + std::string(tag));
    return *s;
}

std::vector<std::string> ContainerReader::tags() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.push_back(tag_text(e.tag));
    return out;
}

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path) { return read_whole_file(path); }

// ---- PayloadReader -------------------------------------------------------------------------------
bool PayloadReader::raw(void* dst, size_t n) {
    if (!ok_) return false;
    if (n > bytes_.size() - pos_)
        return fail("needs " + std::to_string(n) + " more bytes at offset " + std::to_string(pos_) + ", has " +
                    std::to_string(bytes_.size() - pos_));
    if (n) std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
}

bool PayloadReader::str(std::string& s, size_t max_bytes) {
    uint32_t len = 0;
    if (!u32(len)) return false;
    if (len > max_bytes || len > bytes_.size() - pos_)
        return fail("string of " + std::to_string(len) + " bytes at offset " + std::to_string(pos_) +
                    " runs past the section end");
    s.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return true;
}

bool PayloadReader::view(std::span<const uint8_t>& out, uint64_t count, size_t elem_bytes) {
    if (!ok_) return false;
    const uint64_t left = bytes_.size() - pos_;
    if (elem_bytes != 0 && count > left / elem_bytes)
        return fail(std::to_string(count) + " elements of " + std::to_string(elem_bytes) + " bytes at offset " +
                    std::to_string(pos_) + " run past the section end (" + std::to_string(left) + " bytes left)");
    out = bytes_.subspan(pos_, size_t(count * elem_bytes));
    pos_ += size_t(count * elem_bytes);
    return true;
}

bool PayloadReader::align(size_t align_bytes) {
    if (!ok_) return false;
    const size_t target = align_up(pos_, align_bytes);
    if (target > bytes_.size()) return fail("padding runs past the section end");
    pos_ = target;
    return true;
}

bool PayloadReader::fail(const std::string& problem) {
    if (ok_) { ok_ = false; problem_ = problem; }
    return false;
}

Status PayloadReader::status() const {
    if (ok_) return Status::ok();
    return Status(ErrorCode::corrupt, context_ + ": " + problem_);
}

}  // namespace cf
