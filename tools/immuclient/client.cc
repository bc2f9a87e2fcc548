// immuclient's commands (client.h).

#include "tools/immuclient/client.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace immu::client {
namespace {

std::string Hex(std::string_view bytes) { return ToHex(AsBytes(bytes)); }

void Err(const std::string& msg) { std::fprintf(stderr, "immuclient: %s\n", msg.c_str()); }

std::string StateLine(const immu::State& s) {
  return "db " + s.db + ", tx " + std::to_string(s.tx_id) + ", hash " + ToHex(s.alh);
}

constexpr char kKvPrefix = '\x04';  // the server's key-value space (docs/VERIFICATION.md)

}  // namespace

immu::State Client::Trusted() const {
  const TrustedState* t = states_->Find(conn_->server(), conn_->db());
  if (t != nullptr) return t->state;
  immu::State s;
  s.db = conn_->db();
  return s;
}

Exit Client::ServerError(const std::string& what, const Status& s) {
  Err(what + ": server error: " + s.message());
  return Exit::kServer;
}

Exit Client::CheckNotBehind() {
  const immu::State trusted = Trusted();
  if (trusted.tx_id == 0) return Exit::kOk;
  auto rows = conn_->Query("SELECT tx_id FROM immudb_state()");
  if (!rows.ok()) return ServerError("state", rows.status());
  if (rows->size() != 1 || !(*rows)[0][0]) {
    Err("state: the server returned no state");
    return Exit::kServer;
  }
  const std::string& text = *(*rows)[0][0];
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) {
    Err("state: the server returned a malformed tx id \"" + text + "\"");
    return Exit::kServer;
  }
  const uint64_t server_tx = std::stoull(text);
  if (server_tx < trusted.tx_id) {
    Err("verification failed: the server's state (tx " + std::to_string(server_tx) +
        ") is older than the trusted state (" + StateLine(trusted) + "): history was cut or replaced");
    return Exit::kVerification;
  }
  return Exit::kOk;
}

Exit Client::FetchProof(const std::string& what, const std::string& sql, std::vector<std::string> params,
                        ProofDocument* doc) {
  if (Exit e = CheckNotBehind(); e != Exit::kOk) return e;
  params.push_back(std::to_string(Trusted().tx_id));
  auto rows = conn_->Query(sql, params);
  if (!rows.ok() && rows.status().message().starts_with("XX001")) {
    // Data corrupted: the server's stored bytes fail its own proof checks,
    // so it has no proof to give. Unproven is unverified.
    Err(what + ": verification failed: the server cannot prove it (" + rows.status().message() + ")");
    return Exit::kVerification;
  }
  if (!rows.ok()) return ServerError(what, rows.status());
  if (rows->empty() || !(*rows)[0][0]) {
    Err(what + ": not found");
    return Exit::kNotFound;
  }
  auto parsed = ProofFromJson(*(*rows)[0][0]);
  if (!parsed.ok()) {
    Err(what + ": verification failed: the proof document is malformed: " + parsed.status().message());
    return Exit::kVerification;
  }
  *doc = std::move(parsed).value();
  return Exit::kOk;
}

Exit Client::VerifyAndAdvance(const std::string& what, const ProofDocument& doc) {
  const TrustedState* t = states_->Find(conn_->server(), conn_->db());
  const immu::State trusted = Trusted();
  std::string key = pinned_key_;
  if (key.empty() && t != nullptr) key = t->public_key;
  bool pinning = false;
  if (key.empty() && !doc.state.signature.empty()) {
    // Trust on first use of the key, like the state itself.
    key = doc.state.public_key;
    pinning = true;
  }
  immu::State next;
  Status s = VerifyProofDocument(doc, trusted, key, &next);
  if (!s.ok()) {
    const bool diverged = s.message().starts_with("dual proof");
    Err(what + ": verification failed: " + s.message() +
        (trusted.tx_id > 0 ? " (trusted state: " + StateLine(trusted) + ")" : "") +
        (diverged ? ": the server's history does not extend the trusted state (rewritten, or another database)"
                  : ""));
    return Exit::kVerification;
  }
  TrustedState updated;
  updated.state = next;
  updated.public_key = key;
  states_->Put(conn_->server(), updated);
  if (Status saved = states_->Save(); !saved.ok()) {
    Err("cannot save the trusted state: " + saved.message());
    return Exit::kLocalState;
  }
  if (pinning) std::printf("pinned the server's public key (first use)\n");
  return Exit::kOk;
}

