#include "core/io/byte_source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cf {
namespace {

class FileByteSource final : public ByteSource {
public:
    FileByteSource(std::FILE* file, int64_t size_bytes, std::string path)
        : file_(file), size_bytes_(size_bytes), path_(std::move(path)) {}
    ~FileByteSource() override { std::fclose(file_); }

    Result<size_t> read(void* dst, size_t n_bytes) override {
        size_t n = std::fread(dst, 1, n_bytes, file_);
        if (n < n_bytes && std::ferror(file_))
            return Status(ErrorCode::io, path_ + ": read failed: " + std::strerror(errno));
        position_ += static_cast<int64_t>(n);
        return n;
    }
    Status seek(int64_t offset_bytes) override {
        if (offset_bytes < 0 || offset_bytes > size_bytes_)
            return Status(ErrorCode::io, path_ + ": seek to " + std::to_string(offset_bytes) +
                                             " outside the file (" + std::to_string(size_bytes_) + " bytes)");
        if (fseeko(file_, static_cast<off_t>(offset_bytes), SEEK_SET) != 0)
            return Status(ErrorCode::io, path_ + ": seek failed: " + std::strerror(errno));
        position_ = offset_bytes;
        return Status::ok();
    }
    int64_t tell() const override { return position_; }
    int64_t size() const override { return size_bytes_; }
    const std::string& name() const override { return path_; }

private:
    std::FILE* file_;
    int64_t size_bytes_;
    int64_t position_ = 0;
    std::string path_;
};

class MemoryByteSource final : public ByteSource {
public:
    MemoryByteSource(const uint8_t* data, size_t n_bytes, std::string name, std::vector<uint8_t> owned = {})
        : owned_(std::move(owned)), data_(owned_.empty() ? data : owned_.data()), n_bytes_(n_bytes),
          name_(std::move(name)) {}

    Result<size_t> read(void* dst, size_t n_bytes) override {
        size_t available = n_bytes_ - position_;
        size_t n = n_bytes < available ? n_bytes : available;
        if (n > 0) std::memcpy(dst, data_ + position_, n);
        position_ += n;
        return n;
    }
    Status seek(int64_t offset_bytes) override {
        if (offset_bytes < 0 || static_cast<uint64_t>(offset_bytes) > n_bytes_)
            return Status(ErrorCode::io, name_ + ": seek to " + std::to_string(offset_bytes) +
                                             " outside the buffer (" + std::to_string(n_bytes_) + " bytes)");
        position_ = static_cast<size_t>(offset_bytes);
        return Status::ok();
    }
    int64_t tell() const override { return static_cast<int64_t>(position_); }
    int64_t size() const override { return static_cast<int64_t>(n_bytes_); }
    const std::string& name() const override { return name_; }

private:
    std::vector<uint8_t> owned_;
    const uint8_t* data_;
    size_t n_bytes_;
    size_t position_ = 0;
    std::string name_;
};

/// What a non-regular file is, for the message that refuses it.
const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

Status not_regular(const std::string& path, mode_t mode) {
    return Status(ErrorCode::io, path + ": is " + file_kind(mode) + ", not a regular file");
}

}  // namespace

Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path) {
    // Only regular files: opening a FIFO waits for a writer (a hung catalog build), a device has no
    // size and may never end. The stat refuses them before any open; O_NONBLOCK keeps the open from
    // waiting if the path is swapped for a FIFO in between, and the fstat refuses what was opened.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Status(ErrorCode::not_found, path + ": no such file");
        return Status(ErrorCode::io, path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) return not_regular(path, st.st_mode);
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return Status(ErrorCode::io, path + ": cannot open: " + std::strerror(errno));
    // (O_NONBLOCK changes nothing for reads of a regular file.)
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        Status error = S_ISREG(st.st_mode) ? Status(ErrorCode::io, path + ": " + std::strerror(errno))
                                           : not_regular(path, st.st_mode);
        ::close(fd);
        return error;
    }
    std::FILE* file = ::fdopen(fd, "rb");
    if (!file) {
        ::close(fd);
        return Status(ErrorCode::io, path + ": cannot open: " + std::strerror(errno));
    }
    return std::unique_ptr<ByteSource>(new FileByteSource(file, static_cast<int64_t>(st.st_size), path));
}

Result<std::vector<uint8_t>> read_whole_file(const std::string& path, int64_t max_bytes) {
    auto source = open_file_source(path);
    if (!source) return source.status();
    const int64_t size = (*source)->size();
    if (size > max_bytes)
        return Status(ErrorCode::too_large, path + ": " + std::to_string(size) + " bytes, more than the limit of " +
                                                std::to_string(max_bytes));
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    size_t filled = 0;
    while (filled < bytes.size()) {
        auto n = (*source)->read(bytes.data() + filled, bytes.size() - filled);
        if (!n) return n.status();
        if (*n == 0) return Status(ErrorCode::io, path + ": the file shrank while it was read");
        filled += *n;
    }
    return bytes;
}

std::unique_ptr<ByteSource> make_memory_source(const void* data, size_t n_bytes, std::string name) {
    return std::make_unique<MemoryByteSource>(static_cast<const uint8_t*>(data), n_bytes, std::move(name));
}

std::unique_ptr<ByteSource> make_owned_memory_source(std::vector<uint8_t> bytes, std::string name) {
    size_t n = bytes.size();
    return std::make_unique<MemoryByteSource>(nullptr, n, std::move(name), std::move(bytes));
}

}  // namespace cf
