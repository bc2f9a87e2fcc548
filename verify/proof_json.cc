// Proof documents as JSON (docs/VERIFICATION.md) and their verification.
// JSON through nlohmann (ordered, so documents keep the documented member
// order), with duplicate members rejected: two verifiers must never read
// different values out of one document.

#include "verify/proof_json.h"

#include <nlohmann/json.hpp>

#include <unordered_set>

#include "verify/merkle.h"

namespace immu {
namespace {

using Json = nlohmann::ordered_json;

std::string Hex(std::string_view bytes) { return ToHex(AsBytes(bytes)); }

Json HashList(const std::vector<Hash>& hs) {
  Json a = Json::array();
  for (const Hash& h : hs) a.push_back(ToHex(h));
  return a;
}

Json HeaderJson(const TxHeader& h) {
  Json j;
  j["id"] = h.id;
  j["ts"] = h.ts;
  j["version"] = h.version;
  j["nentries"] = h.nentries;
  j["eh"] = ToHex(h.eh);
  j["bl_tx_id"] = h.bl_tx_id;
  j["bl_root"] = ToHex(h.bl_root);
  j["prev_alh"] = ToHex(h.prev_alh);
  j["metadata"] = Hex(h.metadata);
  j["alh"] = ToHex(h.Alh());  // informational: verifiers recompute it
  return j;
}

Json EntryJson(const ProofEntry& e) {
  Json j;
  j["key"] = Hex(e.key);
  j["metadata"] = Hex(e.metadata);
  j["value"] = Hex(e.value);
  return j;
}

// ---- parsing: every accessor names the member that is missing or wrong ----

Status Bad(const std::string& where, const char* what) { return Status::Corruption(where + ": " + what); }

Status Member(const Json& obj, const std::string& where, const char* name, const Json** out) {
  auto it = obj.find(name);
  if (it == obj.end()) return Bad(where + name, "missing");
  *out = &*it;
  return Status::Ok();
}

Status GetString(const Json& obj, const std::string& where, const char* name, std::string* out) {
  const Json* v;
  IMMU_RETURN_IF_ERROR(Member(obj, where, name, &v));
  if (!v->is_string()) return Bad(where + name, "not a string");
  *out = v->get<std::string>();
  return Status::Ok();
}

Status GetU64(const Json& obj, const std::string& where, const char* name, uint64_t* out) {
  const Json* v;
  IMMU_RETURN_IF_ERROR(Member(obj, where, name, &v));
  if (!v->is_number_unsigned()) return Bad(where + name, "not an unsigned integer");
  *out = v->get<uint64_t>();
  return Status::Ok();
}

Status GetI64(const Json& obj, const std::string& where, const char* name, int64_t* out) {
  const Json* v;
  IMMU_RETURN_IF_ERROR(Member(obj, where, name, &v));
  if (!v->is_number_integer() || (v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX)) {
    return Bad(where + name, "not a 64-bit integer");
  }
  *out = v->get<int64_t>();
  return Status::Ok();
}

Status GetU32(const Json& obj, const std::string& where, const char* name, uint32_t* out) {
  uint64_t v;
  IMMU_RETURN_IF_ERROR(GetU64(obj, where, name, &v));
  if (v > UINT32_MAX) return Bad(where + name, "out of range");
  *out = static_cast<uint32_t>(v);
  return Status::Ok();
}

int Nibble(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

Status GetHexBytes(const Json& obj, const std::string& where, const char* name, std::string* out) {
  std::string hex;
  IMMU_RETURN_IF_ERROR(GetString(obj, where, name, &hex));
  if (hex.size() % 2 != 0) return Bad(where + name, "odd hex length");
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = Nibble(hex[i]), lo = Nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return Bad(where + name, "not hex");
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return Status::Ok();
}

Status GetHash(const Json& obj, const std::string& where, const char* name, Hash* out) {
  std::string hex;
  IMMU_RETURN_IF_ERROR(GetString(obj, where, name, &hex));
  if (!FromHex(hex, out)) return Bad(where + name, "not a 32-byte hex hash");
  return Status::Ok();
}

Status GetHashes(const Json& obj, const std::string& where, const char* name, std::vector<Hash>* out) {
  const Json* a;
  IMMU_RETURN_IF_ERROR(Member(obj, where, name, &a));
  if (!a->is_array()) return Bad(where + name, "not an array");
  out->clear();
  for (const auto& item : *a) {
    Hash h;
    if (!item.is_string() || !FromHex(item.get<std::string>(), &h)) {
      return Bad(where + name, "element is not a 32-byte hex hash");
    }
    out->push_back(h);
  }
  return Status::Ok();
}

Status GetObject(const Json& obj, const std::string& where, const char* name, const Json** out) {
  IMMU_RETURN_IF_ERROR(Member(obj, where, name, out));
  if (!(*out)->is_object()) return Bad(where + name, "not an object");
  return Status::Ok();
}

Status GetHeader(const Json& doc, const std::string& where, const char* name, TxHeader* h) {
  const Json* o;
  IMMU_RETURN_IF_ERROR(GetObject(doc, where, name, &o));
  const std::string w = where + name + ".";
  IMMU_RETURN_IF_ERROR(GetU64(*o, w, "id", &h->id));
  IMMU_RETURN_IF_ERROR(GetI64(*o, w, "ts", &h->ts));
  IMMU_RETURN_IF_ERROR(GetU32(*o, w, "version", &h->version));
  IMMU_RETURN_IF_ERROR(GetU32(*o, w, "nentries", &h->nentries));
  IMMU_RETURN_IF_ERROR(GetHash(*o, w, "eh", &h->eh));
  IMMU_RETURN_IF_ERROR(GetU64(*o, w, "bl_tx_id", &h->bl_tx_id));
  IMMU_RETURN_IF_ERROR(GetHash(*o, w, "bl_root", &h->bl_root));
  IMMU_RETURN_IF_ERROR(GetHash(*o, w, "prev_alh", &h->prev_alh));
  return GetHexBytes(*o, w, "metadata", &h->metadata);
}

Status GetEntry(const Json& o, const std::string& where, ProofEntry* e) {
  if (!o.is_object()) return Bad(where, "not an object");
  IMMU_RETURN_IF_ERROR(GetHexBytes(o, where + ".", "key", &e->key));
  IMMU_RETURN_IF_ERROR(GetHexBytes(o, where + ".", "metadata", &e->metadata));
  return GetHexBytes(o, where + ".", "value", &e->value);
}

Status GetState(const Json& doc, State* s) {
  const Json* o;
  IMMU_RETURN_IF_ERROR(GetObject(doc, "", "state", &o));
  IMMU_RETURN_IF_ERROR(GetString(*o, "state.", "db", &s->db));
  IMMU_RETURN_IF_ERROR(GetU64(*o, "state.", "tx_id", &s->tx_id));
  IMMU_RETURN_IF_ERROR(GetHash(*o, "state.", "alh", &s->alh));
  s->signature.clear();
  s->public_key.clear();
  if (auto it = o->find("signature"); it != o->end() && !it->is_null()) {
    IMMU_RETURN_IF_ERROR(GetHexBytes(*o, "state.", "signature", &s->signature));
  }
  if (auto it = o->find("public_key"); it != o->end() && !it->is_null()) {
    IMMU_RETURN_IF_ERROR(GetString(*o, "state.", "public_key", &s->public_key));
  }
  return Status::Ok();
}

// Parses text, refusing duplicate members at any depth.
Result<Json> ParseStrict(std::string_view text) {
  std::vector<std::unordered_set<std::string>> keys;  // one set per open object
  bool duplicate = false;
  auto cb = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) duplicate = true;
        break;
      default:
        break;
    }
    return true;
  };
  Json doc = Json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Corruption("proof: not valid JSON");
  if (duplicate) return Status::Corruption("proof: duplicate member in an object");
  return doc;
}

