// The JSON parser (RFC 8259) with PostgreSQL's error wording: see json.h.

#include <algorithm>
#include <cstdio>

#include "catalog/pg_error.h"
#include "sql/json.h"

namespace immu::sql {

namespace {

// Deeper documents are rejected as PostgreSQL's check_stack_depth would.
constexpr int kMaxDepth = 2000;

bool IsAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

class Parser {
 public:
  Parser(std::string_view text, bool for_jsonb) : s_(text), for_jsonb_(for_jsonb) {}

  JsonNode ParseDocument() {
    SkipSpace();
    JsonNode n = ParseValue(0);
    SkipSpace();
    if (p_ < s_.size()) Fail("Expected end of input, but found \"" + std::string(TokenAt(p_)) + "\".");
    return n;
  }

 private:
  [[noreturn]] void Fail(const std::string& detail) const {
    throw PgError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type json", detail);
  }
  [[noreturn]] void Ended() const { Fail("The input string ended unexpectedly."); }

  void SkipSpace() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r')) p_++;
  }

  // The token starting at `at`, as the lexer would cut it for a message.
  std::string_view TokenAt(size_t at) const {
    if (at >= s_.size()) return {};
    const char c = s_[at];
    if (c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':') return s_.substr(at, 1);
    if (c == '"') {
      size_t e = at + 1;
      while (e < s_.size() && s_[e] != '"') e += s_[e] == '\\' ? 2 : 1;
      return s_.substr(at, std::min(e + 1, s_.size()) - at);
    }
    size_t e = at;
    while (e < s_.size() && (IsAlnum(static_cast<unsigned char>(s_[e])) || s_[e] == '-' || s_[e] == '+' ||
                             s_[e] == '.')) {
      e++;
    }
    return s_.substr(at, std::max<size_t>(e - at, 1));
  }
  [[noreturn]] void Found(const char* expected) const {
    if (p_ >= s_.size()) Ended();
    Fail(std::string("Expected ") + expected + ", but found \"" + std::string(TokenAt(p_)) + "\".");
  }
  JsonNode ParseValue(int depth) {
    if (depth > kMaxDepth) {
      throw PgError("54001", "stack depth limit exceeded", "",
                    "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring "
                    "the platform's stack depth limit is adequate.");
    }
    if (p_ >= s_.size()) Ended();
    JsonNode n;
    n.begin = p_;
    const char c = s_[p_];
    if (c == '{') {
      n.kind = JsonNode::Kind::kObject;
      p_++;
      SkipSpace();
      if (p_ < s_.size() && s_[p_] == '}') {
        p_++;
      } else {
        for (;;) {
          if (p_ >= s_.size()) Ended();
          if (s_[p_] != '"') {
            LexCheck();
            Found(n.keys.empty() ? "string or \"}\"" : "string");
          }
          n.keys.push_back(ParseString());
          SkipSpace();
          if (p_ >= s_.size()) Ended();
          if (s_[p_] != ':') {
            LexCheck();
            Found("\":\"");
          }
          p_++;
          SkipSpace();
          n.items.push_back(ParseValue(depth + 1));
          SkipSpace();
          if (p_ >= s_.size()) Ended();
          if (s_[p_] == ',') {
            p_++;
            SkipSpace();
            continue;
          }
          if (s_[p_] == '}') {
            p_++;
            break;
          }
          LexCheck();
          Found("\",\" or \"}\"");
        }
      }
    } else if (c == '[') {
      n.kind = JsonNode::Kind::kArray;
      p_++;
      SkipSpace();
      if (p_ < s_.size() && s_[p_] == ']') {
        p_++;
      } else {
        for (;;) {
          n.items.push_back(ParseValue(depth + 1));
          SkipSpace();
          if (p_ >= s_.size()) Ended();
          if (s_[p_] == ',') {
            p_++;
            SkipSpace();
            continue;
          }
          if (s_[p_] == ']') {
            p_++;
            break;
          }
          LexCheck();
          Found("\",\" or \"]\"");
        }
      }
    } else if (c == '"') {
      n.kind = JsonNode::Kind::kString;
      n.text = ParseString();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      n.kind = JsonNode::Kind::kNumber;
      n.text = std::string(ParseNumber());
    } else if (IsAlnum(static_cast<unsigned char>(c))) {
      size_t e = p_;
      while (e < s_.size() && IsAlnum(static_cast<unsigned char>(s_[e]))) e++;
      const std::string_view word = s_.substr(p_, e - p_);
      if (word == "true" || word == "false") {
        n.kind = JsonNode::Kind::kBool;
        n.boolean = word == "true";
      } else if (word != "null") {
        Fail("Token \"" + std::string(word) + "\" is invalid.");
      }
      p_ = e;
    } else {
      if (c == '}' || c == ']' || c == ',' || c == ':') Found("JSON value");
      Fail("Token \"" + std::string(TokenAt(p_)) + "\" is invalid.");
    }
    n.end = p_;
    return n;
  }

