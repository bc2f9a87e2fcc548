#include "server/options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace immu::server {

namespace {

enum class Kind { kString, kPort, kInt, kBool, kLogLevel, kFlag };

struct Flag {
  const char* name;   // without "--"
  const char* env;    // IMMUDB_* or null
  Kind kind;
  const char* help;
};

constexpr Flag kFlags[] = {
    {"dir", "IMMUDB_DIR", Kind::kString, "data directory (default ./data)"},
    {"address", "IMMUDB_ADDRESS", Kind::kString, "address to listen on (default 127.0.0.1)"},
    {"pgsql-server-port", "IMMUDB_PGSQL_SERVER_PORT", Kind::kPort,
     "PostgreSQL wire protocol port (default 5432)"},
    {"admin-password", "IMMUDB_ADMIN_PASSWORD", Kind::kString,
     "password of the superuser immudb in a new data directory (default immudb)"},
    {"force-admin-password", "IMMUDB_FORCE_ADMIN_PASSWORD", Kind::kBool,
     "reset the stored password of immudb to --admin-password"},
    {"certificate", "IMMUDB_CERTIFICATE", Kind::kString, "TLS certificate chain (PEM)"},
    {"pkey", "IMMUDB_PKEY", Kind::kString, "TLS private key (PEM)"},
    {"signing-key", "IMMUDB_SIGNING_KEY", Kind::kString,
     "private key (PEM, ECDSA P-256 or Ed25519) signing the state clients verify (default: unsigned)"},
    {"max-connections", "IMMUDB_MAX_CONNECTIONS", Kind::kInt,
     "maximum concurrent client connections (default 1000)"},
    {"synced", "IMMUDB_SYNCED", Kind::kBool,
     "fsync every commit before acknowledging it (default true)"},
    {"log-level", "IMMUDB_LOG_LEVEL", Kind::kLogLevel, "debug, info, warning or error (default info)"},
    {"detached", "IMMUDB_DETACHED", Kind::kBool, "run in the background (also -d)"},
    {"io-threads", "IMMUDB_IO_THREADS", Kind::kInt, "socket I/O threads (default 2)"},
    {"worker-threads", "IMMUDB_WORKER_THREADS", Kind::kInt,
     "statement threads (default max(4, 2 x cores))"},
    {"auth-timeout", "IMMUDB_AUTH_TIMEOUT", Kind::kInt,
     "seconds a client has to authenticate (default 60)"},
    {"config", "IMMUDB_CONFIG", Kind::kString,
     "file of \"flag = value\" lines (flag names as here); the environment and the command "
     "line override it"},
    {"help", nullptr, Kind::kFlag, "print this help and exit (also -h)"},
    {"version", nullptr, Kind::kFlag, "print the version and exit"},
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool ParseBool(const std::string& name, const std::string& v) {
  const std::string l = Lower(v);
  if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "0" || l == "no" || l == "off") return false;
  throw std::invalid_argument("invalid value \"" + v + "\" for --" + name + " (true or false)");
}

int64_t ParseInt(const std::string& name, const std::string& v, int64_t lo, int64_t hi) {
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || n < lo || n > hi) {
    throw std::invalid_argument("invalid value \"" + v + "\" for --" + name + " (an integer from " +
                                std::to_string(lo) + " to " + std::to_string(hi) + ")");
  }
  return n;
}

LogLevel ParseLogLevel(const std::string& v) {
  const std::string l = Lower(v);
  if (l == "debug") return LogLevel::kDebug;
  if (l == "info") return LogLevel::kInfo;
  if (l == "warning" || l == "warn") return LogLevel::kWarning;
  if (l == "error") return LogLevel::kError;
  throw std::invalid_argument("invalid value \"" + v +
                              "\" for --log-level (debug, info, warning or error)");
}

