// Behavioural tests run identically over PosixEnv (in a fresh directory under
// /tmp), MemEnv and FaultEnv over MemEnv: whatever storage/ relies on must
// hold for all of them.

#include "storage/env.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

namespace immu {
namespace {

enum class Kind { kPosix, kMem, kFaultOverMem };
constexpr Kind kAllKinds[] = {Kind::kPosix, Kind::kMem, Kind::kFaultOverMem};

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kPosix:
      return "posix";
    case Kind::kMem:
      return "mem";
    case Kind::kFaultOverMem:
      return "fault-over-mem";
  }
  return "?";
}

// An Env plus an empty directory `root` in it; the POSIX directory is
// removed on destruction.
class TestEnv {
 public:
  explicit TestEnv(Kind kind) {
    if (kind == Kind::kPosix) {
      char tmpl[] = "/tmp/immu_env_test.XXXXXX";
      REQUIRE(mkdtemp(tmpl) != nullptr);
      root_ = tmpl;
      posix_dir_ = root_;
      env_ = Env::Default();
    } else {
      mem_ = NewMemEnv();
      env_ = mem_.get();
      if (kind == Kind::kFaultOverMem) {
        fault_ = std::make_unique<FaultEnv>(mem_.get());
        env_ = fault_.get();
      }
      root_ = "/root";
      REQUIRE(env_->CreateDirIfMissing(root_).ok());
    }
  }
  ~TestEnv() {
    if (!posix_dir_.empty()) std::filesystem::remove_all(posix_dir_);
  }
  Env* env() const { return env_; }
  std::string Path(const std::string& name) const { return root_ + "/" + name; }
  const std::string& root() const { return root_; }

 private:
  std::unique_ptr<Env> mem_;
  std::unique_ptr<FaultEnv> fault_;
  Env* env_ = nullptr;
  std::string root_;
  std::string posix_dir_;
};

std::string ReadAt(RandomAccessFile* f, uint64_t offset, size_t n) {
  std::string scratch(n, '\0');
  std::string_view got;
  REQUIRE(f->Read(offset, n, &got, scratch.data()).ok());
  return std::string(got);
}

