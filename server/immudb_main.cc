// immudb: the PostgreSQL-wire-compatible server. Flags: server/options.h
// (or --help).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "server/log.h"
#include "server/options.h"
#include "server/server.h"
#include "server/user_registry.h"
#include "sql/engine.h"
#include "verify/state.h"

#ifndef IMMUDB_VERSION
#define IMMUDB_VERSION "0.0.0"
#endif

namespace immu::server {
namespace {

// Forks into the background before any thread exists: the parent reports
// the child's pid and exits; the child logs to <dir>/immudb.log.
bool Detach(const ServerOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec) {
    std::fprintf(stderr, "immudb: cannot create %s: %s\n", o.dir.c_str(), ec.message().c_str());
    return false;
  }
  const std::string log_path = o.dir + "/immudb.log";
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0) {
    std::perror(log_path.c_str());
    return false;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    return false;
  }
  if (pid > 0) {
    std::printf("immudb started in the background (pid %d, log %s)\n", static_cast<int>(pid),
                log_path.c_str());
    std::fflush(stdout);
    ::_exit(0);
  }
  ::setsid();
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    ::dup2(null_fd, STDIN_FILENO);
    ::close(null_fd);
  }
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  ::close(log_fd);
  return true;
}

int Run(int argc, char** argv) {
  ServerOptions o;
  try {
    o = ParseServerOptions(std::vector<std::string>(argv + 1, argv + argc), ProcessEnvironment());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "immudb: %s\n", e.what());
    return 2;
  }
  if (o.help) {
    std::fputs(UsageText().c_str(), stdout);
    return 0;
  }
  if (o.version) {
    std::printf("immudb %s (PostgreSQL 15 wire protocol)\n", IMMUDB_VERSION);
    return 0;
  }
  SetLogLevel(o.log_level);
  if (o.detached && !Detach(o)) return 1;
  // A client that disconnects mid-write must give EPIPE, not kill us.
  ::signal(SIGPIPE, SIG_IGN);

  // The users outlive the engine (its sessions read them for pg_roles).
  std::unique_ptr<UserRegistry> users;
  std::unique_ptr<sql::Engine> engine;
  try {
    std::error_code ec;
    std::filesystem::create_directories(o.dir, ec);
    users = UserRegistry::Open(o.dir, o.admin_password, o.force_admin_password);
    if (!users->IsBootstrapPassword(o.admin_password)) {
      Log(LogLevel::kWarning, std::string("the stored password of ") + UserRegistry::kBootstrapUser +
                                  " is not --admin-password, which only sets it in a new data directory "
                                  "(ALTER USER changes it; --force-admin-password resets it)");
    }
    sql::EngineOptions eo;
    eo.dir = o.dir;
    eo.synced = o.synced;
    if (!o.signing_key.empty()) {
      std::ifstream in(o.signing_key, std::ios::binary);
      std::stringstream pem;
      pem << in.rdbuf();
      if (!in || pem.str().empty()) {
        Log(LogLevel::kError, "cannot read the signing key " + o.signing_key);
        return 1;
      }
      if (auto signer = Signer::FromPrivateKeyPem(pem.str()); !signer.ok()) {
        Log(LogLevel::kError, "invalid signing key " + o.signing_key + ": " + signer.status().message());
        return 1;
      }
      eo.signing_key_pem = pem.str();
    }
    eo.users = users.get();
    engine = sql::OpenEngine(eo);
  } catch (const PgError& e) {
    Log(LogLevel::kError, "cannot open data directory " + o.dir + ": " + e.message());
    return 1;
  } catch (const std::runtime_error& e) {
    Log(LogLevel::kError, "cannot open data directory " + o.dir + ": " + e.what());
    return 1;
  }

  int rc = 0;
  {
    Server server(o, engine.get(), users.get());
    try {
      server.Start();
    } catch (const std::exception& e) {
      Log(LogLevel::kError, e.what());
      return 1;
    }
    server.HandleSignals();
    if (!o.tls()) {
      Log(LogLevel::kWarning,
          "TLS is off: query data (and the password, for md5 or cleartext users) crosses the "
          "network unencrypted; use --certificate and --pkey");
    }
    Log(LogLevel::kInfo, "immudb " IMMUDB_VERSION " listening on " + o.address + ":" +
                             std::to_string(server.port()) + " (data " + o.dir +
                             ", TLS " + (o.tls() ? "on" : "off") +
                             ", synced " + (o.synced ? "true" : "false") + ")");
    server.Wait();
  }
  // Every connection is gone: closing the engine syncs and releases the
  // stores.
  engine.reset();
  Log(LogLevel::kInfo, "shut down cleanly");
  return rc;
}

}  // namespace
}  // namespace immu::server

int main(int argc, char** argv) { return immu::server::Run(argc, argv); }
