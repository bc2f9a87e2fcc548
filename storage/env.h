#pragma once
// Env: every byte storage/ reads or writes goes through this interface, so
// tests can run on memory and inject faults (dropped unsynced data, short
// writes, ENOSPC, flipped bytes). Modelled on leveldb's Env.
//
// Files are append-only or read-only: nothing in storage/ rewrites bytes in
// place (the one exception, Truncate, cuts a torn tail during recovery).
//
// Thread-safety: Env methods are safe to call concurrently. A WritableFile
// is used by one thread at a time; a RandomAccessFile's Read may be called
// concurrently.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "verify/status.h"

namespace immu {

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset into scratch; *result points at the bytes
  // read (possibly fewer than n at end of file).
  virtual Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends all of data or fails; a failure may leave a prefix written.
  virtual Status Append(std::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
  // Bytes appended so far, including what the file had when opened.
  virtual uint64_t Size() const = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment (never deleted).
  static Env* Default();

  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) = 0;
  // Opens for appending, creating the file if missing (existing bytes kept).
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;  // names only
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Atomic replace; with SyncDir afterwards it is durable.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // fsync of a directory, so created/renamed entries survive a crash.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Convenience: whole-file read and atomic whole-file write
  // (write to path + ".tmp", sync, rename, sync dir).
  Result<std::string> ReadFileToString(const std::string& path);
  Status WriteFileAtomic(const std::string& path, std::string_view data);

  // Test hook behind FaultEnv::FlipByte; storage/ code must never call it.
  // Overwrites bytes [offset, offset + data.size()) of an existing file in
  // place and makes them durable; fails with InvalidArgument if the range is
  // not inside the file. Open handles see the new bytes (PosixEnv, MemEnv).
  // The default implementation rewrites the whole file through the other
  // methods, which replaces the file, so handles opened before keep the old
  // bytes.
  virtual Status OverwriteForTesting(const std::string& path, uint64_t offset,
                                     std::string_view data);
};

// An Env that keeps every file in memory. Thread-safe.
std::unique_ptr<Env> NewMemEnv();

// Wraps another Env and injects faults. Used by tests only.
class FaultEnv : public Env {
 public:
  explicit FaultEnv(Env* base);
  ~FaultEnv() override;

  // Simulated power loss: every file loses what was appended after its last
  // Sync; a file created through this env disappears unless it was synced at
  // least once or its directory was SyncDir'ed after its creation (the full
  // model and its simplifications are in fault_env.cc). Handles opened before
  // the call become unusable (every operation fails with IOError, as if the
  // process had died); handles opened afterwards work.
  Status DropUnsyncedData();
  // From now on, Append writes only the first `bytes` bytes of the next
  // append then fails (a short write); -1 disables. Precisely: `bytes` is a
  // budget over the following appends (any file); the append that would
  // exceed it writes the bytes that fit, fails with IOError and disarms the
  // fault (one short write per call).
  void SetShortWriteAfter(int64_t bytes);
  // From now on every Append/Sync fails with a no-space error
  // (Status::ResourceExhausted, message contains "no space", like ENOSPC
  // from PosixEnv) once the total number of bytes appended through this env
  // (BytesAppended()) would exceed `limit`; the append that crosses the
  // limit writes the part that fits.
  void SetSpaceLimit(uint64_t limit);
  // Sync fails (EIO) while set.
  void SetSyncFailure(bool fail);
  // Flips one byte of a file in place (corruption tests).
  Status FlipByte(const std::string& path, uint64_t offset, uint8_t mask = 0xff);
  // Disables short writes, the space limit and sync failures.
  void ClearFaults();
  // Bytes appended through this env since it was constructed.
  uint64_t BytesAppended() const;

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  Status RemoveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Status OverwriteForTesting(const std::string& path, uint64_t offset,
                             std::string_view data) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace immu