Exit Client::State() {
  ProofDocument doc;
  if (Exit e = FetchProof("state", "SELECT immudb_proof_state($1::bigint)", {}, &doc); e != Exit::kOk) return e;
  const immu::State before = Trusted();
  if (Exit e = VerifyAndAdvance("state", doc); e != Exit::kOk) return e;
  std::printf("%s state: %s%s\n", before.tx_id == 0 ? "trusted (first use)" : "verified", StateLine(doc.state).c_str(),
              doc.state.signature.empty() ? " (unsigned)" : " (signed)");
  if (before.tx_id > 0) {
    std::printf("consistent with the trusted state at tx %llu\n", static_cast<unsigned long long>(before.tx_id));
  }
  return Exit::kOk;
}

Exit Client::Set(const std::string& key, const std::string& value) {
  auto rows = conn_->Query("SELECT revision FROM immudb_set($1, $2)", {key, value});
  if (!rows.ok()) return ServerError("set", rows.status());
  std::printf("set %s (revision %s, not verified: safe-set verifies)\n", key.c_str(),
              rows->empty() || !(*rows)[0][0] ? "?" : (*rows)[0][0]->c_str());
  return Exit::kOk;
}

Exit Client::Get(const std::string& key) {
  auto rows = conn_->Query("SELECT value, tx_id, revision FROM immudb_get($1)", {key});
  if (!rows.ok()) return ServerError("get", rows.status());
  if (rows->empty()) {
    Err("get " + key + ": not found");
    return Exit::kNotFound;
  }
  const Cells& r = (*rows)[0];
  std::printf("%s\n(tx %s, revision %s, not verified: safe-get verifies)\n", r[0].value_or("").c_str(),
              r[1].value_or("?").c_str(), r[2].value_or("?").c_str());
  return Exit::kOk;
}

Exit Client::SafeGet(const std::string& key) {
  ProofDocument doc;
  const std::string what = "safe-get " + key;
  if (Exit e = FetchProof(what, "SELECT immudb_proof_key($1, $2::bigint)", {key}, &doc); e != Exit::kOk) return e;
  // The proof must be about this key, in the key-value space.
  if (doc.kind != "kv" || doc.entry.key != std::string(1, kKvPrefix) + key) {
    Err(what + ": verification failed: the server proved another key (" + Hex(doc.entry.key) + ")");
    return Exit::kVerification;
  }
  if (Exit e = VerifyAndAdvance(what, doc); e != Exit::kOk) return e;
  std::printf("%s\n(verified: tx %llu, revision %llu, state tx %llu)\n", doc.entry.value.c_str(),
              static_cast<unsigned long long>(doc.tx.id), static_cast<unsigned long long>(doc.revision),
              static_cast<unsigned long long>(doc.state.tx_id));
  return Exit::kOk;
}

Exit Client::SafeSet(const std::string& key, const std::string& value) {
  auto rows = conn_->Query("SELECT revision FROM immudb_set($1, $2)", {key, value});
  if (!rows.ok()) return ServerError("safe-set " + key, rows.status());
  ProofDocument doc;
  const std::string what = "safe-set " + key;
  if (Exit e = FetchProof(what, "SELECT immudb_proof_key($1, $2::bigint)", {key}, &doc); e != Exit::kOk) return e;
  if (doc.kind != "kv" || doc.entry.key != std::string(1, kKvPrefix) + key) {
    Err(what + ": verification failed: the server proved another key (" + Hex(doc.entry.key) + ")");
    return Exit::kVerification;
  }
  if (Exit e = VerifyAndAdvance(what, doc); e != Exit::kOk) return e;
  if (doc.entry.value != value) {
    Err(what + ": verification failed: the latest proven value of the key is not the one written (a concurrent "
               "write, or the server dropped ours)");
    return Exit::kVerification;
  }
  std::printf("set %s (verified: tx %llu, revision %llu)\n", key.c_str(), static_cast<unsigned long long>(doc.tx.id),
              static_cast<unsigned long long>(doc.revision));
  return Exit::kOk;
}

