#pragma once
// Command-line flags of the immudb executable, each with an IMMUDB_*
// environment variable (immudb's names: --pgsql-server-port is
// IMMUDB_PGSQL_SERVER_PORT), and a config file (--config FILE or
// IMMUDB_CONFIG) of "flag = value" lines. A flag on the command line wins
// over the environment, which wins over the config file, which wins over the
// default.
//
// Thread-safety: plain functions and values.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace immu::server {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

struct ServerOptions {
  std::string dir = "./data";
  std::string address = "127.0.0.1";
  uint16_t port = 5432;  // --pgsql-server-port; 0 picks a free port
  std::string admin_password = "immudb";  // for a new data directory
  bool force_admin_password = false;       // reset immudb's stored password to it
  std::string certificate;  // PEM chain; TLS when both this and pkey are set
  std::string pkey;         // PEM private key
  std::string signing_key;  // PEM private key signing database states; empty: unsigned
  int max_connections = 1000;
  bool synced = true;
  LogLevel log_level = LogLevel::kInfo;
  bool detached = false;
  int io_threads = 2;      // socket I/O, TLS and authentication
  int worker_threads = 0;  // statements; 0 = max(4, 2 x cores)
  int auth_timeout_seconds = 60;  // PostgreSQL's authentication_timeout

  std::string config;  // --config FILE: "flag = value" lines, overridden by env and flags

  bool help = false;
  bool version = false;

  bool tls() const { return !certificate.empty() && !pkey.empty(); }
};

// Looks up an environment variable; nullopt when unset. Injected so tests
// need not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnvironment();

// Parses args (without the program name). Throws std::invalid_argument with
// a message fit for the user on an unknown flag or a bad value.
ServerOptions ParseServerOptions(const std::vector<std::string>& args, const EnvLookup& env);

std::string UsageText();
const char* LogLevelName(LogLevel level);

}  // namespace immu::server
