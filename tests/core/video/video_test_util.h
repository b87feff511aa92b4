// Shared by the video tests that decode the fixtures (tests/data/video): their paths and the skip
// when this build has no video decoder (WASM, or native without FFmpeg).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "platform/video_decoder.h"
#include "test_util.h"

namespace cf::test {

inline std::string video_path(const std::string& file) { return test_data_dir() + "/video/" + file; }

}  // namespace cf::test

#define SKIP_WITHOUT_DECODER()                                                                     \
    if (!cf::platform::video_decoder_available()) GTEST_SKIP() << "built without a video decoder (" \
                                                               << cf::platform::video_decoder_name() << ")"
