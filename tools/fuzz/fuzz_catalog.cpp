// libFuzzer target for the catalog reader (container, metadata, quantized codes, IVF-PQ sections).
// Whatever the bytes, Catalog::open_memory must return a Status or a catalog whose searches run
// without a crash or an out-of-bounds read (ASan + UBSan in the fuzz preset).
// Seeds: tests/data/catalog/*.cfc. Section checksums make random mutations fail early, so for inputs
// whose last byte is odd the target recomputes the checksums before parsing: the fuzzer then reaches
// the section parsers too (inputs with an even last byte test the checksum path as they are).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/catalog/catalog.h"
#include "core/io/container.h"

namespace {

// Re-signs every section and the table so mutated payloads get past the checksums.
void fix_checksums(std::vector<uint8_t>& b) {
    if (b.size() < cf::kContainerHeaderBytes || std::memcmp(b.data(), "CFCT", 4) != 0) return;
    uint32_t n_sections;
    std::memcpy(&n_sections, b.data() + 8, 4);
    if (n_sections > (b.size() - cf::kContainerHeaderBytes) / cf::kContainerEntryBytes) return;
    for (uint32_t i = 0; i < n_sections; ++i) {
        uint8_t* e = b.data() + cf::kContainerHeaderBytes + size_t(i) * cf::kContainerEntryBytes;
        uint64_t off, size;
        std::memcpy(&off, e + 8, 8);
        std::memcpy(&size, e + 16, 8);
        if (off > b.size() || size > b.size() - off) continue;
        const uint32_t crc = cf::crc32(b.data() + off, size_t(size));
        std::memcpy(e + 4, &crc, 4);
    }
    const size_t table_end = cf::kContainerHeaderBytes + size_t(n_sections) * cf::kContainerEntryBytes;
    std::memset(b.data() + 12, 0, 4);
    const uint32_t crc = cf::crc32(b.data(), table_end);
    std::memcpy(b.data() + 12, &crc, 4);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    // The last byte picks the mode, so one corpus exercises both: odd = re-sign checksums.
    if (size > 0 && (data[size - 1] & 1)) fix_checksums(bytes);
    auto cat = cf::Catalog::open_buffer(std::move(bytes), "fuzz.cfc");
    if (!cat) return 0;
    cf::SearchOptions o;
    o.k = 3;
    auto hits = cat->search_track(cat->tracks()[0].id, o);
    std::vector<float> q(cat->dim(), 1.0f);
    o.filters.bpm_min = 90.0f;
    o.exhaustive_max_tracks = 0;  // take the IVF path when the catalog has one
    auto hits2 = cat->search(q, o);
    (void)hits;
    (void)hits2;
    return 0;
}
