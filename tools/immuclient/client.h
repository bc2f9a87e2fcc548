#pragma once
// immuclient's commands. Every "safe" command and every verify-* / state /
// audit command fetches a proof document (docs/VERIFICATION.md) and checks
// it here with verify/ against the trusted state kept in the StateFile; the
// server's own verdicts (immudb_verify_*) are never consulted. A verified
// answer advances the trusted state; a failed one leaves it untouched.
//
// Thread-safety: one thread.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/immuclient/connection.h"
#include "tools/immuclient/state_file.h"
#include "verify/proof_json.h"

namespace immu::client {

// Process exit codes.
enum class Exit : int {
  kOk = 0,
  kUsage = 1,         // bad command line
  kServer = 2,        // cannot connect, or the server reported an error
  kVerification = 3,  // a proof does not verify: the server cannot be trusted
  kLocalState = 4,    // the trusted state file cannot be read or written
  kNotFound = 5,      // no such key, row or transaction
};

class Client {
 public:
  // pinned_key: the server's public key (PEM) from --server-key; empty: the
  // one pinned in the state file, or the first one seen (trust on first use).
  Client(Connection* conn, StateFile* states, std::string pinned_key)
      : conn_(conn), states_(states), pinned_key_(std::move(pinned_key)) {}

  Exit State();
  Exit Set(const std::string& key, const std::string& value);
  Exit Get(const std::string& key);
  Exit SafeGet(const std::string& key);
  Exit SafeSet(const std::string& key, const std::string& value);
  Exit History(const std::string& key);
  Exit VerifyRow(const std::string& table, const std::vector<std::string>& key_values);
  Exit VerifyTx(uint64_t tx);
  // count 0: until interrupted.
  Exit Audit(double interval_seconds, uint64_t count);

 private:
  // The trusted state for this server and database (tx 0: none yet).
  immu::State Trusted() const;
  // Checks that the server's state is not older than the trusted one.
  Exit CheckNotBehind();
  // Runs sql (whose last parameter is the trusted tx id) returning one proof
  // document, or kNotFound when it returns NULL / no row.
  Exit FetchProof(const std::string& what, const std::string& sql, std::vector<std::string> params,
                  ProofDocument* doc);
  // Verifies doc against the trusted state and, when it verifies, makes its
  // state the trusted one (and pins the server key on first sight).
  Exit VerifyAndAdvance(const std::string& what, const ProofDocument& doc);
  Exit ServerError(const std::string& what, const Status& s);

  Connection* conn_;
  StateFile* states_;
  std::string pinned_key_;
};

}  // namespace immu::client
