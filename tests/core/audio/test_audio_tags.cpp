// Text tags from the headers: Vorbis comments (Vorbis, Opus, FLAC) → AudioInfo::tags. Fixtures tags_*
// were made from the same 1.5 s tone by oggenc, opusenc and flac, each given title, artist, genre and
// composer (tests/data/audio/README.md). MP3 ID3v2 tags: test_id3v2.cpp.
#include <gtest/gtest.h>

#include <string>

#include "core/audio/audio_reader.h"
#include "core/audio/detail/pcm_decoder.h"
#include "test_util.h"

TEST(AudioTags, EveryTaggedFormatGivesTitleArtistComposerGenre) {
    for (const char* name : {"tags_vorbis.ogg", "tags_opus.opus", "tags_flac.flac"}) {
        auto r = cf::AudioReader::open_file(cf::test::test_data_dir() + "/audio/" + name);
        ASSERT_TRUE(r.is_ok()) << name << ": " << r.status().message();
        const cf::AudioTags& t = (*r)->info().tags;
        EXPECT_EQ(t.count("title") ? t.at("title") : "", "Tagged Song") << name;
        EXPECT_EQ(t.count("artist") ? t.at("artist") : "", "Some Artist") << name;
        EXPECT_EQ(t.count("composer") ? t.at("composer") : "", "Ana Composer") << name;
        EXPECT_EQ(t.count("genre") ? t.at("genre") : "", "Ambient") << name;
        // Tags do not change the audio: the file still decodes to its full length.
        auto all = cf::decode_all(**r);
        ASSERT_TRUE(all.is_ok()) << name;
        EXPECT_NEAR(double(all->size()) / 16000.0, 1.5, 0.06) << name;
    }
}

TEST(AudioTags, UntaggedFilesHaveNone) {
    auto r = cf::AudioReader::open_file(cf::test::test_data_dir() + "/audio/wav_s16_8k_stereo.wav");
    ASSERT_TRUE(r.is_ok());
    EXPECT_TRUE((*r)->info().tags.empty());
}

TEST(AudioTags, CommentsAreParsedAndBounded) {
    cf::AudioTags tags;
    const std::string a = "TITLE=One", b = "title=Two", junk = "no equals sign", empty_key = "=x";
    cf::detail::add_vorbis_comment(tags, a.data(), a.size());
    cf::detail::add_vorbis_comment(tags, b.data(), b.size());
    cf::detail::add_vorbis_comment(tags, junk.data(), junk.size());
    cf::detail::add_vorbis_comment(tags, empty_key.data(), empty_key.size());
    cf::detail::add_vorbis_comment(tags, nullptr, 5);
    ASSERT_EQ(tags.size(), 1u);
    EXPECT_EQ(tags.at("title"), "One; Two");  // repeated keys are joined
    const std::string huge = "comment=" + std::string(100000, 'x');
    cf::detail::add_vorbis_comment(tags, huge.data(), huge.size());
    EXPECT_EQ(tags.at("comment").size(), 1024u);
    for (int i = 0; i < 1000; ++i) cf::detail::add_tag(tags, "k" + std::to_string(i), "v");
    EXPECT_EQ(tags.size(), 64u);  // a hostile file cannot grow the map without bound
}
