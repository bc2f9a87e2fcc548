#include "sql/jsonb.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/numeric.h"

namespace immu::sql {

namespace {

// Recursive-descent JSON reader that writes the canonical jsonb text (or
// nothing, when only validating). Depth is bounded like PostgreSQL's stack
// check so hostile input cannot exhaust the stack.
class JsonReader {
 public:
  JsonReader(std::string_view text, bool emit) : s_(text), emit_(emit) {}

  std::string Run() {
    std::string out;
    SkipWs();
    Value(&out, 0);
    SkipWs();
    if (p_ != s_.size()) Fail();
    return out;
  }

 private:
  [[noreturn]] void Fail() const {
    throw PgError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json");
  }
  void SkipWs() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) p_++;
  }
  bool Peek(char c) const { return p_ < s_.size() && s_[p_] == c; }

  // A string token; its decoded value in *decoded.
  void String(std::string* decoded) {
    const size_t start = p_;
    if (!Peek('"')) Fail();
    for (p_++; p_ < s_.size() && s_[p_] != '"'; p_++) {
      if (s_[p_] == '\\') p_++;
      else if (static_cast<unsigned char>(s_[p_]) < 0x20) Fail();
    }
    if (p_ >= s_.size()) Fail();
    p_++;
    auto j = nlohmann::json::parse(s_.substr(start, p_ - start), nullptr, false);
    if (!j.is_string()) Fail();
    *decoded = j.get<std::string>();
    if (decoded->find('\0') != std::string::npos) {
      throw PgError("22P05", "unsupported Unicode escape sequence", "\\u0000 cannot be converted to text.");
    }
  }

  void Value(std::string* out, int depth) {
    if (depth > 1000) throw PgError("54001", "stack depth limit exceeded");
    if (p_ >= s_.size()) Fail();
    const char c = s_[p_];
    if (c == '{') {
      p_++;
      SkipWs();
      std::vector<std::pair<std::string, std::string>> members;
      if (Peek('}')) {
        p_++;
      } else {
        while (true) {
          std::pair<std::string, std::string> m;
          String(&m.first);
          SkipWs();
          if (!Peek(':')) Fail();
          p_++;
          SkipWs();
          Value(&m.second, depth + 1);
          members.push_back(std::move(m));
          SkipWs();
          if (Peek(',')) {
            p_++;
            SkipWs();
            continue;
          }
          if (!Peek('}')) Fail();
          p_++;
          break;
        }
      }
      if (!emit_) return;
      // jsonb order: shorter keys first, then bytewise; the last duplicate wins.
      std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
        if (a.first.size() != b.first.size()) return a.first.size() < b.first.size();
        return a.first < b.first;
      });
      *out += '{';
      bool first = true;
      for (size_t i = 0; i < members.size(); i++) {
        if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
        if (!first) *out += ", ";
        first = false;
        *out += nlohmann::json(members[i].first).dump();
        *out += ": ";
        *out += members[i].second;
      }
      *out += '}';
      return;
    }
    if (c == '[') {
      p_++;
      SkipWs();
      if (emit_) *out += '[';
      if (Peek(']')) {
        p_++;
      } else {
        for (bool first = true;; first = false) {
          if (emit_ && !first) *out += ", ";
          Value(out, depth + 1);
          SkipWs();
          if (Peek(',')) {
            p_++;
            SkipWs();
            continue;
          }
          if (!Peek(']')) Fail();
          p_++;
          break;
        }
      }
      if (emit_) *out += ']';
      return;
    }
    if (c == '"') {
      std::string decoded;
      String(&decoded);
      if (emit_) *out += nlohmann::json(decoded).dump();
      return;
    }
    for (const char* lit : {"true", "false", "null"}) {
      const std::string_view l(lit);
      if (s_.substr(p_, l.size()) == l) {
        p_ += l.size();
        if (emit_) *out += l;
        return;
      }
    }
    // A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    const size_t start = p_;
    if (Peek('-')) p_++;
    auto digits = [&] {
      const size_t d = p_;
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') p_++;
      if (p_ == d) Fail();
    };
    if (Peek('0')) p_++;
    else digits();
    if (Peek('.')) {
      p_++;
      digits();
    }
    if (Peek('e') || Peek('E')) {
      p_++;
      if (Peek('+') || Peek('-')) p_++;
      digits();
    }
    if (emit_) *out += Numeric::Parse(s_.substr(start, p_ - start)).ToString();
  }

  std::string_view s_;
  size_t p_ = 0;
  bool emit_;
};

}  // namespace

void ValidateJson(std::string_view text) { JsonReader(text, false).Run(); }

std::string NormalizeJsonb(std::string_view text) { return JsonReader(text, true).Run(); }

}  // namespace immu::sql
