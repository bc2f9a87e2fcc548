// Minimal JSON (see json.h): recursive descent with a depth limit.

#include "verify/json.h"

#include <cstdio>

namespace immu::json {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status ParseDocument(Value* out) {
    IMMU_RETURN_IF_ERROR(ParseValue(out, 0));
    SkipSpace();
    if (pos_ != s_.size()) return Error("trailing characters");
    return Status::Ok();
  }

 private:
  static constexpr int kMaxDepth = 64;

  Status Error(const std::string& what) const {
    return Status::Corruption("json: " + what + " at offset " + std::to_string(pos_));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) pos_++;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status ParseValue(Value* v, int depth) {
    if (depth > kMaxDepth) return Error("nesting too deep");
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end");
    const char c = s_[pos_];
    if (c == '{') {
      const size_t start = pos_;
      IMMU_RETURN_IF_ERROR(ParseObject(v, depth));
      v->text_ = std::string(s_.substr(start, pos_ - start));
      return Status::Ok();
    }
    if (c == '[') return ParseArray(v, depth);
    if (c == '"') {
      v->type_ = Value::Type::kString;
      return ParseString(&v->text_);
    }
    if (Literal("null")) return Status::Ok();
    if (Literal("true")) {
      v->type_ = Value::Type::kBool;
      v->bool_ = true;
      return Status::Ok();
    }
    if (Literal("false")) {
      v->type_ = Value::Type::kBool;
      return Status::Ok();
    }
    return ParseNumber(v);
  }

  Status ParseNumber(Value* v) {
    const size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') pos_++;
    const size_t digits = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') pos_++;
    if (pos_ == digits) return Error("invalid value");
    if (s_[digits] == '0' && pos_ - digits > 1) return Error("leading zero");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      pos_++;
      const size_t f = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') pos_++;
      if (pos_ == f) return Error("invalid fraction");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      pos_++;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) pos_++;
      const size_t e = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') pos_++;
      if (pos_ == e) return Error("invalid exponent");
    }
    v->type_ = Value::Type::kNumber;
    v->text_ = std::string(s_.substr(start, pos_ - start));
    return Status::Ok();
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  bool Hex4(uint32_t* out) {
    if (s_.size() - pos_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
      const char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    *out = v;
    return true;
  }

  Status ParseString(std::string* out) {
    pos_++;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return Error("unterminated string");
      const char c = s_[pos_++];
      if (c == '"') return Status::Ok();
      if (static_cast<unsigned char>(c) < 0x20) return Error("control character in string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return Error("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': out->push_back(e); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return Error("bad \\u escape");
          if (cp >= 0xd800 && cp < 0xdc00) {
            uint32_t lo;
            if (!Literal("\\u") || !Hex4(&lo) || lo < 0xdc00 || lo >= 0xe000) return Error("lone surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return Error("lone surrogate");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Error("bad escape");
      }
    }
  }

  Status ParseArray(Value* v, int depth) {
    v->type_ = Value::Type::kArray;
    pos_++;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      pos_++;
      return Status::Ok();
    }
    while (true) {
      Value item;
      IMMU_RETURN_IF_ERROR(ParseValue(&item, depth + 1));
      v->items_.push_back(std::move(item));
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        pos_++;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        pos_++;
        return Status::Ok();
      }
      return Error("expected , or ]");
    }
  }

  Status ParseObject(Value* v, int depth) {
    v->type_ = Value::Type::kObject;
    pos_++;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      pos_++;
      return Status::Ok();
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Error("expected member name");
      std::string name;
      IMMU_RETURN_IF_ERROR(ParseString(&name));
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected :");
      pos_++;
      Value member;
      IMMU_RETURN_IF_ERROR(ParseValue(&member, depth + 1));
      // A duplicate member could make two verifiers read different values.
      if (!v->members_.emplace(std::move(name), std::move(member)).second) return Error("duplicate member");
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        pos_++;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        pos_++;
        return Status::Ok();
      }
      return Error("expected , or }");
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

const Value* Value::Find(std::string_view name) const {
  if (type_ != Type::kObject) return nullptr;
  auto it = members_.find(name);
  return it == members_.end() ? nullptr : &it->second;
}

Result<Value> Value::Parse(std::string_view text) {
  Value v;
  Parser p(text);
  IMMU_RETURN_IF_ERROR(p.ParseDocument(&v));
  return v;
}

namespace {
Status Missing(std::string_view name, const char* what) {
  return Status::Corruption(std::string(name) + ": " + what);
}
}  // namespace

Status GetString(const Value& obj, std::string_view name, std::string* out) {
  const Value* v = obj.Find(name);
  if (v == nullptr) return Missing(name, "missing");
  if (v->type() != Value::Type::kString) return Missing(name, "not a string");
  *out = v->text();
  return Status::Ok();
}

Status GetI64(const Value& obj, std::string_view name, int64_t* out) {
  const Value* v = obj.Find(name);
  if (v == nullptr) return Missing(name, "missing");
  if (v->type() != Value::Type::kNumber) return Missing(name, "not a number");
  const std::string& t = v->text();
  const bool neg = t[0] == '-';
  uint64_t mag = 0;
  for (size_t i = neg ? 1 : 0; i < t.size(); i++) {
    if (t[i] < '0' || t[i] > '9') return Missing(name, "not an integer");
    if (mag > (UINT64_MAX - static_cast<uint64_t>(t[i] - '0')) / 10) return Missing(name, "out of range");
    mag = mag * 10 + static_cast<uint64_t>(t[i] - '0');
  }
  if (mag > (neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1)) return Missing(name, "out of range");
  *out = neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
  return Status::Ok();
}

Status GetU64(const Value& obj, std::string_view name, uint64_t* out) {
  const Value* v = obj.Find(name);
  if (v == nullptr) return Missing(name, "missing");
  if (v->type() != Value::Type::kNumber) return Missing(name, "not a number");
  uint64_t n = 0;
  for (char c : v->text()) {
    if (c < '0' || c > '9') return Missing(name, "not an unsigned integer");
    if (n > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) return Missing(name, "out of range");
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = n;
  return Status::Ok();
}

void AppendString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size(); i++) {
    const auto c = static_cast<unsigned char>(s[i]);
    // Length of the UTF-8 sequence starting here (0: invalid).
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len > 1) {
      if (i + len > s.size()) len = 0;
      for (size_t k = 1; k < len; k++) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) len = 0;
      }
    }
    if (len > 1) {
      out->append(s.substr(i, len));
      i += len - 1;
      continue;
    }
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

}  // namespace immu::json
