// Video container sniffing on the fixtures (tests/data/video) and on what must not count as video.
#include <gtest/gtest.h>

#include <string>

#include "core/video/video_sniff.h"
#include "test_util.h"

using cf::VideoContainer;

namespace {

VideoContainer sniff_file(const std::string& name) {
    const std::vector<uint8_t> b = cf::test::read_bytes(std::string(CF_SOURCE_DIR) + "/tests/data/video/" + name);
    return cf::sniff_video_container(std::span<const uint8_t>(b.data(), std::min<size_t>(b.size(), 64)));
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST(VideoSniff, NamesTheFixturesContainers) {
    EXPECT_EQ(sniff_file("h264_aac_cuts_fades.mp4"), VideoContainer::mp4);
    EXPECT_EQ(sniff_file("vp9_opus_cuts.webm"), VideoContainer::webm);
    EXPECT_EQ(sniff_file("h264_no_audio.mkv"), VideoContainer::matroska);
    EXPECT_EQ(sniff_file("h264_portrait_rotate90.mov"), VideoContainer::quicktime);
    EXPECT_EQ(sniff_file("hevc_aac_cut.mp4"), VideoContainer::mp4);
    EXPECT_EQ(sniff_file("bad_truncated_40pct.mp4"), VideoContainer::mp4);  // the reader finds the damage
}

TEST(VideoSniff, AudioPicturesTextAndShortInputAreNotVideo) {
    EXPECT_EQ(sniff_file("bad_audio_only.ogg"), VideoContainer::none);
    EXPECT_EQ(sniff_file("bad_not_video.mp4"), VideoContainer::none);
    EXPECT_EQ(sniff_file("bad_empty.mp4"), VideoContainer::none);
    EXPECT_EQ(cf::sniff_video_container(bytes(std::string("\0\0\0\x20", 4) + "ftypM4A \0\0\0\0isomM4A ")), VideoContainer::none);
    EXPECT_EQ(cf::sniff_video_container(bytes("ID3\x04\0\0\0\0\0\0\0\0\0\0")), VideoContainer::none);
    EXPECT_EQ(cf::sniff_video_container(bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR")), VideoContainer::none);
    EXPECT_EQ(cf::sniff_video_container(bytes("ftyp")), VideoContainer::none);
    EXPECT_EQ(cf::sniff_video_container({}), VideoContainer::none);
}
