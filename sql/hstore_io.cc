// hstore's text and binary forms (sql/hstore.h). The text parser is
// hstore_io.c's state machine: keys and values are double-quoted strings or
// bare words, either with backslash escapes; a bare NULL value (any case)
// is SQL NULL; pairs are separated by commas. Its errors are PostgreSQL's
// (XX000 "Syntax error near ..." / "Unexpected end of string").

#include <algorithm>
#include <cctype>

#include "catalog/pg_error.h"
#include "sql/hstore.h"
#include "storage/coding.h"

namespace immu::sql {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  HstorePairs Parse() {
    HstorePairs out;
    enum { kKey, kEq, kGt, kVal, kDel } st = kKey;
    std::string key;
    while (true) {
      if (st == kKey) {
        bool quoted = false;
        if (!GetVal(false, &key, &quoted)) return out;
        st = kEq;
      } else if (st == kEq) {
        if (At() == '=') st = kGt;
        else if (At() == '\0') EndOfString();
        else if (!IsSpace(At())) Syntax();
      } else if (st == kGt) {
        if (At() == '>') st = kVal;
        else if (At() == '\0') EndOfString();
        else Syntax();
      } else if (st == kVal) {
        std::string val;
        bool quoted = false;
        if (!GetVal(true, &val, &quoted)) EndOfString();
        const bool null = !quoted && val.size() == 4 && (val[0] | 0x20) == 'n' && (val[1] | 0x20) == 'u' &&
                          (val[2] | 0x20) == 'l' && (val[3] | 0x20) == 'l';
        out.emplace_back(std::move(key), null ? std::nullopt : std::optional<std::string>(std::move(val)));
        key.clear();
        st = kDel;
      } else {  // kDel
        if (At() == ',') st = kKey;
        else if (At() == '\0') return out;
        else if (!IsSpace(At())) Syntax();
      }
      pos_++;
    }
  }

 private:
  char At() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  [[noreturn]] void EndOfString() { throw PgError(sqlstate::kInternalError, "Unexpected end of string"); }
  [[noreturn]] void Syntax() {
    const size_t len = pos_ < s_.size() ? std::min<size_t>(1, s_.size() - pos_) : 0;
    throw PgError(sqlstate::kInternalError, "Syntax error near \"" + std::string(s_.substr(std::min(pos_, s_.size()), len)) +
                                                "\" at position " + std::to_string(pos_));
  }

  // get_val: one key or value; false at the end of the input before any.
  // Leaves pos_ on the last character consumed (the caller advances).
  bool GetVal(bool ignore_eq, std::string* out, bool* quoted) {
    enum { kWait, kIn, kInQuoted, kEsc, kEscQuoted } st = kWait;
    while (true) {
      const char c = At();
      if (st == kWait) {
        if (c == '"') {
          *quoted = true;
          st = kInQuoted;
        } else if (c == '\0') {
          return false;
        } else if (c == '=' && !ignore_eq) {
          Syntax();
        } else if (c == '\\') {
          st = kEsc;
        } else if (!IsSpace(c)) {
          out->push_back(c);
          st = kIn;
        }
      } else if (st == kIn) {
        if (c == '\\') {
          st = kEsc;
        } else if ((c == '=' && !ignore_eq) || (c == ',' && ignore_eq) || c == '\0') {
          pos_--;
          return true;
        } else if (IsSpace(c)) {
          return true;
        } else {
          out->push_back(c);
        }
      } else if (st == kInQuoted) {
        if (c == '\\') st = kEscQuoted;
        else if (c == '"') return true;
        else if (c == '\0') EndOfString();
        else out->push_back(c);
      } else {  // kEsc, kEscQuoted
        if (c == '\0') EndOfString();
        out->push_back(c);
        st = st == kEsc ? kIn : kInQuoted;
      }
      pos_++;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

[[noreturn]] void BadBinary() { throw PgError(sqlstate::kInvalidBinaryRepresentation, "invalid hstore binary data"); }

}  // namespace

std::string HstoreFromPairs(HstorePairs pairs, bool last_wins) {
  // PostgreSQL's order: shorter keys first, then bytes.
  auto less = [](const auto& a, const auto& b) {
    return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
  };
  if (last_wins) std::reverse(pairs.begin(), pairs.end());
  std::stable_sort(pairs.begin(), pairs.end(), less);
  std::string out;
  for (size_t i = 0; i < pairs.size(); i++) {
    if (i > 0 && pairs[i].first == pairs[i - 1].first) continue;  // the first of equal keys wins
    if (!out.empty()) out += ", ";
    AppendQuoted(pairs[i].first, &out);
    out += "=>";
    if (pairs[i].second) AppendQuoted(*pairs[i].second, &out);
    else out += "NULL";
  }
  return out;
}

std::string HstoreIn(std::string_view text) { return HstoreFromPairs(Parser(text).Parse()); }

std::string HstoreOut(std::string_view canonical) { return std::string(canonical); }

HstorePairs HstoreParse(std::string_view canonical) { return Parser(canonical).Parse(); }

void HstoreSend(std::string_view canonical, std::string* out) {
  const HstorePairs pairs = HstoreParse(canonical);
  PutFixed32BE(out, static_cast<uint32_t>(pairs.size()));
  for (const auto& [k, v] : pairs) {
    PutFixed32BE(out, static_cast<uint32_t>(k.size()));
    out->append(k);
    if (!v) {
      PutFixed32BE(out, 0xffffffffu);
      continue;
    }
    PutFixed32BE(out, static_cast<uint32_t>(v->size()));
    out->append(*v);
  }
}

std::string HstoreRecv(std::string_view data) {
  auto read32 = [&data]() {
    if (data.size() < 4) BadBinary();
    const uint32_t v = DecodeFixed32BE(data.data());
    data.remove_prefix(4);
    return v;
  };
  const uint32_t n = read32();
  if (n > data.size() / 8) BadBinary();
  HstorePairs pairs;
  for (uint32_t i = 0; i < n; i++) {
    const uint32_t klen = read32();
    if (klen > data.size()) BadBinary();
    std::string key(data.substr(0, klen));
    data.remove_prefix(klen);
    const uint32_t vlen = read32();
    if (vlen == 0xffffffffu) {
      pairs.emplace_back(std::move(key), std::nullopt);
      continue;
    }
    if (vlen > data.size()) BadBinary();
    pairs.emplace_back(std::move(key), std::string(data.substr(0, vlen)));
    data.remove_prefix(vlen);
  }
  if (!data.empty()) BadBinary();
  return HstoreFromPairs(std::move(pairs));
}

}  // namespace immu::sql
