// cuefinder core — is this file a video container? From its first bytes, before any decoder runs:
// the page routes a drop to its video reader (WebCodecs) or to the core's audio/picture decoders.
//
//   if (cf::sniff_video_container(head) != cf::VideoContainer::none) read_as_video();
//
// ISO BMFF ("ftyp" box: MP4, MOV, M4V, 3GP; an "M4A "/"M4B " brand is audio only → none),
// QuickTime files that start with a moov/mdat/wide/free box, and EBML (WebM, Matroska).
#pragma once

#include <cstdint>
#include <span>

namespace cf {

enum class VideoContainer { none, mp4, quicktime, webm, matroska };
const char* video_container_name(VideoContainer c);  ///< "", "MP4", "QuickTime", "WebM", "Matroska"

/// `head`: at least the first 64 bytes when the file has them.
VideoContainer sniff_video_container(std::span<const uint8_t> head);

}  // namespace cf
