#pragma once
// Opening the SQL engine over a data directory. The server calls this once.

#include <memory>
#include <string>

#include "sql/session.h"

namespace immu::sql {

struct EngineOptions {
  std::string dir = "./data";           // data directory (one store per database below it)
  bool synced = true;                   // fsync every commit (group commit)
  std::string default_database = "defaultdb";
  std::string server_version = "15.0";  // reported as server_version
  // PEM private key (ECDSA P-256 or Ed25519) every database signs its state
  // with (immudb_state, proof documents); empty: states are unsigned.
  std::string signing_key_pem;
  // The server's roles (sql/user_directory.h); must outlive the engine.
  UserDirectory* users = nullptr;
};

// Opens (creating when missing) the engine; throws PgError on failure.
std::unique_ptr<Engine> OpenEngine(const EngineOptions& options);

}  // namespace immu::sql
