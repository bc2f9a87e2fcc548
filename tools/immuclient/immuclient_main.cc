// immuclient: a verifying client for immudb-cpp (docs/VERIFICATION.md).
//
//   immuclient [-h HOST] [-p PORT] [-U USER] [-d DB] [--state-file PATH]
//              [--server-key PEMFILE] COMMAND [ARGS...]
//
// Connection options and their defaults are psql's (libpq reads PGHOST,
// PGPORT, PGUSER, PGDATABASE, PGPASSWORD ...); user and database default to
// immudb's (immudb, defaultdb). Exit status: see client.h (0 ok, 1 usage,
// 2 server error, 3 verification failed, 4 state file, 5 not found).

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/immuclient/client.h"

namespace {

using immu::client::Exit;

const char* const kUsage =
    "usage: immuclient [OPTIONS] COMMAND [ARGS...]\n"
    "\n"
    "options:\n"
    "  -h, --host HOST          server host (PGHOST; default localhost)\n"
    "  -p, --port PORT          server port (PGPORT; default 5432)\n"
    "  -U, --username USER      user (PGUSER; default immudb); password from PGPASSWORD\n"
    "  -d, --dbname DB          database (PGDATABASE; default defaultdb)\n"
    "  --state-file PATH        trusted states (default ~/.immuclient/state, created 0600)\n"
    "  --server-key FILE        the server's public key (PEM): states must be signed by it\n"
    "  --help                   this help\n"
    "\n"
    "commands (verified ones check proofs locally against the trusted state, then advance it):\n"
    "  state                        verify the server's current state against the trusted one\n"
    "  set KEY VALUE                write a key-value entry (not verified)\n"
    "  get KEY                      read a key-value entry (not verified)\n"
    "  safe-set KEY VALUE           write, then verify that the entry is in the state\n"
    "  safe-get KEY                 read with proof\n"
    "  history KEY                  every version of a key (not verified)\n"
    "  verify-row TABLE KEY...      prove a row's latest version (KEY: its primary key values)\n"
    "  verify-tx N                  prove every entry of transaction N\n"
    "  audit [--interval S] [--count N]  repeat `state` every S seconds (default 5), N times (0: forever)\n"
    "\n"
    "exit status: 0 ok, 1 usage, 2 server error, 3 verification failed, 4 state file error, 5 not found\n";

int Usage(const std::string& why) {
  std::fprintf(stderr, "immuclient: %s\n%s", why.c_str(), kUsage);
  return static_cast<int>(Exit::kUsage);
}

bool ParseU64(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  *out = std::stoull(s);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  immu::client::ConnectOptions co;
  std::string state_path = immu::client::DefaultStatePath();
  std::string server_key_file;
  std::vector<std::string> args;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    if (!args.empty()) {
      args.push_back(a);  // everything after the command belongs to it
    } else if (a == "--help") {
      std::printf("%s", kUsage);
      return 0;
    } else if (a == "-h" || a == "--host") {
      if (!value(&co.host)) return Usage(a + " needs a value");
    } else if (a == "-p" || a == "--port") {
      if (!value(&co.port)) return Usage(a + " needs a value");
    } else if (a == "-U" || a == "--username") {
      if (!value(&co.user)) return Usage(a + " needs a value");
    } else if (a == "-d" || a == "--dbname") {
      if (!value(&co.dbname)) return Usage(a + " needs a value");
    } else if (a == "--state-file") {
      if (!value(&state_path)) return Usage(a + " needs a value");
    } else if (a == "--server-key") {
      if (!value(&server_key_file)) return Usage(a + " needs a value");
    } else if (a.size() > 1 && a[0] == '-') {
      return Usage("unknown option " + a);
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) return Usage("no command");
  const std::string cmd = args[0];
  const size_t nargs = args.size() - 1;
  auto need = [&](size_t lo, size_t hi) { return nargs >= lo && nargs <= hi; };
  double interval = 5;
  uint64_t count = 0, tx = 0;
  if (cmd == "state") {
    if (!need(0, 0)) return Usage("state takes no arguments");
  } else if (cmd == "set" || cmd == "safe-set") {
    if (!need(2, 2)) return Usage(cmd + " needs KEY VALUE");
  } else if (cmd == "get" || cmd == "safe-get" || cmd == "history") {
    if (!need(1, 1)) return Usage(cmd + " needs KEY");
  } else if (cmd == "verify-row") {
    if (nargs < 2) return Usage("verify-row needs TABLE and the row's key values");
  } else if (cmd == "verify-tx") {
    if (!need(1, 1) || !ParseU64(args[1], &tx) || tx == 0) return Usage("verify-tx needs a transaction number");
  } else if (cmd == "audit") {
    for (size_t i = 1; i < args.size(); i++) {
      if (args[i] == "--interval" && i + 1 < args.size()) {
        char* end = nullptr;
        interval = std::strtod(args[++i].c_str(), &end);
        if (end == args[i].c_str() || *end != '\0' || !(interval >= 0)) return Usage("bad --interval");
      } else if (args[i] == "--count" && i + 1 < args.size()) {
        if (!ParseU64(args[++i], &count)) return Usage("bad --count");
      } else {
        return Usage("audit takes --interval S and --count N");
      }
    }
  } else {
    return Usage("unknown command " + cmd);
  }

  std::string server_key;
  if (!server_key_file.empty()) {
    std::ifstream in(server_key_file, std::ios::binary);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in || pem.str().empty()) {
      std::fprintf(stderr, "immuclient: cannot read the server key %s\n", server_key_file.c_str());
      return static_cast<int>(Exit::kUsage);
    }
    server_key = pem.str();
  }
  auto states = immu::client::StateFile::Load(state_path);
  if (!states.ok()) {
    std::fprintf(stderr, "immuclient: trusted state file: %s\n", states.status().message().c_str());
    return static_cast<int>(Exit::kLocalState);
  }
  auto conn = immu::client::Connection::Open(co);
  if (!conn.ok()) {
    std::fprintf(stderr, "immuclient: cannot connect: %s\n", conn.status().message().c_str());
    return static_cast<int>(Exit::kServer);
  }
  immu::client::Client client(conn->get(), &*states, server_key);
  Exit e = Exit::kOk;
  if (cmd == "state") e = client.State();
  else if (cmd == "set") e = client.Set(args[1], args[2]);
  else if (cmd == "get") e = client.Get(args[1]);
  else if (cmd == "safe-set") e = client.SafeSet(args[1], args[2]);
  else if (cmd == "safe-get") e = client.SafeGet(args[1]);
  else if (cmd == "history") e = client.History(args[1]);
  else if (cmd == "verify-row") e = client.VerifyRow(args[1], std::vector<std::string>(args.begin() + 2, args.end()));
  else if (cmd == "verify-tx") e = client.VerifyTx(tx);
  else if (cmd == "audit") e = client.Audit(interval, count);
  return static_cast<int>(e);
}