void Apply(const Flag& f, const std::string& v, ServerOptions* o) {
  const std::string name = f.name;
  if (name == "dir") {
    o->dir = v;
  } else if (name == "address") {
    o->address = v;
  } else if (name == "pgsql-server-port") {
    o->port = static_cast<uint16_t>(ParseInt(name, v, 0, 65535));
  } else if (name == "admin-password") {
    o->admin_password = v;
  } else if (name == "force-admin-password") {
    o->force_admin_password = ParseBool(name, v);
  } else if (name == "certificate") {
    o->certificate = v;
  } else if (name == "pkey") {
    o->pkey = v;
  } else if (name == "signing-key") {
    o->signing_key = v;
  } else if (name == "max-connections") {
    o->max_connections = static_cast<int>(ParseInt(name, v, 1, 1000000));
  } else if (name == "synced") {
    o->synced = ParseBool(name, v);
  } else if (name == "log-level") {
    o->log_level = ParseLogLevel(v);
  } else if (name == "detached") {
    o->detached = ParseBool(name, v);
  } else if (name == "io-threads") {
    o->io_threads = static_cast<int>(ParseInt(name, v, 1, 256));
  } else if (name == "worker-threads") {
    o->worker_threads = static_cast<int>(ParseInt(name, v, 0, 1024));
  } else if (name == "auth-timeout") {
    o->auth_timeout_seconds = static_cast<int>(ParseInt(name, v, 1, 3600));
  } else if (name == "config") {
    o->config = v;
  } else if (name == "help") {
    o->help = ParseBool(name, v);
  } else if (name == "version") {
    o->version = ParseBool(name, v);
  }
}

const Flag* FindFlag(const std::string& name) {
  for (const Flag& f : kFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// "name = value" lines; '#' starts a comment line; a value may be quoted.
void ApplyConfigFile(const std::string& path, ServerOptions* o) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read the config file " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    n++;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(n) + ": ";
    const size_t eq = line.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(where + "expected \"flag = value\"");
    std::string name = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (name.rfind("--", 0) == 0) name = name.substr(2);
    std::replace(name.begin(), name.end(), '_', '-');
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    const Flag* f = FindFlag(name);
    if (f == nullptr || f->kind == Kind::kFlag || name == "config") {
      throw std::invalid_argument(where + "unknown setting \"" + name + "\"");
    }
    try {
      Apply(*f, value, o);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + e.what());
    }
  }
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

ServerOptions ParseServerOptions(const std::vector<std::string>& args, const EnvLookup& env) {
  ServerOptions o;
  // The config file first (the last --config, else IMMUDB_CONFIG), so that
  // the environment and then the command line override it.
  std::optional<std::string> config = env("IMMUDB_CONFIG");
  for (size_t i = 0; i < args.size(); i++) {
    if (args[i] == "--config" && i + 1 < args.size()) config = args[i + 1];
    if (args[i].rfind("--config=", 0) == 0) config = args[i].substr(9);
  }
  if (config && !config->empty()) ApplyConfigFile(*config, &o);
  for (const Flag& f : kFlags) {
    if (f.env == nullptr) continue;
    if (std::optional<std::string> v = env(f.env)) {
      try {
        Apply(f, *v, &o);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(e.what()) + " (from " + f.env + ")");
      }
    }
  }
  for (size_t i = 0; i < args.size(); i++) {
    std::string arg = args[i];
    if (arg == "-d") arg = "--detached";
    if (arg == "-h") arg = "--help";
    if (arg.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument \"" + arg + "\"");
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const Flag* f = FindFlag(name);
    if (f == nullptr) throw std::invalid_argument("unknown flag --" + name + " (see --help)");
    if (!value) {
      if (f->kind == Kind::kBool || f->kind == Kind::kFlag) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw std::invalid_argument("flag --" + name + " needs a value");
      }
    }
    Apply(*f, *value, &o);
  }
  if (o.certificate.empty() != o.pkey.empty()) {
    throw std::invalid_argument("--certificate and --pkey must be given together");
  }
  return o;
}

std::string UsageText() {
  std::string out =
      "immudb: a PostgreSQL-compatible SQL server over an immutable, verifiable store\n\n"
      "Usage: immudb [flags]\n\nFlags (environment variable in brackets):\n";
  for (const Flag& f : kFlags) {
    std::string line = "  --" + std::string(f.name);
    if (f.kind != Kind::kFlag && f.kind != Kind::kBool) line += " VALUE";
    if (line.size() < 30) line.resize(30, ' ');
    line += f.help;
    if (f.env != nullptr) line += std::string(" [") + f.env + "]";
    out += line + "\n";
  }
  return out;
}

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
  }
  return "INFO";
}

}  // namespace immu::server
