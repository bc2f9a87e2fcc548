// Proof documents as JSON (docs/VERIFICATION.md) and their verification.

#include "verify/proof_json.h"

#include "verify/json.h"
#include "verify/merkle.h"

namespace immu {
namespace {

using json::AppendString;

std::string Hex(std::string_view bytes) { return ToHex(AsBytes(bytes)); }

void Key(std::string* out, const char* name) {
  AppendString(out, name);
  out->push_back(':');
}

void HexMember(std::string* out, const char* name, std::string_view bytes, bool comma = true) {
  Key(out, name);
  AppendString(out, Hex(bytes));
  if (comma) out->push_back(',');
}

void HashMember(std::string* out, const char* name, const Hash& h, bool comma = true) {
  Key(out, name);
  AppendString(out, ToHex(h));
  if (comma) out->push_back(',');
}

void NumMember(std::string* out, const char* name, int64_t v, bool comma = true) {
  Key(out, name);
  out->append(std::to_string(v));
  if (comma) out->push_back(',');
}

void UNumMember(std::string* out, const char* name, uint64_t v, bool comma = true) {
  Key(out, name);
  out->append(std::to_string(v));
  if (comma) out->push_back(',');
}

void Hashes(std::string* out, const char* name, const std::vector<Hash>& hs, bool comma = true) {
  Key(out, name);
  out->push_back('[');
  for (size_t i = 0; i < hs.size(); i++) {
    if (i > 0) out->push_back(',');
    AppendString(out, ToHex(hs[i]));
  }
  out->push_back(']');
  if (comma) out->push_back(',');
}

void Header(std::string* out, const char* name, const TxHeader& h, bool comma = true) {
  Key(out, name);
  out->push_back('{');
  UNumMember(out, "id", h.id);
  NumMember(out, "ts", h.ts);
  UNumMember(out, "version", h.version);
  UNumMember(out, "nentries", h.nentries);
  HashMember(out, "eh", h.eh);
  UNumMember(out, "bl_tx_id", h.bl_tx_id);
  HashMember(out, "bl_root", h.bl_root);
  HashMember(out, "prev_alh", h.prev_alh);
  HexMember(out, "metadata", h.metadata);
  HashMember(out, "alh", h.Alh(), false);  // informational: verifiers recompute it
  out->push_back('}');
  if (comma) out->push_back(',');
}

void EntryObject(std::string* out, const ProofEntry& e) {
  out->push_back('{');
  HexMember(out, "key", e.key);
  HexMember(out, "metadata", e.metadata);
  HexMember(out, "value", e.value, false);
  out->push_back('}');
}

// ---- parsing ----

Status Field(const std::string& where, const Status& s) {
  if (s.ok()) return s;
  return Status(s.code(), where + "." + s.message());
}

Status GetHexBytes(const json::Value& obj, std::string_view name, std::string* out) {
  std::string hex;
  IMMU_RETURN_IF_ERROR(json::GetString(obj, name, &hex));
  if (hex.size() % 2 != 0) return Status::Corruption(std::string(name) + ": odd hex length");
  out->clear();
  out->reserve(hex.size() / 2);
  auto nibble = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::Corruption(std::string(name) + ": not hex");
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return Status::Ok();
}

Status GetHash(const json::Value& obj, std::string_view name, Hash* out) {
  std::string hex;
  IMMU_RETURN_IF_ERROR(json::GetString(obj, name, &hex));
  if (!FromHex(hex, out)) return Status::Corruption(std::string(name) + ": not a 32-byte hex hash");
  return Status::Ok();
}

Status GetHashes(const json::Value& obj, std::string_view name, std::vector<Hash>* out) {
  const json::Value* a = obj.Find(name);
  if (a == nullptr || a->type() != json::Value::Type::kArray) {
    return Status::Corruption(std::string(name) + ": missing or not an array");
  }
  out->clear();
  for (const auto& item : a->items()) {
    Hash h;
    if (item.type() != json::Value::Type::kString || !FromHex(item.text(), &h)) {
      return Status::Corruption(std::string(name) + ": element is not a 32-byte hex hash");
    }
    out->push_back(h);
  }
  return Status::Ok();
}

Status GetObject(const json::Value& obj, std::string_view name, const json::Value** out) {
  *out = obj.Find(name);
  if (*out == nullptr || (*out)->type() != json::Value::Type::kObject) {
    return Status::Corruption(std::string(name) + ": missing or not an object");
  }
  return Status::Ok();
}

Status GetU32(const json::Value& obj, std::string_view name, uint32_t* out) {
  uint64_t v;
  IMMU_RETURN_IF_ERROR(json::GetU64(obj, name, &v));
  if (v > UINT32_MAX) return Status::Corruption(std::string(name) + ": out of range");
  *out = static_cast<uint32_t>(v);
  return Status::Ok();
}

Status GetHeader(const json::Value& doc, std::string_view name, TxHeader* h) {
  const json::Value* o;
  IMMU_RETURN_IF_ERROR(GetObject(doc, name, &o));
  const std::string where(name);
  IMMU_RETURN_IF_ERROR(Field(where, json::GetU64(*o, "id", &h->id)));
  IMMU_RETURN_IF_ERROR(Field(where, json::GetI64(*o, "ts", &h->ts)));
  IMMU_RETURN_IF_ERROR(Field(where, GetU32(*o, "version", &h->version)));
  IMMU_RETURN_IF_ERROR(Field(where, GetU32(*o, "nentries", &h->nentries)));
  IMMU_RETURN_IF_ERROR(Field(where, GetHash(*o, "eh", &h->eh)));
  IMMU_RETURN_IF_ERROR(Field(where, json::GetU64(*o, "bl_tx_id", &h->bl_tx_id)));
  IMMU_RETURN_IF_ERROR(Field(where, GetHash(*o, "bl_root", &h->bl_root)));
  IMMU_RETURN_IF_ERROR(Field(where, GetHash(*o, "prev_alh", &h->prev_alh)));
  return Field(where, GetHexBytes(*o, "metadata", &h->metadata));
}

Status GetEntry(const json::Value& o, const std::string& where, ProofEntry* e) {
  IMMU_RETURN_IF_ERROR(Field(where, GetHexBytes(o, "key", &e->key)));
  IMMU_RETURN_IF_ERROR(Field(where, GetHexBytes(o, "metadata", &e->metadata)));
  return Field(where, GetHexBytes(o, "value", &e->value));
}

Status GetOptionalString(const json::Value& o, std::string_view name, std::string* out) {
  const json::Value* v = o.Find(name);
  if (v == nullptr || v->is_null()) {
    out->clear();
    return Status::Ok();
  }
  return json::GetString(o, name, out);
}

Status GetState(const json::Value& doc, State* s) {
  const json::Value* o;
  IMMU_RETURN_IF_ERROR(GetObject(doc, "state", &o));
  IMMU_RETURN_IF_ERROR(Field("state", json::GetString(*o, "db", &s->db)));
  IMMU_RETURN_IF_ERROR(Field("state", json::GetU64(*o, "tx_id", &s->tx_id)));
  IMMU_RETURN_IF_ERROR(Field("state", GetHash(*o, "alh", &s->alh)));
  std::string sig_hex;
  const json::Value* sig = o->Find("signature");
  if (sig != nullptr && !sig->is_null()) {
    IMMU_RETURN_IF_ERROR(Field("state", GetHexBytes(*o, "signature", &s->signature)));
  }
  return Field("state", GetOptionalString(*o, "public_key", &s->public_key));
}

Status Fail(const std::string& what) { return Status::VerificationFailed(what); }

}  // namespace

std::string ProofToJson(const ProofDocument& d) {
  std::string out = "{";
  Key(&out, "format");
  AppendString(&out, ProofDocument::kFormat);
  out.push_back(',');
  Key(&out, "kind");
  AppendString(&out, d.kind);
  out.push_back(',');
  if (d.kind == "row") {
    Key(&out, "table");
    AppendString(&out, d.table);
    out.push_back(',');
    Key(&out, "row");
    out.append(d.row_json.empty() ? "null" : d.row_json);
    out.push_back(',');
  }
  if (d.kind == "row" || d.kind == "kv") {
    UNumMember(&out, "revision", d.revision);
    Key(&out, "entry");
    EntryObject(&out, d.entry);
    out.push_back(',');
    Key(&out, "entry_proof");
    out.push_back('{');
    UNumMember(&out, "leaf", d.entry_proof.leaf);
    UNumMember(&out, "width", d.entry_proof.width);
    Hashes(&out, "terms", d.entry_proof.terms, false);
    out.append("},");
  } else if (d.kind == "tx") {
    Key(&out, "entries");
    out.push_back('[');
    for (size_t i = 0; i < d.entries.size(); i++) {
      if (i > 0) out.push_back(',');
      EntryObject(&out, d.entries[i]);
    }
    out.append("],");
  }
  if (d.kind != "state") {
    Header(&out, "tx", d.tx);
    Hashes(&out, "tx_inclusion", d.tx_inclusion);
  }
  if (d.kind == "tx") Hashes(&out, "tx_consistency", d.tx_consistency);
  Header(&out, "target", d.target);
  Key(&out, "state");
  out.push_back('{');
  Key(&out, "db");
  AppendString(&out, d.state.db);
  out.push_back(',');
  UNumMember(&out, "tx_id", d.state.tx_id);
  HashMember(&out, "alh", d.state.alh);
  Key(&out, "signature");
  if (d.state.signature.empty()) out.append("null"); else AppendString(&out, Hex(d.state.signature));
  out.push_back(',');
  Key(&out, "public_key");
  if (d.state.public_key.empty()) out.append("null"); else AppendString(&out, d.state.public_key);
  out.append("},");
  UNumMember(&out, "since_tx", d.since_tx);
  Key(&out, "dual");
  if (d.since_tx == 0) {
    out.append("null");
  } else {
    out.push_back('{');
    Header(&out, "source", d.dual.source);
    Hashes(&out, "inclusion", d.dual.inclusion);
    Hashes(&out, "consistency", d.dual.consistency, false);
    out.push_back('}');
  }
  out.push_back('}');
  return out;
}

Result<ProofDocument> ProofFromJson(std::string_view text) {
  IMMU_ASSIGN_OR_RETURN(json::Value doc, json::Value::Parse(text));
  if (doc.type() != json::Value::Type::kObject) return Status::Corruption("proof: not a JSON object");
  ProofDocument d;
  std::string format;
  IMMU_RETURN_IF_ERROR(json::GetString(doc, "format", &format));
  if (format != ProofDocument::kFormat) return Status::Corruption("format: unknown proof format \"" + format + "\"");
  IMMU_RETURN_IF_ERROR(json::GetString(doc, "kind", &d.kind));
  if (d.kind != "row" && d.kind != "kv" && d.kind != "tx" && d.kind != "state") return Status::Corruption("kind: unknown \"" + d.kind + "\"");
  if (d.kind == "row") {
    IMMU_RETURN_IF_ERROR(json::GetString(doc, "table", &d.table));
    // The decoded columns: informational, kept for display only.
    const json::Value* row = doc.Find("row");
    if (row != nullptr && row->type() == json::Value::Type::kObject) d.row_json = row->text();
  }
  if (d.kind == "row" || d.kind == "kv") {
    IMMU_RETURN_IF_ERROR(json::GetU64(doc, "revision", &d.revision));
    const json::Value* e;
    IMMU_RETURN_IF_ERROR(GetObject(doc, "entry", &e));
    IMMU_RETURN_IF_ERROR(GetEntry(*e, "entry", &d.entry));
    const json::Value* p;
    IMMU_RETURN_IF_ERROR(GetObject(doc, "entry_proof", &p));
    IMMU_RETURN_IF_ERROR(Field("entry_proof", json::GetU64(*p, "leaf", &d.entry_proof.leaf)));
    IMMU_RETURN_IF_ERROR(Field("entry_proof", json::GetU64(*p, "width", &d.entry_proof.width)));
    IMMU_RETURN_IF_ERROR(Field("entry_proof", GetHashes(*p, "terms", &d.entry_proof.terms)));
  } else if (d.kind == "tx") {
    const json::Value* es = doc.Find("entries");
    if (es == nullptr || es->type() != json::Value::Type::kArray) {
      return Status::Corruption("entries: missing or not an array");
    }
    for (size_t i = 0; i < es->items().size(); i++) {
      const json::Value& item = es->items()[i];
      if (item.type() != json::Value::Type::kObject) return Status::Corruption("entries: element is not an object");
      ProofEntry e;
      IMMU_RETURN_IF_ERROR(GetEntry(item, "entries[" + std::to_string(i) + "]", &e));
      d.entries.push_back(std::move(e));
    }
    IMMU_RETURN_IF_ERROR(GetHashes(doc, "tx_consistency", &d.tx_consistency));
  }
  if (d.kind != "state") {
    IMMU_RETURN_IF_ERROR(GetHeader(doc, "tx", &d.tx));
    IMMU_RETURN_IF_ERROR(GetHashes(doc, "tx_inclusion", &d.tx_inclusion));
  }
  IMMU_RETURN_IF_ERROR(GetHeader(doc, "target", &d.target));
  IMMU_RETURN_IF_ERROR(GetState(doc, &d.state));
  IMMU_RETURN_IF_ERROR(json::GetU64(doc, "since_tx", &d.since_tx));
  const json::Value* dual = doc.Find("dual");
  if (d.since_tx > 0) {
    if (dual == nullptr || dual->type() != json::Value::Type::kObject) {
      return Status::Corruption("dual: missing or not an object while since_tx > 0");
    }
    IMMU_RETURN_IF_ERROR(Field("dual", GetHeader(*dual, "source", &d.dual.source)));
    IMMU_RETURN_IF_ERROR(Field("dual", GetHashes(*dual, "inclusion", &d.dual.inclusion)));
    IMMU_RETURN_IF_ERROR(Field("dual", GetHashes(*dual, "consistency", &d.dual.consistency)));
    d.dual.target = d.target;
  }
  return d;
}

Status VerifyProofDocument(const ProofDocument& d, const State& trusted, std::string_view pinned_public_key,
                           State* next) {
  const Hash target_alh = d.target.Alh();
  if (d.state.tx_id != d.target.id || d.state.alh != target_alh) {
    return Fail("state: tx " + std::to_string(d.state.tx_id) + " does not match the target header (tx " +
                std::to_string(d.target.id) + ")");
  }
  if (!trusted.db.empty() && d.state.db != trusted.db) {
    return Fail("state: database \"" + d.state.db + "\" is not the trusted one (\"" + trusted.db + "\")");
  }
  if (!pinned_public_key.empty()) {
    if (d.state.signature.empty()) return Fail("state: not signed, but the server key is pinned");
    IMMU_RETURN_IF_ERROR(VerifyStateSignature(d.state, pinned_public_key));
  }
  if (trusted.tx_id > 0 && d.since_tx != trusted.tx_id) {
    return Fail("dual proof: made from tx " + std::to_string(d.since_tx) + " but the trusted state is tx " +
                std::to_string(trusted.tx_id));
  }
  if (d.kind == "row" || d.kind == "kv") {
    VerifiableEntry ve;
    ve.key = d.entry.key;
    ve.metadata = d.entry.metadata;
    ve.value = d.entry.value;
    ve.tx = d.tx;
    ve.entry_proof = d.entry_proof;
    ve.target = d.target;
    ve.tx_inclusion = d.tx_inclusion;
    ve.dual = d.dual;
    IMMU_RETURN_IF_ERROR(VerifyEntry(ve, trusted, nullptr));
  } else if (d.kind == "state") {
    if (d.target.id == 0) return Fail("state: tx 0 has nothing to trust");
    if (trusted.tx_id > d.target.id) {
      return Fail("trusted tx " + std::to_string(trusted.tx_id) + " is newer than the server's state (tx " +
                  std::to_string(d.target.id) + "): history was cut");
    }
    if (trusted.tx_id > 0) {
      IMMU_RETURN_IF_ERROR(VerifyDualProof(d.dual, trusted.tx_id, trusted.alh, d.target.id, target_alh));
    }
  } else if (d.kind == "tx") {
    if (d.entries.size() != d.tx.nentries) {
      return Fail("tx " + std::to_string(d.tx.id) + ": " + std::to_string(d.entries.size()) +
                  " entries listed but the header says " + std::to_string(d.tx.nentries));
    }
    std::vector<Hash> digests;
    digests.reserve(d.entries.size());
    for (const auto& e : d.entries) digests.push_back(EntryDigest(e.key, e.metadata, e.value));
    if (merkle::RootOfLeafHashes(digests) != d.tx.eh) {
      return Fail("tx " + std::to_string(d.tx.id) + ": entries do not hash to the header's Eh");
    }
    DualProof p{d.tx, d.target, d.tx_inclusion, d.tx_consistency};
    Status s = VerifyDualProof(p, d.tx.id, d.tx.Alh(), d.target.id, target_alh);
    if (!s.ok()) return Status(s.code(), "tx inclusion: " + s.message());
    if (trusted.tx_id > d.target.id) {
      return Fail("trusted tx " + std::to_string(trusted.tx_id) + " is newer than the target tx " +
                  std::to_string(d.target.id));
    }
    if (trusted.tx_id > 0) {
      IMMU_RETURN_IF_ERROR(VerifyDualProof(d.dual, trusted.tx_id, trusted.alh, d.target.id, target_alh));
    }
  } else {
    return Fail("unknown proof kind \"" + d.kind + "\"");
  }
  if (next != nullptr) *next = d.state;
  return Status::Ok();
}

}  // namespace immu