Exit Client::History(const std::string& key) {
  auto rows = conn_->Query("SELECT tx_id, revision, ts, deleted, value FROM immudb_history($1)", {key});
  if (!rows.ok()) return ServerError("history " + key, rows.status());
  if (rows->empty()) {
    Err("history " + key + ": not found");
    return Exit::kNotFound;
  }
  for (const auto& r : *rows) {
    std::printf("tx %s\trevision %s\t%s\t%s\n", r[0].value_or("?").c_str(), r[1].value_or("?").c_str(),
                r[2].value_or("").c_str(), r[3] == std::optional<std::string>("t") ? "(deleted)" : r[4].value_or("").c_str());
  }
  std::printf("(history listing, not verified: safe-get verifies the latest version)\n");
  return Exit::kOk;
}

Exit Client::VerifyRow(const std::string& table, const std::vector<std::string>& key_values) {
  std::string sql = "SELECT immudb_proof_row($1";
  std::vector<std::string> params = {table};
  for (const auto& v : key_values) {
    params.push_back(v);
    sql += ", $" + std::to_string(params.size());
  }
  sql += ", $" + std::to_string(params.size() + 1) + "::bigint)";
  std::string what = "verify-row " + table;
  for (const auto& v : key_values) what += " " + v;
  ProofDocument doc;
  if (Exit e = FetchProof(what, sql, params, &doc); e != Exit::kOk) return e;
  // Rows live under 0x02 (docs/FORMAT.md); the rest of the key is the table
  // id and the encoded key values, which the client cannot rebuild without
  // the schema, so it shows the key it verified.
  if (doc.kind != "row" || doc.entry.key.empty() || doc.entry.key[0] != '\x02') {
    Err(what + ": verification failed: the proof is not about a row (key " + Hex(doc.entry.key) + ")");
    return Exit::kVerification;
  }
  if (Exit e = VerifyAndAdvance(what, doc); e != Exit::kOk) return e;
  std::printf("row verified: table %s, key %s, tx %llu, revision %llu, state tx %llu\n%s\n", doc.table.c_str(),
              Hex(doc.entry.key).c_str(), static_cast<unsigned long long>(doc.tx.id),
              static_cast<unsigned long long>(doc.revision), static_cast<unsigned long long>(doc.state.tx_id),
              doc.row_json.c_str());
  return Exit::kOk;
}

Exit Client::VerifyTx(uint64_t tx) {
  ProofDocument doc;
  const std::string what = "verify-tx " + std::to_string(tx);
  if (Exit e = FetchProof(what, "SELECT immudb_proof_tx($1::bigint, $2::bigint)", {std::to_string(tx)}, &doc);
      e != Exit::kOk) {
    return e;
  }
  if (doc.kind != "tx" || doc.tx.id != tx) {
    Err(what + ": verification failed: the server proved another transaction (" + std::to_string(doc.tx.id) + ")");
    return Exit::kVerification;
  }
  if (Exit e = VerifyAndAdvance(what, doc); e != Exit::kOk) return e;
  std::printf("tx %llu verified: %u entries, hash %s, state tx %llu\n", static_cast<unsigned long long>(tx),
              doc.tx.nentries, ToHex(doc.tx.Alh()).c_str(), static_cast<unsigned long long>(doc.state.tx_id));
  return Exit::kOk;
}

Exit Client::Audit(double interval_seconds, uint64_t count) {
  for (uint64_t i = 0; count == 0 || i < count; i++) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::duration<double>(interval_seconds));
    if (Exit e = State(); e != Exit::kOk) return e;
    std::fflush(stdout);
  }
  return Exit::kOk;
}

}  // namespace immu::client
