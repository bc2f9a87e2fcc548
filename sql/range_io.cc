// Text and binary I/O of ranges and multiranges (declared in sql/range.h):
// PostgreSQL's range_in/range_out/range_recv/range_send and the multirange
// counterparts, with their error messages.

#include <cctype>

#include "catalog/pg_error.h"
#include "sql/range.h"
#include "sql/value_io.h"
#include "storage/coding.h"

namespace immu::sql {

namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

[[noreturn]] void Malformed(std::string_view text, const char* detail, bool multirange = false) {
  throw PgError(sqlstate::kInvalidTextRepresentation,
                std::string("malformed ") + (multirange ? "multirange" : "range") + " literal: \"" +
                    std::string(text) + "\"",
                detail);
}

// range_bound_escape: quotes values that are empty or hold characters the
// parser treats specially; doubles quotes and backslashes inside.
void AppendBound(const std::string& s, std::string* out) {
  bool quote = s.empty();
  for (char c : s) {
    quote = quote || c == '"' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || IsSpace(c);
  }
  if (quote) out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back(c);
    out->push_back(c);
  }
  if (quote) out->push_back('"');
}

std::string OneRangeToText(const Value& v, const ValueContext& ctx) {
  const RangeParts p = DeserializeRange(v);
  if (p.empty) return "empty";
  std::string out(1, p.lower.inclusive ? '[' : '(');
  if (!p.lower.infinite) AppendBound(ToText(p.lower.val, ctx), &out);
  out.push_back(',');
  if (!p.upper.infinite) AppendBound(ToText(p.upper.val, ctx), &out);
  out.push_back(p.upper.inclusive ? ']' : ')');
  return out;
}

// range_parse_bound: an empty bound is infinite; quotes group, a backslash
// takes the next character literally. *pos is left at the delimiter.
bool ParseBound(std::string_view text, size_t* pos, std::string* out) {
  size_t i = *pos;
  if (i < text.size() && (text[i] == ',' || text[i] == ')' || text[i] == ']')) return false;
  bool in_quote = false;
  for (;;) {
    if (i >= text.size()) Malformed(text, "Unexpected end of input.");
    const char c = text[i];
    if (!in_quote && (c == ',' || c == ')' || c == ']')) break;
    i++;
    if (c == '\\') {
      if (i >= text.size()) Malformed(text, "Unexpected end of input.");
      out->push_back(text[i++]);
    } else if (c == '"') {
      if (!in_quote) {
        in_quote = true;
      } else if (i < text.size() && text[i] == '"') {
        out->push_back(text[i++]);
      } else {
        in_quote = false;
      }
    } else {
      out->push_back(c);
    }
  }
  *pos = i;
  return true;
}

bool StartsWithEmpty(std::string_view s) {
  if (s.size() < 5) return false;
  for (size_t k = 0; k < 5; k++) {
    if (std::tolower(static_cast<unsigned char>(s[k])) != "empty"[k]) return false;
  }
  return true;
}

Value OneRangeFromText(std::string_view text, uint32_t type, const ValueContext& ctx) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) i++;
  if (StartsWithEmpty(text.substr(i))) {
    i += 5;
    while (i < text.size() && IsSpace(text[i])) i++;
    if (i != text.size()) Malformed(text, "Junk after \"empty\" key word.");
    return EmptyRange(type);
  }
  RangeBound lower, upper;
  if (i < text.size() && (text[i] == '[' || text[i] == '(')) {
    lower.inclusive = text[i++] == '[';
  } else {
    Malformed(text, "Missing left parenthesis or bracket.");
  }
  std::string lo, hi;
  lower.infinite = !ParseBound(text, &i, &lo);
  if (text[i] != ',') Malformed(text, "Missing comma after lower bound.");
  i++;
  upper.infinite = !ParseBound(text, &i, &hi);
  if (text[i] == ']' || text[i] == ')') {
    upper.inclusive = text[i++] == ']';
  } else {
    Malformed(text, "Too many commas.");
  }
  while (i < text.size() && IsSpace(text[i])) i++;
  if (i != text.size()) Malformed(text, "Junk after right parenthesis or bracket.");
  const uint32_t subtype = RangeSubtype(type);
  if (!lower.infinite) lower.val = FromText(lo, subtype, -1, ctx);
  if (!upper.infinite) upper.val = FromText(hi, subtype, -1, ctx);
  return MakeRange(type, std::move(lower), std::move(upper));
}

