// The video decoding seam in builds without a decoder (see video_decoder.h).
#include "platform/video_decoder.h"

namespace cf::platform {

Result<std::unique_ptr<VideoSource>> open_video_file(const std::string& path, const VideoSourceOptions&) {
    return Status(ErrorCode::unsupported_format,
                  path + ": this build decodes no video (built without FFmpeg's libraries; see tools/setup.sh)");
}

bool video_decoder_available() { return false; }

std::string video_decoder_name() { return "none"; }

}  // namespace cf::platform