void Write(Env* env, const std::string& path, std::string_view data) {
  auto w = env->NewAppendableFile(path);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  REQUIRE((*w)->Append(data).ok());
  REQUIRE((*w)->Close().ok());
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_CASE("env: append, read, size") {
  for (Kind kind : kAllKinds) {
    CAPTURE(KindName(kind));
    TestEnv t(kind);
    Env* env = t.env();
    const std::string path = t.Path("f");
    {
      auto w = env->NewAppendableFile(path);
      REQUIRE(w.ok());
      CHECK((*w)->Size() == 0);
      REQUIRE((*w)->Append("hello").ok());
      REQUIRE((*w)->Append("").ok());
      REQUIRE((*w)->Append(" world").ok());
      CHECK((*w)->Size() == 11);
      REQUIRE((*w)->Sync().ok());
      REQUIRE((*w)->Close().ok());
      CHECK_FALSE((*w)->Append("x").ok());  // closed
    }
    CHECK(env->FileExists(path));
    CHECK(*env->FileSize(path) == 11);
    auto r = env->NewRandomAccessFile(path);
    REQUIRE(r.ok());
    CHECK(*(*r)->Size() == 11);
    CHECK(ReadAt(r->get(), 0, 100) == "hello world");
    CHECK(ReadAt(r->get(), 6, 5) == "world");
    CHECK(ReadAt(r->get(), 6, 3) == "wor");
    CHECK(ReadAt(r->get(), 11, 5).empty());
    CHECK(ReadAt(r->get(), 1000, 5).empty());
    // Reopening for append keeps the bytes.
    {
      auto w = env->NewAppendableFile(path);
      REQUIRE(w.ok());
      CHECK((*w)->Size() == 11);
      REQUIRE((*w)->Append("!").ok());
      CHECK((*w)->Size() == 12);
    }
    CHECK(*env->ReadFileToString(path) == "hello world!");
    // A reader opened before sees bytes appended after.
    CHECK(*(*r)->Size() == 12);
    CHECK(ReadAt(r->get(), 11, 1) == "!");
  }
}

TEST_CASE("env: missing files") {
  for (Kind kind : kAllKinds) {
    CAPTURE(KindName(kind));
    TestEnv t(kind);
    Env* env = t.env();
    const std::string path = t.Path("nope");
    CHECK_FALSE(env->FileExists(path));
    CHECK(env->NewRandomAccessFile(path).status().IsNotFound());
    CHECK(env->FileSize(path).status().IsNotFound());
    CHECK(env->ReadFileToString(path).status().IsNotFound());
    CHECK(env->RemoveFile(path).IsNotFound());
    CHECK(env->RenameFile(path, t.Path("x")).IsNotFound());
    CHECK(env->Truncate(path, 0).IsNotFound());
    CHECK(env->ListDir(t.Path("nodir")).status().IsNotFound());
    CHECK_FALSE(env->SyncDir(t.Path("nodir")).ok());
  }
}

TEST_CASE("env: whole-file helpers") {
  for (Kind kind : kAllKinds) {
    CAPTURE(KindName(kind));
    TestEnv t(kind);
    Env* env = t.env();
    const std::string path = t.Path("meta");
    REQUIRE(env->WriteFileAtomic(path, "first version").ok());
    CHECK(*env->ReadFileToString(path) == "first version");
    // A leftover temporary from a crashed writer does not leak into the result.
    Write(env, path + ".tmp", "garbage from a crash");
    REQUIRE(env->WriteFileAtomic(path, "v2").ok());
    CHECK(*env->ReadFileToString(path) == "v2");
    CHECK_FALSE(env->FileExists(path + ".tmp"));
    REQUIRE(env->WriteFileAtomic(path, "").ok());
    CHECK(env->ReadFileToString(path)->empty());
    std::string big(300000, '\0');
    std::mt19937 rng(3);
    for (auto& c : big) c = static_cast<char>(rng());
    REQUIRE(env->WriteFileAtomic(path, big).ok());
    CHECK(*env->ReadFileToString(path) == big);
    CHECK(Sorted(*env->ListDir(t.root())) == std::vector<std::string>{"meta"});
  }
}

TEST_CASE("env: directories, list, rename, remove, truncate, sync dir") {
  for (Kind kind : kAllKinds) {
    CAPTURE(KindName(kind));
    TestEnv t(kind);
    Env* env = t.env();
    CHECK(env->ListDir(t.root())->empty());
    Write(env, t.Path("a"), "aaaa");
    Write(env, t.Path("b"), "bb");
    REQUIRE(env->CreateDirIfMissing(t.Path("sub")).ok());
    REQUIRE(env->CreateDirIfMissing(t.Path("sub")).ok());  // idempotent
    Write(env, t.Path("sub/c"), "c");
    CHECK(env->FileExists(t.Path("sub")));
    CHECK(Sorted(*env->ListDir(t.root())) == std::vector<std::string>{"a", "b", "sub"});
    CHECK(*env->ListDir(t.Path("sub")) == std::vector<std::string>{"c"});
    CHECK_FALSE(env->ListDir(t.Path("a")).ok());  // a file, not a directory
    CHECK_FALSE(env->CreateDirIfMissing(t.Path("a")).ok());
    CHECK_FALSE(env->NewAppendableFile(t.Path("sub")).ok());
    CHECK(env->SyncDir(t.root()).ok());
    CHECK(env->SyncDir(t.Path("sub")).ok());

    // Rename replaces the target atomically.
    REQUIRE(env->RenameFile(t.Path("a"), t.Path("b")).ok());
    CHECK_FALSE(env->FileExists(t.Path("a")));
    CHECK(*env->ReadFileToString(t.Path("b")) == "aaaa");
    REQUIRE(env->RenameFile(t.Path("b"), t.Path("sub/d")).ok());
    CHECK(Sorted(*env->ListDir(t.Path("sub"))) == std::vector<std::string>{"c", "d"});
    CHECK(*env->ListDir(t.root()) == std::vector<std::string>{"sub"});

    // Truncate cuts in place; open handles see it.
    auto r = env->NewRandomAccessFile(t.Path("sub/d"));
    REQUIRE(r.ok());
    REQUIRE(env->Truncate(t.Path("sub/d"), 2).ok());
    CHECK(*env->FileSize(t.Path("sub/d")) == 2);
    CHECK(*(*r)->Size() == 2);
    CHECK(ReadAt(r->get(), 0, 10) == "aa");
    REQUIRE(env->Truncate(t.Path("sub/d"), 0).ok());
    CHECK(env->ReadFileToString(t.Path("sub/d"))->empty());

    // Removing a file keeps open handles readable (POSIX unlink semantics).
    Write(env, t.Path("e"), "still here");
    auto re = env->NewRandomAccessFile(t.Path("e"));
    REQUIRE(re.ok());
    REQUIRE(env->RemoveFile(t.Path("e")).ok());
    CHECK_FALSE(env->FileExists(t.Path("e")));
    CHECK(ReadAt(re->get(), 0, 100) == "still here");
  }
}

TEST_CASE("env: OverwriteForTesting changes bytes in place") {
  for (Kind kind : kAllKinds) {
    CAPTURE(KindName(kind));
    TestEnv t(kind);
    Env* env = t.env();
    Write(env, t.Path("f"), "0123456789");
    auto r = env->NewRandomAccessFile(t.Path("f"));
    REQUIRE(r.ok());
    REQUIRE(env->OverwriteForTesting(t.Path("f"), 3, "xy").ok());
    CHECK(*env->ReadFileToString(t.Path("f")) == "012xy56789");
    CHECK(ReadAt(r->get(), 0, 10) == "012xy56789");
    CHECK(env->OverwriteForTesting(t.Path("f"), 9, "ab").code() == StatusCode::kInvalidArgument);
    CHECK(env->OverwriteForTesting(t.Path("f"), 11, "a").code() == StatusCode::kInvalidArgument);
    CHECK(*env->ReadFileToString(t.Path("f")) == "012xy56789");
  }
}

// Storage's pattern: one appender publishes how many records are complete;
// readers, holding handles opened at the start, read any complete record.
TEST_CASE("env: concurrent readers while appending") {
  constexpr int kRecords = 3000;
  constexpr size_t kRecordSize = 48;
  auto record = [](int i) {
    std::string s = "record-" + std::to_string(i) + "-";
    s.resize(kRecordSize, static_cast<char>('a' + i % 26));
    return s;
  };
  for (Kind kind : kAllKinds) {
    CAPTURE(KindName(kind));
    TestEnv t(kind);
    Env* env = t.env();
    const std::string path = t.Path("log");
    auto w = env->NewAppendableFile(path);
    REQUIRE(w.ok());
    std::atomic<int> published{0};
    std::atomic<int> bad{0};
    std::vector<std::thread> readers;
    for (int k = 0; k < 4; k++) {
      auto r = env->NewRandomAccessFile(path);
      REQUIRE(r.ok());
      readers.emplace_back([&, k, r = std::move(r).value()] {
        std::mt19937 rng(k);
        char scratch[kRecordSize];
        while (published.load(std::memory_order_acquire) < kRecords) {
          const int n = published.load(std::memory_order_acquire);
          if (n == 0) continue;
          const int i = static_cast<int>(rng() % n);
          std::string_view got;
          if (!r->Read(uint64_t{kRecordSize} * i, kRecordSize, &got, scratch).ok() ||
              got != record(i)) {
            bad++;
          }
          auto size = r->Size();
          if (!size.ok() || *size < uint64_t{kRecordSize} * n) bad++;
        }
      });
    }
    for (int i = 0; i < kRecords; i++) {
      REQUIRE((*w)->Append(record(i)).ok());
      published.store(i + 1, std::memory_order_release);
    }
    for (auto& th : readers) th.join();
    CHECK(bad.load() == 0);
    CHECK(*env->FileSize(path) == kRecords * kRecordSize);
  }
}

TEST_CASE("env: posix errors carry errno text and map ENOSPC") {
  Env* env = Env::Default();
  auto r = env->NewAppendableFile("/nonexistent-dir-for-immu-test/x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsNotFound());
  CHECK(r.status().message().find("No such file or directory") != std::string::npos);
  CHECK(r.status().message().find("/nonexistent-dir-for-immu-test/x") != std::string::npos);

  TestEnv t(Kind::kPosix);
  Write(env, t.Path("f"), "x");
  auto l = env->ListDir(t.Path("f"));
  REQUIRE_FALSE(l.ok());
  CHECK(l.status().code() == StatusCode::kIOError);
  CHECK(l.status().message().find("Not a directory") != std::string::npos);

  if (env->FileExists("/dev/full")) {
    auto w = env->NewAppendableFile("/dev/full");
    if (w.ok()) {
      Status s = (*w)->Append("some bytes");
      CHECK(s.code() == StatusCode::kResourceExhausted);
      CHECK(s.message().find("no space") != std::string::npos);
    }
  }
}

TEST_CASE("env: Default is a singleton") { CHECK(Env::Default() == Env::Default()); }

}  // namespace
}  // namespace immu
