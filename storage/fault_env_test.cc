// FaultEnv: the durability model of DropUnsyncedData and each injected fault,
// over MemEnv and (where the base matters) over PosixEnv.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>

#include "storage/env.h"

namespace immu {
namespace {

// A base Env with an empty directory `dir`: MemEnv, or PosixEnv in a fresh
// /tmp directory removed on destruction.
class Base {
 public:
  explicit Base(bool posix) {
    if (posix) {
      char tmpl[] = "/tmp/immu_fault_env_test.XXXXXX";
      REQUIRE(mkdtemp(tmpl) != nullptr);
      dir_ = tmpl;
      posix_dir_ = dir_;
      env_ = Env::Default();
    } else {
      mem_ = NewMemEnv();
      env_ = mem_.get();
      dir_ = "/db";
      REQUIRE(env_->CreateDirIfMissing(dir_).ok());
    }
  }
  ~Base() {
    if (!posix_dir_.empty()) std::filesystem::remove_all(posix_dir_);
  }
  Env* env() const { return env_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  const std::string& dir() const { return dir_; }

 private:
  std::unique_ptr<Env> mem_;
  Env* env_ = nullptr;
  std::string dir_, posix_dir_;
};

std::string Contents(Env* env, const std::string& path) {
  auto r = env->ReadFileToString(path);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

std::unique_ptr<WritableFile> Open(Env* env, const std::string& path) {
  auto w = env->NewAppendableFile(path);
  REQUIRE_MESSAGE(w.ok(), w.status().ToString());
  return std::move(w).value();
}

TEST_CASE("fault_env: DropUnsyncedData keeps exactly the synced prefix") {
  for (bool posix : {false, true}) {
    CAPTURE(posix);
    Base base(posix);
    FaultEnv env(base.env());
    auto w = Open(&env, base.Path("log"));
    REQUIRE(w->Append("synced-1|").ok());
    REQUIRE(w->Sync().ok());
    REQUIRE(w->Append("synced-2|").ok());
    REQUIRE(w->Sync().ok());
    REQUIRE(w->Append("lost").ok());
    CHECK(Contents(&env, base.Path("log")) == "synced-1|synced-2|lost");
    REQUIRE(env.DropUnsyncedData().ok());
    CHECK(Contents(&env, base.Path("log")) == "synced-1|synced-2|");
    // A second crash without new writes changes nothing.
    REQUIRE(env.DropUnsyncedData().ok());
    CHECK(Contents(&env, base.Path("log")) == "synced-1|synced-2|");
    // After reopening, the new tail is again lost unless synced.
    auto w2 = Open(&env, base.Path("log"));
    CHECK(w2->Size() == 18);
    REQUIRE(w2->Append("more").ok());
    REQUIRE(env.DropUnsyncedData().ok());
    CHECK(Contents(&env, base.Path("log")) == "synced-1|synced-2|");
  }
}

TEST_CASE("fault_env: files that never became durable vanish") {
  for (bool posix : {false, true}) {
    CAPTURE(posix);
    Base base(posix);
    FaultEnv env(base.env());
    // Never synced, directory never synced: gone.
    REQUIRE(env.CreateDirIfMissing(base.Path("sub")).ok());
    REQUIRE(Open(&env, base.Path("sub/never"))->Append("data").ok());
    // Directory synced after creation: the entry survives, the bytes do not.
    REQUIRE(Open(&env, base.Path("entry_only"))->Append("data").ok());
    REQUIRE(env.SyncDir(base.dir()).ok());
    // File synced: survives with its bytes.
    {
      auto w = Open(&env, base.Path("synced"));
      REQUIRE(w->Append("data").ok());
      REQUIRE(w->Sync().ok());
    }
    // Created after the last SyncDir and never synced: gone.
    REQUIRE(Open(&env, base.Path("late"))->Append("data").ok());
    CHECK(env.FileExists(base.Path("sub/never")));
    CHECK(env.FileExists(base.Path("late")));
    REQUIRE(env.DropUnsyncedData().ok());
    CHECK_FALSE(env.FileExists(base.Path("sub/never")));
    CHECK_FALSE(env.FileExists(base.Path("late")));
    CHECK(Contents(&env, base.Path("entry_only")).empty());
    CHECK(Contents(&env, base.Path("synced")) == "data");
  }
}

TEST_CASE("fault_env: a file created after the last SyncDir vanishes") {
  Base base(false);
  FaultEnv env(base.env());
  REQUIRE(env.SyncDir(base.dir()).ok());
  REQUIRE(Open(&env, base.Path("late"))->Append("x").ok());
  REQUIRE(env.DropUnsyncedData().ok());
  CHECK_FALSE(env.FileExists(base.Path("late")));
}

TEST_CASE("fault_env: files not created through the env are kept as they were") {
  Base base(false);
  auto w = Open(base.env(), base.Path("old"));
  REQUIRE(w->Append("before").ok());
  w.reset();
  FaultEnv env(base.env());
  auto fw = Open(&env, base.Path("old"));
  REQUIRE(fw->Append("-unsynced").ok());
  REQUIRE(env.DropUnsyncedData().ok());
  CHECK(Contents(&env, base.Path("old")) == "before");
}

TEST_CASE("fault_env: rename, remove and truncate are tracked") {
  Base base(false);
  FaultEnv env(base.env());
  // WriteFileAtomic syncs the temporary, renames it and syncs the directory.
  REQUIRE(env.WriteFileAtomic(base.Path("meta"), "v1").ok());
  // An unsynced file renamed over nothing is still not durable.
  REQUIRE(Open(&env, base.Path("tmp"))->Append("x").ok());
  REQUIRE(env.RenameFile(base.Path("tmp"), base.Path("renamed")).ok());
  // Truncate lowers the synced size.
  {
    auto w = Open(&env, base.Path("cut"));
    REQUIRE(w->Append("0123456789").ok());
    REQUIRE(w->Sync().ok());
  }
  REQUIRE(env.Truncate(base.Path("cut"), 4).ok());
  {
    auto w = Open(&env, base.Path("cut"));
    REQUIRE(w->Append("xx").ok());
  }
  // Removed files stay removed.
  {
    auto w = Open(&env, base.Path("gone"));
    REQUIRE(w->Sync().ok());
  }
  REQUIRE(env.RemoveFile(base.Path("gone")).ok());
  REQUIRE(env.DropUnsyncedData().ok());
  CHECK(Contents(&env, base.Path("meta")) == "v1");
  CHECK_FALSE(env.FileExists(base.Path("meta.tmp")));
  CHECK_FALSE(env.FileExists(base.Path("renamed")));
  CHECK_FALSE(env.FileExists(base.Path("tmp")));
  CHECK(Contents(&env, base.Path("cut")) == "0123");
  CHECK_FALSE(env.FileExists(base.Path("gone")));
}

TEST_CASE("fault_env: handles opened before a drop fail, new ones work") {
  Base base(false);
  FaultEnv env(base.env());
  auto w = Open(&env, base.Path("f"));
  REQUIRE(w->Append("abc").ok());
  REQUIRE(w->Sync().ok());
  auto r = env.NewRandomAccessFile(base.Path("f"));
  REQUIRE(r.ok());
  REQUIRE(env.DropUnsyncedData().ok());
  CHECK(w->Append("d").code() == StatusCode::kIOError);
  CHECK(w->Sync().code() == StatusCode::kIOError);
  char scratch[8];
  std::string_view got;
  CHECK((*r)->Read(0, 3, &got, scratch).code() == StatusCode::kIOError);
  CHECK((*r)->Size().status().code() == StatusCode::kIOError);
  CHECK(w->Close().code() == StatusCode::kIOError);
  CHECK(Contents(&env, base.Path("f")) == "abc");  // the stale append did not land
  auto w2 = Open(&env, base.Path("f"));
  REQUIRE(w2->Append("d").ok());
  REQUIRE(w2->Sync().ok());
  auto r2 = env.NewRandomAccessFile(base.Path("f"));
  REQUIRE(r2.ok());
  REQUIRE((*r2)->Read(0, 8, &got, scratch).ok());
  CHECK(got == "abcd");
  REQUIRE(w2->Close().ok());
}

TEST_CASE("fault_env: short write leaves a prefix and fails once") {
  Base base(false);
  FaultEnv env(base.env());
  auto w = Open(&env, base.Path("f"));
  env.SetShortWriteAfter(5);
  REQUIRE(w->Append("abc").ok());  // 2 bytes of budget left
  Status s = w->Append("defghij");
  CHECK(s.code() == StatusCode::kIOError);
  CHECK(s.message().find("short write") != std::string::npos);
  CHECK(Contents(&env, base.Path("f")) == "abcde");
  CHECK(w->Append("X").ok());  // one-shot
  CHECK(Contents(&env, base.Path("f")) == "abcdeX");
  env.SetShortWriteAfter(0);
  CHECK_FALSE(w->Append("Y").ok());
  env.SetShortWriteAfter(3);
  env.SetShortWriteAfter(-1);
  CHECK(w->Append("Z").ok());
  CHECK(Contents(&env, base.Path("f")) == "abcdeXZ");
}

TEST_CASE("fault_env: space limit fails with ResourceExhausted") {
  Base base(false);
  FaultEnv env(base.env());
  auto w = Open(&env, base.Path("f"));
  REQUIRE(w->Append("0123").ok());
  CHECK(env.BytesAppended() == 4);
  env.SetSpaceLimit(8);
  REQUIRE(w->Append("45").ok());
  REQUIRE(w->Sync().ok());
  Status s = w->Append("6789");
  CHECK(s.code() == StatusCode::kResourceExhausted);
  CHECK(s.message().find("no space") != std::string::npos);
  CHECK(Contents(&env, base.Path("f")) == "01234567");  // the part that fit
  CHECK(w->Append("x").code() == StatusCode::kResourceExhausted);
  CHECK(w->Sync().code() == StatusCode::kResourceExhausted);
  // Other files are out of space too.
  auto w2 = Open(&env, base.Path("g"));
  CHECK(w2->Append("y").code() == StatusCode::kResourceExhausted);
  env.ClearFaults();
  REQUIRE(w->Append("89").ok());
  REQUIRE(w->Sync().ok());
  CHECK(Contents(&env, base.Path("f")) == "0123456789");
  CHECK(env.BytesAppended() == 10);
  // A limit already below what was written fails at once.
  env.SetSpaceLimit(1);
  CHECK(w->Append("z").code() == StatusCode::kResourceExhausted);
  CHECK(w->Sync().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("fault_env: sync failure") {
  Base base(false);
  FaultEnv env(base.env());
  auto w = Open(&env, base.Path("f"));
  REQUIRE(w->Append("a").ok());
  REQUIRE(w->Sync().ok());
  env.SetSyncFailure(true);
  REQUIRE(w->Append("b").ok());  // appends still work
  Status s = w->Sync();
  CHECK(s.code() == StatusCode::kIOError);
  CHECK(env.SyncDir(base.dir()).code() == StatusCode::kIOError);
  env.SetSyncFailure(false);
  REQUIRE(env.DropUnsyncedData().ok());
  CHECK(Contents(&env, base.Path("f")) == "a");  // the failed sync made nothing durable
}

TEST_CASE("fault_env: FlipByte flips exactly one byte, durably") {
  for (bool posix : {false, true}) {
    CAPTURE(posix);
    Base base(posix);
    FaultEnv env(base.env());
    std::string original;
    for (int i = 0; i < 300; i++) original.push_back(static_cast<char>(i * 7));
    {
      auto w = Open(&env, base.Path("f"));
      REQUIRE(w->Append(original).ok());
      REQUIRE(w->Sync().ok());
    }
    REQUIRE(env.SyncDir(base.dir()).ok());
    auto r = env.NewRandomAccessFile(base.Path("f"));
    REQUIRE(r.ok());
    for (uint64_t off : {0ull, 1ull, 150ull, 299ull}) {
      REQUIRE(env.FlipByte(base.Path("f"), off).ok());
      std::string expect = original;
      expect[off] = static_cast<char>(expect[off] ^ 0xff);
      CHECK(Contents(&env, base.Path("f")) == expect);
      std::string scratch(300, '\0');
      std::string_view got;
      REQUIRE((*r)->Read(0, 300, &got, scratch.data()).ok());  // open handles see it
      CHECK(got == expect);
      REQUIRE(env.FlipByte(base.Path("f"), off).ok());  // flip back
      CHECK(Contents(&env, base.Path("f")) == original);
    }
    REQUIRE(env.FlipByte(base.Path("f"), 10, 0x01).ok());
    std::string expect = original;
    expect[10] = static_cast<char>(expect[10] ^ 0x01);
    CHECK(env.FlipByte(base.Path("f"), 300).code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(env.FlipByte(base.Path("missing"), 0).ok());
    // Corruption is on the medium: a crash does not undo it.
    REQUIRE(env.DropUnsyncedData().ok());
    CHECK(Contents(&env, base.Path("f")) == expect);
  }
}

TEST_CASE("fault_env: FlipByte works on files the env never opened") {
  Base base(false);
  auto w = Open(base.env(), base.Path("f"));
  REQUIRE(w->Append("abc").ok());
  w.reset();
  FaultEnv env(base.env());
  REQUIRE(env.FlipByte(base.Path("f"), 1, 0x20).ok());
  CHECK(Contents(base.env(), base.Path("f")) == "aBc");
}

}  // namespace
}  // namespace immu
