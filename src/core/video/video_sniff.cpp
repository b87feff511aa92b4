// cuefinder core — video container sniffing (video_sniff.h).
#include "core/video/video_sniff.h"

#include <cstring>
#include <string_view>

namespace cf {

namespace {

std::string_view at(std::span<const uint8_t> b, size_t offset, size_t n) {
    if (b.size() < offset + n) return {};
    return {reinterpret_cast<const char*>(b.data() + offset), n};
}

VideoContainer from_ftyp(std::span<const uint8_t> b) {
    const std::string_view brand = at(b, 8, 4);
    if (brand == "M4A " || brand == "M4B " || brand == "M4P ") return VideoContainer::none;
    return brand == "qt  " ? VideoContainer::quicktime : VideoContainer::mp4;
}

// EBML header: the DocType element (0x42 0x82) names webm or matroska.
VideoContainer from_ebml(std::span<const uint8_t> b) {
    const std::string_view head(reinterpret_cast<const char*>(b.data()), b.size() < 64 ? b.size() : 64);
    if (head.find("webm") != std::string_view::npos) return VideoContainer::webm;
    return VideoContainer::matroska;
}

}  // namespace

const char* video_container_name(VideoContainer c) {
    switch (c) {
        case VideoContainer::none: return "";
        case VideoContainer::mp4: return "MP4";
        case VideoContainer::quicktime: return "QuickTime";
        case VideoContainer::webm: return "WebM";
        case VideoContainer::matroska: return "Matroska";
    }
    return "";
}

VideoContainer sniff_video_container(std::span<const uint8_t> head) {
    if (head.size() < 12) return VideoContainer::none;
    if (at(head, 0, 4) == std::string_view("\x1a\x45\xdf\xa3", 4)) return from_ebml(head);
    const std::string_view box = at(head, 4, 4);
    if (box == "ftyp") return from_ftyp(head);
    if (box == "moov" || box == "mdat" || box == "wide" || box == "free") return VideoContainer::quicktime;
    return VideoContainer::none;
}

}  // namespace cf
