#include "server/options.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

namespace immu::server {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("options: defaults") {
  ServerOptions o = ParseServerOptions({}, Env({}));
  CHECK(o.dir == "./data");
  CHECK(o.address == "127.0.0.1");
  CHECK(o.port == 5432);
  CHECK(o.admin_password == "immudb");
  CHECK(o.signing_key.empty());
  CHECK(o.synced);
  CHECK(!o.detached);
  CHECK(!o.tls());
  CHECK(o.log_level == LogLevel::kInfo);
}

TEST_CASE("options: flags, both spellings, and bools") {
  ServerOptions o = ParseServerOptions(
      {"--dir", "/tmp/x", "--address=0.0.0.0", "--pgsql-server-port", "6543", "--synced=false",
       "-d", "--log-level", "debug", "--certificate", "c.pem", "--pkey=k.pem",
       "--max-connections", "7", "--admin-password", "pw"},
      Env({}));
  CHECK(o.dir == "/tmp/x");
  CHECK(o.address == "0.0.0.0");
  CHECK(o.port == 6543);
  CHECK(!o.synced);
  CHECK(o.detached);
  CHECK(o.log_level == LogLevel::kDebug);
  CHECK(o.tls());
  CHECK(o.max_connections == 7);
  CHECK(o.admin_password == "pw");
  CHECK(ParseServerOptions({"--help"}, Env({})).help);
  CHECK(ParseServerOptions({"-h"}, Env({})).help);
  CHECK(ParseServerOptions({"--version"}, Env({})).version);
  CHECK(ParseServerOptions({"--synced"}, Env({{"IMMUDB_SYNCED", "false"}})).synced);
  CHECK(ParseServerOptions({"--signing-key", "s.pem"}, Env({})).signing_key == "s.pem");
  CHECK(ParseServerOptions({}, Env({{"IMMUDB_SIGNING_KEY", "e.pem"}})).signing_key == "e.pem");
}

TEST_CASE("options: environment, overridden by flags") {
  auto env = Env({{"IMMUDB_DIR", "/env/dir"},
                  {"IMMUDB_PGSQL_SERVER_PORT", "7000"},
                  {"IMMUDB_ADMIN_PASSWORD", "envpw"},
                  {"IMMUDB_SYNCED", "off"},
                  {"IMMUDB_DETACHED", "true"},
                  {"IMMUDB_MAX_CONNECTIONS", "12"}});
  ServerOptions o = ParseServerOptions({}, env);
  CHECK(o.dir == "/env/dir");
  CHECK(o.port == 7000);
  CHECK(o.admin_password == "envpw");
  CHECK(!o.synced);
  CHECK(o.detached);
  CHECK(o.max_connections == 12);
  o = ParseServerOptions({"--pgsql-server-port", "7001", "--dir", "flag"}, env);
  CHECK(o.port == 7001);
  CHECK(o.dir == "flag");
}

TEST_CASE("options: errors") {
  CHECK_THROWS_AS(ParseServerOptions({"--nope"}, Env({})), std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--pgsql-server-port", "70000"}, Env({})),
                  std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--pgsql-server-port", "12x"}, Env({})),
                  std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--dir"}, Env({})), std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--synced=maybe"}, Env({})), std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--log-level", "loud"}, Env({})), std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"stray"}, Env({})), std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--certificate", "c.pem"}, Env({})),
                  std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({}, Env({{"IMMUDB_PGSQL_SERVER_PORT", "x"}})),
                  std::invalid_argument);
  CHECK(UsageText().find("IMMUDB_PGSQL_SERVER_PORT") != std::string::npos);
}

struct ConfigFile {
  std::string path;
  explicit ConfigFile(const std::string& text) {
    char tmpl[] = "/tmp/immu_config_XXXXXX";
    const int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << text;
  }
  ~ConfigFile() { std::remove(path.c_str()); }
};

TEST_CASE("options: a config file, overridden by the environment and the command line") {
  ConfigFile f(
      "# immudb.conf\n"
      "dir = /srv/immudb\n"
      "pgsql-server-port = 6000\n"
      "  max_connections=50  \n"
      "\n"
      "admin-password = \"with spaces\"\n"
      "--synced = false\n");
  ServerOptions o = ParseServerOptions({"--config", f.path}, Env({}));
  CHECK(o.dir == "/srv/immudb");
  CHECK(o.port == 6000);
  CHECK(o.max_connections == 50);
  CHECK(o.admin_password == "with spaces");
  CHECK(!o.synced);
  o = ParseServerOptions({"--config=" + f.path, "--pgsql-server-port", "7000"},
                         Env({{"IMMUDB_MAX_CONNECTIONS", "60"}}));
  CHECK(o.port == 7000);
  CHECK(o.max_connections == 60);
  CHECK(o.dir == "/srv/immudb");
  o = ParseServerOptions({}, Env({{"IMMUDB_CONFIG", f.path}}));
  CHECK(o.port == 6000);
}

TEST_CASE("options: config file errors name the file and line") {
  ConfigFile bad_key("dir = x\nno-such-flag = 1\n");
  CHECK_THROWS_WITH_AS(ParseServerOptions({"--config", bad_key.path}, Env({})),
                       (bad_key.path + ":2: unknown setting \"no-such-flag\"").c_str(),
                       std::invalid_argument);
  ConfigFile bad_value("pgsql-server-port = many\n");
  CHECK_THROWS_AS(ParseServerOptions({"--config", bad_value.path}, Env({})), std::invalid_argument);
  ConfigFile no_eq("dir /x\n");
  CHECK_THROWS_AS(ParseServerOptions({"--config", no_eq.path}, Env({})), std::invalid_argument);
  CHECK_THROWS_AS(ParseServerOptions({"--config", "/nonexistent/immudb.conf"}, Env({})),
                  std::invalid_argument);
}

}  // namespace
}  // namespace immu::server
