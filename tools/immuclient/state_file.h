#pragma once
// The client's trusted states: for each server (host:port) and database, the
// last state it verified (tx id and Alh) and the server's public key once
// pinned. Kept in one text file, created with mode 0600, replaced
// atomically (write, fsync, rename) on every change so that a crash never
// leaves a half-written file.
//
// File format, one line per server and database, fields separated by one
// space:
//   v1 <server> <db> <tx_id> <alh hex> <public key PEM as hex, or ->
// where <server> and <db> have no spaces (they are percent-encoded).
//
// Thread-safety: a StateFile is used by one thread.

#include <map>
#include <string>
#include <utility>

#include "verify/state.h"
#include "verify/status.h"

namespace immu::client {

struct TrustedState {
  State state;             // db, tx_id, alh (signature not kept)
  std::string public_key;  // pinned server key (PEM); empty: none pinned
};

class StateFile {
 public:
  // Reads path; a missing file is an empty set of states. Corruption for a
  // line that does not parse (the file is never silently reset).
  static Result<StateFile> Load(const std::string& path);

  // nullptr when nothing is trusted yet for this server and database.
  const TrustedState* Find(const std::string& server, const std::string& db) const;
  void Put(const std::string& server, const TrustedState& t);
  // Writes the file (and its directory, mode 0700, when missing).
  Status Save() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<std::pair<std::string, std::string>, TrustedState> states_;
};

// ~/.immuclient/state (HOME from the environment).
std::string DefaultStatePath();

}  // namespace immu::client
