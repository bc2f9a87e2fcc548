// PosixEnv: Env::Default(). Plain file descriptors; reads with pread (no
// shared file offset, so concurrent readers need no lock), appends with
// write() on an O_APPEND descriptor, Sync with fdatasync.
//
// Errors carry the path, the failed call and the errno text. ENOENT becomes
// NotFound; ENOSPC/EDQUOT become ResourceExhausted ("no space ..."); every
// other errno is an IOError.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "storage/env.h"

namespace immu {
namespace {

Status PosixError(const std::string& context, int err) {
  const std::string text = context + ": " + std::generic_category().message(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(text);
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return Status::ResourceExhausted(text + " (no space left on device)");
    default:
      return Status::IOError(text);
  }
}

// Opens with retries on EINTR (possible for open() on some file systems).
int OpenRetry(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  // Thread-safe: pread does not move a shared offset.
  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        *result = std::string_view(scratch, 0);
        return PosixError(path_ + ": pread", errno);
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return Status::Ok();
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return PosixError(path_ + ": fstat", errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  const std::string path_;
  const int fd_;
};

// Not thread-safe (one writer at a time, per the WritableFile contract).
class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_ + ": append after close");
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      const ssize_t w = ::write(fd_, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        return PosixError(path_ + ": write", errno);
      }
      // A partial write (signal, nearly full disk) is not an error yet: the
      // next write() either continues or reports why it cannot.
      p += w;
      left -= static_cast<size_t>(w);
      size_ += static_cast<uint64_t>(w);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError(path_ + ": sync after close");
    int r;
    do {
      r = ::fdatasync(fd_);
    } while (r != 0 && errno == EINTR);
    if (r != 0) return PosixError(path_ + ": fdatasync", errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    const int fd = fd_;
    fd_ = -1;
    // No retry on EINTR: on Linux the descriptor is released regardless.
    if (::close(fd) != 0 && errno != EINTR) return PosixError(path_ + ": close", errno);
    return Status::Ok();
  }

  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  int fd_;
  uint64_t size_;
};

// Stateless; thread-safe.
class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    const int fd = OpenRetry(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path + ": open", errno);
    return std::unique_ptr<RandomAccessFile>(new PosixRandomAccessFile(path, fd));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    const int fd = OpenRetry(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError(path + ": open", errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return PosixError(path + ": fstat", err);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::IOError(path + ": is a directory");
    }
    return std::unique_ptr<WritableFile>(
        new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError(dir + ": opendir", errno);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const struct dirent* e = ::readdir(d);
      if (e == nullptr) {
        const int err = errno;
        ::closedir(d);
        if (err != 0) return PosixError(dir + ": readdir", err);
        break;
      }
      const std::string_view name(e->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
    }
    return names;
  }

  Status CreateDirIfMissing(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0) return Status::Ok();
    const int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      return Status::Ok();
    }
    return PosixError(dir + ": mkdir", err);
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError(path + ": unlink", errno);
    return Status::Ok();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError(from + " -> " + to + ": rename", errno);
    }
    return Status::Ok();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    int r;
    do {
      r = ::truncate(path.c_str(), static_cast<off_t>(size));
    } while (r != 0 && errno == EINTR);
    if (r != 0) return PosixError(path + ": truncate", errno);
    return Status::Ok();
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError(path + ": stat", errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = OpenRetry(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return PosixError(dir + ": open", errno);
    int r;
    do {
      r = ::fsync(fd);
    } while (r != 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (r != 0) return PosixError(dir + ": fsync", err);
    return Status::Ok();
  }

  // pwrite in place (never extends the file), then fdatasync.
  Status OverwriteForTesting(const std::string& path, uint64_t offset,
                             std::string_view data) override {
    const int fd = OpenRetry(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(path + ": open", errno);
    struct stat st;
    Status s;
    if (::fstat(fd, &st) != 0) {
      s = PosixError(path + ": fstat", errno);
    } else if (offset > static_cast<uint64_t>(st.st_size) ||
               data.size() > static_cast<uint64_t>(st.st_size) - offset) {
      s = Status::InvalidArgument(path + ": overwrite range beyond end of file");
    }
    size_t done = 0;
    while (s.ok() && done < data.size()) {
      const ssize_t w = ::pwrite(fd, data.data() + done, data.size() - done,
                                 static_cast<off_t>(offset + done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) s = PosixError(path + ": pwrite", errno);
      if (w == 0) s = Status::IOError(path + ": pwrite wrote nothing");
      if (w > 0) done += static_cast<size_t>(w);
    }
    if (s.ok() && ::fdatasync(fd) != 0) s = PosixError(path + ": fdatasync", errno);
    ::close(fd);
    return s;
  }
};

}  // namespace

Env* Env::Default() {
  static Env* const env = new PosixEnv;  // never deleted: outlives static destructors
  return env;
}

}  // namespace immu