// multirange_in's state machine: ranges are cut out of the text (quotes
// and escapes respected) and parsed by range_in.
Value MultirangeFromText(std::string_view text, uint32_t type, const ValueContext& ctx) {
  const uint32_t range_type = MultirangeRangeType(type);
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) i++;
  if (i >= text.size() || text[i] != '{') Malformed(text, "Missing left brace.", true);
  i++;
  enum class State { kBefore, kIn, kInEscaped, kQuoted, kQuotedEscaped, kAfter, kDone };
  State st = State::kBefore;
  size_t begin = 0;
  int seen = 0;
  std::vector<Value> ranges;
  for (; st != State::kDone; i++) {
    if (i >= text.size()) Malformed(text, "Unexpected end of input.", true);
    const char c = text[i];
    if (IsSpace(c)) continue;
    switch (st) {
      case State::kBefore:
        if (c == '[' || c == '(') {
          begin = i;
          st = State::kIn;
        } else if (c == '}' && seen == 0) {
          st = State::kDone;
        } else if (StartsWithEmpty(text.substr(i))) {
          seen++;
          i += 4;
          st = State::kAfter;
        } else {
          Malformed(text, "Expected range start.", true);
        }
        break;
      case State::kIn:
        if (c == ']' || c == ')') {
          ranges.push_back(OneRangeFromText(text.substr(begin, i - begin + 1), range_type, ctx));
          seen++;
          st = State::kAfter;
        } else if (c == '"') {
          st = State::kQuoted;
        } else if (c == '\\') {
          st = State::kInEscaped;
        }
        break;
      case State::kInEscaped:
        st = State::kIn;
        break;
      case State::kQuoted:
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            i++;
          } else {
            st = State::kIn;
          }
        } else if (c == '\\') {
          st = State::kQuotedEscaped;
        }
        break;
      case State::kQuotedEscaped:
        st = State::kQuoted;
        break;
      case State::kAfter:
        if (c == ',') {
          st = State::kBefore;
        } else if (c == '}') {
          st = State::kDone;
        } else {
          Malformed(text, "Expected comma or end of multirange.", true);
        }
        break;
      case State::kDone:
        break;
    }
  }
  while (i < text.size() && IsSpace(text[i])) i++;
  if (i != text.size()) Malformed(text, "Junk after closing right brace.", true);
  return MakeMultirange(type, std::move(ranges));
}

void AppendOneRangeBinary(const Value& v, std::string* out) {
  const RangeParts p = DeserializeRange(v);
  out->push_back(static_cast<char>(v.i));
  for (const RangeBound* b : {&p.lower, &p.upper}) {
    if (p.empty || b->infinite) continue;
    std::string bytes;
    AppendBinary(b->val, &bytes);
    PutFixed32BE(out, static_cast<uint32_t>(bytes.size()));
    out->append(bytes);
  }
}

[[noreturn]] void ShortMessage() {
  throw PgError(sqlstate::kProtocolViolation, "insufficient data left in message");
}

Value OneRangeFromBinary(std::string_view data, uint32_t type) {
  if (data.empty()) ShortMessage();
  const auto flags = static_cast<uint8_t>(data[0]);
  data.remove_prefix(1);
  if ((flags & ~(kRangeEmpty | kRangeLbInc | kRangeUbInc | kRangeLbInf | kRangeUbInf)) != 0) {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "invalid range flags");
  }
  const uint32_t subtype = RangeSubtype(type);
  auto bound = [&](bool present, bool inclusive, RangeBound* b) {
    b->infinite = !present;
    b->inclusive = inclusive;
    if (!present) return;
    if (data.size() < 4) ShortMessage();
    const uint32_t len = DecodeFixed32BE(data.data());
    data.remove_prefix(4);
    if (data.size() < len) ShortMessage();
    b->val = FromBinary(data.substr(0, len), subtype, -1);
    data.remove_prefix(len);
  };
  const bool empty = (flags & kRangeEmpty) != 0;
  RangeBound lower, upper;
  bound(!empty && (flags & kRangeLbInf) == 0, (flags & kRangeLbInc) != 0, &lower);
  bound(!empty && (flags & kRangeUbInf) == 0, (flags & kRangeUbInc) != 0, &upper);
  if (!data.empty()) {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "incorrect binary data format in bind parameter");
  }
  if (empty) return EmptyRange(type);
  return MakeRange(type, std::move(lower), std::move(upper));
}

}  // namespace

std::string RangeToText(const Value& v, const ValueContext& ctx) {
  if (!IsMultirangeType(v.type)) return OneRangeToText(v, ctx);
  std::string out = "{";
  for (size_t k = 0; k < v.arr->size(); k++) {
    if (k > 0) out.push_back(',');
    out += OneRangeToText((*v.arr)[k], ctx);
  }
  return out + "}";
}

Value RangeFromText(std::string_view text, uint32_t type, const ValueContext& ctx) {
  if (IsMultirangeType(type)) return MultirangeFromText(text, type, ctx);
  return OneRangeFromText(text, type, ctx);
}

void AppendRangeBinary(const Value& v, std::string* out) {
  if (!IsMultirangeType(v.type)) {
    AppendOneRangeBinary(v, out);
    return;
  }
  PutFixed32BE(out, static_cast<uint32_t>(v.arr->size()));
  for (const Value& r : *v.arr) {
    std::string bytes;
    AppendOneRangeBinary(r, &bytes);
    PutFixed32BE(out, static_cast<uint32_t>(bytes.size()));
    out->append(bytes);
  }
}

Value RangeFromBinary(std::string_view data, uint32_t type) {
  const uint32_t range_type = MultirangeRangeType(type);
  if (range_type == 0) return OneRangeFromBinary(data, type);
  if (data.size() < 4) ShortMessage();
  const uint32_t n = DecodeFixed32BE(data.data());
  data.remove_prefix(4);
  std::vector<Value> ranges;
  for (uint32_t k = 0; k < n; k++) {
    if (data.size() < 4) ShortMessage();
    const uint32_t len = DecodeFixed32BE(data.data());
    data.remove_prefix(4);
    if (data.size() < len) ShortMessage();
    ranges.push_back(OneRangeFromBinary(data.substr(0, len), range_type));
    data.remove_prefix(len);
  }
  if (!data.empty()) {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "incorrect binary data format in bind parameter");
  }
  return MakeMultirange(type, std::move(ranges));
}

}  // namespace immu::sql