  // Before reporting "Expected X, but found T": a token that cannot be
  // lexed at all is reported as invalid instead, as PostgreSQL's lexer does.
  void LexCheck() {
    const char c = s_[p_];
    if (c == '"') {
      const size_t save = p_;
      ParseString();  // throws on a bad string
      p_ = save;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const size_t save = p_;
      ParseNumber();
      p_ = save;
    } else if (IsAlnum(static_cast<unsigned char>(c))) {
      size_t e = p_;
      while (e < s_.size() && IsAlnum(static_cast<unsigned char>(s_[e]))) e++;
      const std::string_view word = s_.substr(p_, e - p_);
      if (word != "true" && word != "false" && word != "null") Fail("Token \"" + std::string(word) + "\" is invalid.");
    } else if (c != '{' && c != '}' && c != '[' && c != ']' && c != ',' && c != ':') {
      Fail("Token \"" + std::string(TokenAt(p_)) + "\" is invalid.");
    }
  }

  std::string_view ParseNumber() {
    const size_t start = p_;
    size_t e = p_;
    bool ok = true;
    if (e < s_.size() && s_[e] == '-') e++;
    if (e < s_.size() && s_[e] == '0') {
      e++;
    } else if (e < s_.size() && s_[e] >= '1' && s_[e] <= '9') {
      while (e < s_.size() && s_[e] >= '0' && s_[e] <= '9') e++;
    } else {
      ok = false;
    }
    if (ok && e < s_.size() && s_[e] == '.') {
      e++;
      if (e >= s_.size() || s_[e] < '0' || s_[e] > '9') ok = false;
      while (e < s_.size() && s_[e] >= '0' && s_[e] <= '9') e++;
    }
    if (ok && e < s_.size() && (s_[e] == 'e' || s_[e] == 'E')) {
      e++;
      if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) e++;
      if (e >= s_.size() || s_[e] < '0' || s_[e] > '9') ok = false;
      while (e < s_.size() && s_[e] >= '0' && s_[e] <= '9') e++;
    }
    // A number running into letters or digits ("01", "1a") is one bad token.
    if (!ok || (e < s_.size() && IsAlnum(static_cast<unsigned char>(s_[e])))) {
      while (e < s_.size() && (IsAlnum(static_cast<unsigned char>(s_[e])) || s_[e] == '.' || s_[e] == '-' ||
                               s_[e] == '+')) {
        e++;
      }
      Fail("Token \"" + std::string(s_.substr(start, e - start)) + "\" is invalid.");
    }
    p_ = e;
    return s_.substr(start, e - start);
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  int Hex4(size_t at) const {
    if (at + 4 > s_.size()) return -1;
    int v = 0;
    for (size_t i = at; i < at + 4; i++) {
      const char c = s_[i];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return -1;
    }
    return v;
  }

  // A string token at p_ (which is '"'); returns its decoded contents.
  std::string ParseString() {
    const size_t start = p_;
    std::string out;
    size_t i = p_ + 1;
    int high = -1;  // pending high surrogate
    for (;;) {
      if (i >= s_.size()) Fail("Token \"" + std::string(s_.substr(start)) + "\" is invalid.");
      const unsigned char c = static_cast<unsigned char>(s_[i]);
      if (c == '"') break;
      if (c < 0x20) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "Character with value 0x%02x must be escaped.", c);
        Fail(buf);
      }
      if (c != '\\') {
        if (high >= 0) Fail("Unicode low surrogate must follow a high surrogate.");
        out.push_back(static_cast<char>(c));
        i++;
        continue;
      }
      if (i + 1 >= s_.size()) Fail("Token \"" + std::string(s_.substr(start)) + "\" is invalid.");
      const char e = s_[i + 1];
      if (e == 'u') {
        const int cp = Hex4(i + 2);
        if (cp < 0) Fail("\"\\u\" must be followed by four hexadecimal digits.");
        i += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (high >= 0) Fail("Unicode high surrogate must not follow a high surrogate.");
          high = cp;
          continue;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          if (high < 0) Fail("Unicode low surrogate must follow a high surrogate.");
          AppendUtf8(0x10000 + ((static_cast<uint32_t>(high) - 0xD800) << 10) + (static_cast<uint32_t>(cp) - 0xDC00),
                     &out);
          high = -1;
          continue;
        }
        if (high >= 0) Fail("Unicode low surrogate must follow a high surrogate.");
        if (cp == 0 && for_jsonb_) {
          throw PgError(sqlstate::kUntranslatableCharacter, "unsupported Unicode escape sequence",
                        "\\u0000 cannot be converted to text.");
        }
        AppendUtf8(static_cast<uint32_t>(cp), &out);
        continue;
      }
      if (high >= 0) Fail("Unicode low surrogate must follow a high surrogate.");
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        default: {
          // The escape as PostgreSQL names it: backslash and one character.
          size_t len = 1;
          while (i + 1 + len < s_.size() && (static_cast<unsigned char>(s_[i + 1 + len]) & 0xC0) == 0x80) len++;
          Fail("Escape sequence \"\\" + std::string(s_.substr(i + 1, len)) + "\" is invalid.");
        }
      }
      i += 2;
    }
    if (high >= 0) Fail("Unicode low surrogate must follow a high surrogate.");
    p_ = i + 1;
    return out;
  }

  std::string_view s_;
  bool for_jsonb_;
  size_t p_ = 0;
};

}  // namespace

JsonNode ParseJson(std::string_view text, bool for_jsonb) { return Parser(text, for_jsonb).ParseDocument(); }

}  // namespace immu::sql