Status Fail(const std::string& what) { return Status::VerificationFailed(what); }

}  // namespace

std::string ProofToJson(const ProofDocument& d) {
  Json j;
  j["format"] = ProofDocument::kFormat;
  j["kind"] = d.kind;
  if (d.kind == "row") {
    j["table"] = d.table;
    Json row = d.row_json.empty() ? Json(nullptr) : Json::parse(d.row_json, nullptr, false);
    j["row"] = row.is_discarded() ? Json(nullptr) : std::move(row);
  }
  if (d.kind == "row" || d.kind == "kv") {
    j["revision"] = d.revision;
    j["entry"] = EntryJson(d.entry);
    Json p;
    p["leaf"] = d.entry_proof.leaf;
    p["width"] = d.entry_proof.width;
    p["terms"] = HashList(d.entry_proof.terms);
    j["entry_proof"] = std::move(p);
  } else if (d.kind == "tx") {
    Json es = Json::array();
    for (const auto& e : d.entries) es.push_back(EntryJson(e));
    j["entries"] = std::move(es);
  }
  if (d.kind != "state") {
    j["tx"] = HeaderJson(d.tx);
    j["tx_inclusion"] = HashList(d.tx_inclusion);
  }
  if (d.kind == "tx") j["tx_consistency"] = HashList(d.tx_consistency);
  j["target"] = HeaderJson(d.target);
  Json s;
  s["db"] = d.state.db;
  s["tx_id"] = d.state.tx_id;
  s["alh"] = ToHex(d.state.alh);
  s["signature"] = d.state.signature.empty() ? Json(nullptr) : Json(Hex(d.state.signature));
  s["public_key"] = d.state.public_key.empty() ? Json(nullptr) : Json(d.state.public_key);
  j["state"] = std::move(s);
  j["since_tx"] = d.since_tx;
  if (d.since_tx == 0) {
    j["dual"] = nullptr;
  } else {
    Json dual;
    dual["source"] = HeaderJson(d.dual.source);
    dual["inclusion"] = HashList(d.dual.inclusion);
    dual["consistency"] = HashList(d.dual.consistency);
    j["dual"] = std::move(dual);
  }
  // Strings we write are UTF-8 except a database name or table name a
  // client gave with other bytes: replace rather than fail.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<ProofDocument> ProofFromJson(std::string_view text) {
  IMMU_ASSIGN_OR_RETURN(Json doc, ParseStrict(text));
  if (!doc.is_object()) return Status::Corruption("proof: not a JSON object");
  ProofDocument d;
  std::string format;
  IMMU_RETURN_IF_ERROR(GetString(doc, "", "format", &format));
  if (format != ProofDocument::kFormat) return Status::Corruption("format: unknown proof format \"" + format + "\"");
  IMMU_RETURN_IF_ERROR(GetString(doc, "", "kind", &d.kind));
  if (d.kind != "row" && d.kind != "kv" && d.kind != "tx" && d.kind != "state") {
    return Status::Corruption("kind: unknown \"" + d.kind + "\"");
  }
  if (d.kind == "row") {
    IMMU_RETURN_IF_ERROR(GetString(doc, "", "table", &d.table));
    // The decoded columns: informational, kept for display only.
    if (auto it = doc.find("row"); it != doc.end() && it->is_object()) d.row_json = it->dump();
  }
  if (d.kind == "row" || d.kind == "kv") {
    IMMU_RETURN_IF_ERROR(GetU64(doc, "", "revision", &d.revision));
    const Json* e;
    IMMU_RETURN_IF_ERROR(GetObject(doc, "", "entry", &e));
    IMMU_RETURN_IF_ERROR(GetEntry(*e, "entry", &d.entry));
    const Json* p;
    IMMU_RETURN_IF_ERROR(GetObject(doc, "", "entry_proof", &p));
    IMMU_RETURN_IF_ERROR(GetU64(*p, "entry_proof.", "leaf", &d.entry_proof.leaf));
    IMMU_RETURN_IF_ERROR(GetU64(*p, "entry_proof.", "width", &d.entry_proof.width));
    IMMU_RETURN_IF_ERROR(GetHashes(*p, "entry_proof.", "terms", &d.entry_proof.terms));
  } else if (d.kind == "tx") {
    const Json* es;
    IMMU_RETURN_IF_ERROR(Member(doc, "", "entries", &es));
    if (!es->is_array()) return Status::Corruption("entries: not an array");
    for (size_t i = 0; i < es->size(); i++) {
      ProofEntry e;
      IMMU_RETURN_IF_ERROR(GetEntry((*es)[i], "entries[" + std::to_string(i) + "]", &e));
      d.entries.push_back(std::move(e));
    }
    IMMU_RETURN_IF_ERROR(GetHashes(doc, "", "tx_consistency", &d.tx_consistency));
  }
  if (d.kind != "state") {
    IMMU_RETURN_IF_ERROR(GetHeader(doc, "", "tx", &d.tx));
    IMMU_RETURN_IF_ERROR(GetHashes(doc, "", "tx_inclusion", &d.tx_inclusion));
  }
  IMMU_RETURN_IF_ERROR(GetHeader(doc, "", "target", &d.target));
  IMMU_RETURN_IF_ERROR(GetState(doc, &d.state));
  IMMU_RETURN_IF_ERROR(GetU64(doc, "", "since_tx", &d.since_tx));
  if (d.since_tx > 0) {
    const Json* dual;
    IMMU_RETURN_IF_ERROR(GetObject(doc, "", "dual", &dual));
    IMMU_RETURN_IF_ERROR(GetHeader(*dual, "dual.", "source", &d.dual.source));
    IMMU_RETURN_IF_ERROR(GetHashes(*dual, "dual.", "inclusion", &d.dual.inclusion));
    IMMU_RETURN_IF_ERROR(GetHashes(*dual, "dual.", "consistency", &d.dual.consistency));
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
