// Unicode NFKC — see nfkc.h.
#include "core/text/nfkc.h"

#include "core/common/utf8.h"

#include <algorithm>

namespace cf::text {
namespace {

struct DecompEntry { uint32_t cp; uint16_t offset; uint8_t length; };
struct CccRange { uint32_t first, last; uint8_t ccc; };
struct ComposeEntry { uint32_t first, second, composite; };

#include "core/text/nfkc_tables.inc"

// Hangul constants (Unicode ch. 3.12).
constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr uint32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount;
constexpr uint32_t kSCount = kLCount * kNCount;

int ccc(uint32_t cp) {
    if (cp < 0x300) return 0;
    const CccRange* end = kCcc + sizeof kCcc / sizeof kCcc[0];
    const CccRange* it = std::upper_bound(kCcc, end, cp, [](uint32_t c, const CccRange& r) { return c < r.first; });
    if (it == kCcc) return 0;
    --it;
    return cp <= it->last ? it->ccc : 0;
}

void decompose(uint32_t cp, std::vector<uint32_t>& out) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const uint32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
        return;
    }
    if (cp >= 0xA0) {
        const DecompEntry* end = kDecomp + sizeof kDecomp / sizeof kDecomp[0];
        const DecompEntry* it = std::lower_bound(kDecomp, end, cp, [](const DecompEntry& e, uint32_t c) { return e.cp < c; });
        if (it != end && it->cp == cp) {
            out.insert(out.end(), kDecompPool + it->offset, kDecompPool + it->offset + it->length);
            return;
        }
    }
    out.push_back(cp);
}

// The primary composite of (first, second), or 0 when there is none.
uint32_t compose(uint32_t first, uint32_t second) {
    if (first >= kLBase && first < kLBase + kLCount && second >= kVBase && second < kVBase + kVCount) {
        return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
    }
    if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0 &&
        second > kTBase && second < kTBase + kTCount) {
        return first + (second - kTBase);
    }
    const ComposeEntry* end = kCompose + sizeof kCompose / sizeof kCompose[0];
    const ComposeEntry* it = std::lower_bound(kCompose, end, std::make_pair(first, second),
        [](const ComposeEntry& e, const std::pair<uint32_t, uint32_t>& k) {
            return e.first < k.first || (e.first == k.first && e.second < k.second);
        });
    return it != end && it->first == first && it->second == second ? it->composite : 0;
}

}  // namespace

const char* nfkc_unicode_version() { return kUnicodeVersion; }

std::vector<uint32_t> nfkc(const std::vector<uint32_t>& codepoints) {
    std::vector<uint32_t> d;
    d.reserve(codepoints.size());
    for (uint32_t cp : codepoints) decompose(cp, d);
    // Canonical ordering: stable sort of each run of non-starters by combining class.
    for (size_t i = 0; i < d.size();) {
        if (ccc(d[i]) == 0) { ++i; continue; }
        size_t j = i;
        while (j < d.size() && ccc(d[j]) != 0) ++j;
        std::stable_sort(d.begin() + long(i), d.begin() + long(j),
                         [](uint32_t a, uint32_t b) { return ccc(a) < ccc(b); });
        i = j;
    }
    // Canonical composition: a character joins the last starter unless blocked (a character in
    // between with class 0 or with a class >= its own).
    std::vector<uint32_t> out;
    out.reserve(d.size());
    long starter = -1;
    int last_ccc = -1;  // class of the last character kept after the starter; -1: none
    for (uint32_t c : d) {
        const int cc = ccc(c);
        if (starter >= 0 && (last_ccc == -1 || (last_ccc != 0 && last_ccc < cc))) {
            const uint32_t composite = compose(out[size_t(starter)], c);
            if (composite != 0) {
                out[size_t(starter)] = composite;
                continue;
            }
        }
        if (cc == 0) {
            starter = long(out.size());
            last_ccc = -1;
        } else {
            last_ccc = cc;
        }
        out.push_back(c);
    }
    return out;
}

Result<std::string> nfkc_utf8(std::string_view utf8) {
    if (std::all_of(utf8.begin(), utf8.end(), [](char ch) { return uint8_t(ch) < 0x80; })) {
        return std::string(utf8);
    }
    std::vector<uint32_t> cps;
    const long bad = decode_utf8(utf8, cps);
    if (bad >= 0) {
        return Status(ErrorCode::invalid_argument, "text to normalise is not valid UTF-8 at byte " + std::to_string(bad));
    }
    std::string out;
    out.reserve(utf8.size());
    for (uint32_t cp : nfkc(cps)) append_utf8(out, cp);
    return out;
}

}  // namespace cf::text
