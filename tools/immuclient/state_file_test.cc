#include "tools/immuclient/state_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace immu::client {
namespace {

std::string TempDir() {
  std::string t = std::filesystem::temp_directory_path().string() + "/immuclient_test_XXXXXX";
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  return t;
}

TEST_CASE("trusted states survive a save and load, per server and database, in a 0600 file") {
  const std::string dir = TempDir();
  const std::string path = dir + "/sub/state";
  auto f = StateFile::Load(path);
  REQUIRE(f.ok());
  CHECK(f->Find("127.0.0.1:5432", "defaultdb") == nullptr);
  TrustedState a;
  a.state.db = "defaultdb";
  a.state.tx_id = 42;
  a.state.alh[0] = 0xab;
  a.state.signature = "dropped";
  a.public_key = "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n";
  f->Put("127.0.0.1:5432", a);
  TrustedState b;
  b.state.db = "my db%";
  b.state.tx_id = 7;
  f->Put("host with space:1", b);
  REQUIRE(f->Save().ok());
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir + "/sub").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  auto g = StateFile::Load(path);
  REQUIRE(g.ok());
  const TrustedState* ga = g->Find("127.0.0.1:5432", "defaultdb");
  REQUIRE(ga != nullptr);
  CHECK(ga->state.tx_id == 42);
  CHECK(ga->state.alh == a.state.alh);
  CHECK(ga->state.signature.empty());
  CHECK(ga->public_key == a.public_key);
  const TrustedState* gb = g->Find("host with space:1", "my db%");
  REQUIRE(gb != nullptr);
  CHECK(gb->state.tx_id == 7);
  CHECK(gb->public_key.empty());
  CHECK(g->Find("127.0.0.1:5432", "my db%") == nullptr);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a damaged state file is an error, never an empty trust") {
  const std::string dir = TempDir();
  const std::string path = dir + "/state";
  for (const char* bad : {"v1 a b 12\n", "v2 a b 1 00 -\n", "v1 a b x1 " /* bad tx */,
                          "v1 a b 1 zz -\n", "v1 a b 1 0000000000000000000000000000000000000000000000000000000000000000 - extra\n"}) {
    std::ofstream(path) << bad;
    CHECK_FALSE(StateFile::Load(path).ok());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace immu::client
