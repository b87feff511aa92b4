// ByteSource over files: regular files are read; a directory, FIFO or device is refused with a message
// naming what it is (a FIFO used to block open_file_source until a writer appeared: a hung catalog build).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "core/io/byte_source.h"
#include "test_util.h"

namespace cf {
namespace {

/// A fresh empty folder under $TMPDIR (or /tmp), removed with what the test put in it.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/cf-byte-source-XXXXXX";
        if (::mkdtemp(pattern.data())) path_ = pattern;
    }
    ~TempDir() {
        for (const std::string& f : files_) ::unlink(f.c_str());
        if (!path_.empty()) ::rmdir(path_.c_str());
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) { return files_.emplace_back(path_ + "/" + name); }

private:
    std::string path_;
    std::vector<std::string> files_;
};

TEST(ByteSource, ReadsARegularFile) {
    const std::string file = test::test_data_dir() + "/audio/wav_s16_8k_stereo.wav";
    auto source = open_file_source(file);
    ASSERT_TRUE(source) << source.status().message();
    uint8_t head[4] = {};
    auto n = (*source)->read(head, sizeof head);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(head), 4), "RIFF");
    EXPECT_EQ((*source)->size(), static_cast<int64_t>(test::read_bytes(file).size()));
}

TEST(ByteSource, MissingFileIsNotFound) {
    auto source = open_file_source("/no/such/dir/song.wav");
    ASSERT_FALSE(source);
    EXPECT_EQ(source.status().code(), ErrorCode::not_found);
    EXPECT_NE(source.status().message().find("/no/such/dir/song.wav"), std::string::npos);
}

TEST(ByteSource, DirectoryIsRefused) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    auto source = open_file_source(dir.path());
    ASSERT_FALSE(source);
    EXPECT_EQ(source.status().code(), ErrorCode::io);
    EXPECT_EQ(source.status().message(), dir.path() + ": is a directory, not a regular file");
}

TEST(ByteSource, CharacterDeviceIsRefused) {
    struct stat st {};
    if (::stat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode)) GTEST_SKIP() << "no /dev/null device here";
    auto source = open_file_source("/dev/null");
    ASSERT_FALSE(source);
    EXPECT_EQ(source.status().message(), "/dev/null: is a character device, not a regular file");
}

TEST(ByteSource, FifoIsRefusedWithoutBlocking) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    const std::string fifo = dir.file("pipe.wav");
    struct stat st {};
    // Under Node (NODERAWFS) mkfifo makes an empty regular file: no FIFO to test with there.
    if (::mkfifo(fifo.c_str(), 0600) != 0 || ::stat(fifo.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode))
        GTEST_SKIP() << "this platform cannot make a FIFO";
    // Hold the FIFO open for writing so that an implementation that opens it anyway returns (and the
    // test fails) instead of blocking forever.
    int writer = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    ASSERT_GE(writer, 0);
    auto source = open_file_source(fifo);
    ::close(writer);
    ASSERT_FALSE(source);
    EXPECT_EQ(source.status().code(), ErrorCode::io);
    EXPECT_EQ(source.status().message(), fifo + ": is a FIFO (named pipe), not a regular file");
}

TEST(ReadWholeFile, ReturnsEveryByteAndHonoursTheLimit) {
    const std::string file = test::test_data_dir() + "/audio/wav_s16_8k_stereo.wav";
    const std::vector<uint8_t> expected = test::read_bytes(file);
    ASSERT_FALSE(expected.empty());
    auto bytes = read_whole_file(file);
    ASSERT_TRUE(bytes) << bytes.status().message();
    EXPECT_EQ(*bytes, expected);
    auto limited = read_whole_file(file, static_cast<int64_t>(expected.size()) - 1);
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.status().code(), ErrorCode::too_large);
    EXPECT_NE(limited.status().message().find(file), std::string::npos);
    EXPECT_TRUE(read_whole_file(file, static_cast<int64_t>(expected.size())));
}

TEST(ReadWholeFile, RefusesWhatOpenFileSourceRefuses) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    auto directory = read_whole_file(dir.path());
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.status().message(), dir.path() + ": is a directory, not a regular file");
    EXPECT_EQ(read_whole_file(dir.path() + "/missing.png").status().code(), ErrorCode::not_found);
    const std::string fifo = dir.file("vocab.txt");
    struct stat st {};
    if (::mkfifo(fifo.c_str(), 0600) != 0 || ::stat(fifo.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode))
        GTEST_SKIP() << "this platform cannot make a FIFO";
    int writer = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);  // an open that slips through returns, not blocks
    ASSERT_GE(writer, 0);
    auto piped = read_whole_file(fifo);
    ::close(writer);
    ASSERT_FALSE(piped);
    EXPECT_EQ(piped.status().message(), fifo + ": is a FIFO (named pipe), not a regular file");
}

}  // namespace
}  // namespace cf
