// pg_trgm: trigram similarity (a port of PostgreSQL 15's contrib/pg_trgm
// trgm_op.c: the same trigram extraction, ordering and word-similarity
// search, so values match to the last float4 digit).
//
// Words are maximal runs of letters and digits, lowered; each is padded with
// two spaces in front and one behind and its trigrams are those of the
// padded word.

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "catalog/pg_error.h"
#include "sql/extensions.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;
using Trgm = std::array<char, 3>;

// CMPTRGM: byte-wise over (signed) char, as PostgreSQL compiles it on x86.
int CmpTrgm(const Trgm& a, const Trgm& b) {
  for (int i = 0; i < 3; i++) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

// Word characters under the database's C locale (datctype "C"), where
// PostgreSQL's t_isalpha/t_isdigit accept ASCII letters and digits only;
// every trigram is then three ASCII bytes (no CRC-compacted ones).
bool IsWordByte(unsigned char c) { return std::isalnum(c) != 0 && c < 0x80; }

// Trigrams in text order (generate_trgm_only); bounds (when given) marks
// each word's first (1) and last (2) trigram.
std::vector<Trgm> TrigramsInOrder(std::string_view s, std::vector<uint8_t>* bounds) {
  std::vector<Trgm> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !IsWordByte(static_cast<unsigned char>(s[i]))) i++;
    if (i >= s.size()) break;
    std::string word = "  ";
    while (i < s.size() && IsWordByte(static_cast<unsigned char>(s[i]))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
      i++;
    }
    word.push_back(' ');
    const size_t first = out.size();
    for (size_t k = 0; k + 2 < word.size(); k++) out.push_back({word[k], word[k + 1], word[k + 2]});
    if (bounds != nullptr) {
      bounds->resize(out.size(), 0);
      (*bounds)[first] |= 1;
      (*bounds)[out.size() - 1] |= 2;
    }
  }
  return out;
}

// The sorted, unique trigram set (generate_trgm).
std::vector<Trgm> TrigramSet(std::string_view s) {
  std::vector<Trgm> t = TrigramsInOrder(s, nullptr);
  std::sort(t.begin(), t.end(), [](const Trgm& a, const Trgm& b) { return CmpTrgm(a, b) < 0; });
  t.erase(std::unique(t.begin(), t.end(), [](const Trgm& a, const Trgm& b) { return CmpTrgm(a, b) == 0; }), t.end());
  return t;
}

float CalcSml(int count, int len1, int len2) {
  return static_cast<float>(count) / static_cast<float>(len1 + len2 - count);
}

float Similarity(std::string_view a, std::string_view b) {
  const auto x = TrigramSet(a), y = TrigramSet(b);
  if (x.empty() || y.empty()) return 0;
  int count = 0;
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    const int c = CmpTrgm(x[i], y[j]);
    if (c == 0) count++;
    if (c <= 0) i++;
    if (c >= 0) j++;
  }
  return CalcSml(count, static_cast<int>(x.size()), static_cast<int>(y.size()));
}

// calc_word_similarity + iterate_word_similarity: the greatest similarity
// between a's trigram set and a continuous extent of b's trigrams (strict:
// extents made of whole words).
float WordSimilarity(std::string_view a, std::string_view b, bool strict) {
  std::vector<uint8_t> bounds;
  const std::vector<Trgm> t1 = TrigramsInOrder(a, nullptr);
  const std::vector<Trgm> t2 = TrigramsInOrder(b, strict ? &bounds : nullptr);
  struct Pos {
    Trgm t;
    int index;  // -1: from a; else the position in b
  };
  std::vector<Pos> p;
  for (const auto& t : t1) p.push_back({t, -1});
  for (size_t i = 0; i < t2.size(); i++) p.push_back({t2[i], static_cast<int>(i)});
  std::sort(p.begin(), p.end(), [](const Pos& x, const Pos& y) {
    const int c = CmpTrgm(x.t, y.t);
    return c != 0 ? c < 0 : x.index < y.index;
  });
  const int len = static_cast<int>(p.size()), len2 = static_cast<int>(t2.size());
  std::vector<int> trg2indexes(static_cast<size_t>(len2));
  std::vector<char> found(static_cast<size_t>(len) + 1, 0);
  int ulen1 = 0, j = 0;
  for (int i = 0; i < len; i++) {
    if (i > 0 && CmpTrgm(p[i - 1].t, p[i].t) != 0) {
      if (found[j]) ulen1++;
      j++;
    }
    if (p[i].index >= 0) trg2indexes[static_cast<size_t>(p[i].index)] = j;
    else found[j] = 1;
  }
  if (len > 0 && found[j]) ulen1++;

  std::vector<int> lastpos(static_cast<size_t>(len) + 1, -1);
  int ulen2 = 0, count = 0, upper = -1, lower = strict ? 0 : -1;
  float smlr_max = 0;
  for (int i = 0; i < len2; i++) {
    const int trgindex = trg2indexes[i];
    if (lower >= 0 || found[trgindex]) {
      if (lastpos[trgindex] < 0) {
        ulen2++;
        if (found[trgindex]) count++;
      }
      lastpos[trgindex] = i;
    }
    if (strict ? (bounds[i] & 2) != 0 : found[trgindex] != 0) {
      upper = i;
      if (lower == -1) {
        lower = i;
        ulen2 = 1;
      }
      float smlr_cur = CalcSml(count, ulen1, ulen2);
      int tmp_count = count, tmp_ulen2 = ulen2;
      const int prev_lower = lower;
      for (int tmp_lower = lower; tmp_lower <= upper; tmp_lower++) {
        if (!strict || (bounds[tmp_lower] & 1) != 0) {
          const float smlr_tmp = CalcSml(tmp_count, ulen1, tmp_ulen2);
          if (smlr_tmp > smlr_cur) {
            smlr_cur = smlr_tmp;
            ulen2 = tmp_ulen2;
            lower = tmp_lower;
            count = tmp_count;
          }
        }
        const int tmp_trgindex = trg2indexes[tmp_lower];
        if (lastpos[tmp_trgindex] == tmp_lower) {
          tmp_ulen2--;
          if (found[tmp_trgindex]) tmp_count--;
        }
      }
      smlr_max = std::max(smlr_max, smlr_cur);
      for (int tmp_lower = prev_lower; tmp_lower < lower; tmp_lower++) {
        const int tmp_trgindex = trg2indexes[tmp_lower];
        if (lastpos[tmp_trgindex] == tmp_lower) lastpos[tmp_trgindex] = -1;
      }
    }
  }
  return smlr_max;
}

// The pg_trgm.* thresholds: the session's setting, else the default.
double Threshold(EvalContext& ctx, const char* name, double dflt) {
  if (ctx.settings != nullptr) {
    if (auto it = ctx.settings->find(name); it != ctx.settings->end()) {
      char* end = nullptr;
      const double v = std::strtod(it->second.c_str(), &end);
      if (end != it->second.c_str()) return v;
    }
  }
  return dflt;
}
constexpr const char* kSimilarity = "pg_trgm.similarity_threshold";
constexpr const char* kWord = "pg_trgm.word_similarity_threshold";
constexpr const char* kStrict = "pg_trgm.strict_word_similarity_threshold";

Value F4(float f) { return Value::Float(oid::kFloat4, f); }

Value ShowTrgm(Args a, EvalContext&) {
  ValueArray out;
  for (const Trgm& t : TrigramSet(a[0].s)) out.push_back(Value::Str(oid::kText, std::string(t.begin(), t.end())));
  return Value::Array(oid::kTextArray, std::move(out));
}

Value SimilarityFn(Args a, EvalContext&) { return F4(Similarity(a[0].s, a[1].s)); }
Value WordSimilarityFn(Args a, EvalContext&) { return F4(WordSimilarity(a[0].s, a[1].s, false)); }
Value StrictWordSimilarityFn(Args a, EvalContext&) { return F4(WordSimilarity(a[0].s, a[1].s, true)); }

Value SimilarOp(Args a, EvalContext& ctx) { return Value::Bool(Similarity(a[0].s, a[1].s) >= Threshold(ctx, kSimilarity, 0.3)); }
Value WordSimilarOp(Args a, EvalContext& ctx) {  // a <% b
  return Value::Bool(WordSimilarity(a[0].s, a[1].s, false) >= Threshold(ctx, kWord, 0.6));
}
Value WordSimilarCommutatorOp(Args a, EvalContext& ctx) {  // a %> b
  return Value::Bool(WordSimilarity(a[1].s, a[0].s, false) >= Threshold(ctx, kWord, 0.6));
}
Value StrictSimilarOp(Args a, EvalContext& ctx) {  // a <<% b
  return Value::Bool(WordSimilarity(a[0].s, a[1].s, true) >= Threshold(ctx, kStrict, 0.5));
}
Value StrictSimilarCommutatorOp(Args a, EvalContext& ctx) {  // a %>> b
  return Value::Bool(WordSimilarity(a[1].s, a[0].s, true) >= Threshold(ctx, kStrict, 0.5));
}
Value DistOp(Args a, EvalContext&) { return F4(1.0f - Similarity(a[0].s, a[1].s)); }
Value WordDistOp(Args a, EvalContext&) { return F4(1.0f - WordSimilarity(a[0].s, a[1].s, false)); }
Value WordDistCommutatorOp(Args a, EvalContext&) { return F4(1.0f - WordSimilarity(a[1].s, a[0].s, false)); }
Value StrictDistOp(Args a, EvalContext&) { return F4(1.0f - WordSimilarity(a[0].s, a[1].s, true)); }
Value StrictDistCommutatorOp(Args a, EvalContext&) { return F4(1.0f - WordSimilarity(a[1].s, a[0].s, true)); }

// set_limit(real): sets pg_trgm.similarity_threshold (deprecated, kept by
// the extension) and returns it; show_limit() reads it.
Value SetLimit(Args a, EvalContext& ctx) {
  if (a[0].f < 0 || a[0].f > 1 || std::isnan(a[0].f)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", a[0].f);
    throw PgError(sqlstate::kInvalidParameterValue, std::string(buf) +
                                                        " is outside the valid range for parameter \"" + kSimilarity +
                                                        "\" (0 .. 1)");
  }
  if (!ctx.set_parameter) throw PgError(sqlstate::kFeatureNotSupported, "set_limit needs a session");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", a[0].f);
  ctx.set_parameter(kSimilarity, buf);
  return F4(static_cast<float>(Threshold(ctx, kSimilarity, 0.3)));
}
Value ShowLimit(Args, EvalContext& ctx) { return F4(static_cast<float>(Threshold(ctx, kSimilarity, 0.3))); }

}  // namespace

bool ResolveTrgmFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  static const ExtensionFn kFns[] = {
      {"show_trgm", ShowTrgm, oid::kTextArray, {oid::kText}},
      {"similarity", SimilarityFn, oid::kFloat4, {oid::kText, oid::kText}},
      {"word_similarity", WordSimilarityFn, oid::kFloat4, {oid::kText, oid::kText}},
      {"strict_word_similarity", StrictWordSimilarityFn, oid::kFloat4, {oid::kText, oid::kText}},
      {"set_limit", SetLimit, oid::kFloat4, {oid::kFloat4}},
      {"show_limit", ShowLimit, oid::kFloat4, {}},
  };
  return MatchExtensionFunction(kFns, name, arg_types, out);
}

bool ResolveTrgmOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  static const std::pair<std::string_view, std::pair<ScalarFn, uint32_t>> kOps[] = {
      {"%", {SimilarOp, oid::kBool}},          {"<%", {WordSimilarOp, oid::kBool}},
      {"%>", {WordSimilarCommutatorOp, oid::kBool}}, {"<<%", {StrictSimilarOp, oid::kBool}},
      {"%>>", {StrictSimilarCommutatorOp, oid::kBool}}, {"<->", {DistOp, oid::kFloat4}},
      {"<<->", {WordDistOp, oid::kFloat4}},    {"<->>", {WordDistCommutatorOp, oid::kFloat4}},
      {"<<<->", {StrictDistOp, oid::kFloat4}}, {"<->>>", {StrictDistCommutatorOp, oid::kFloat4}},
  };
  auto texty = [](uint32_t t) { return t == oid::kText || t == oid::kVarchar || t == oid::kUnknown || t == oid::kBpchar || IsCitextType(t); };
  if (left == 0 || !texty(left) || !texty(right)) return false;
  // Two unknown literals resolve to text % text, as PostgreSQL prefers the
  // string category for unknown arguments once pg_trgm's operator exists.
  for (const auto& [name, impl] : kOps) {
    if (op == name) {
      *out = {impl.first, impl.second, {oid::kText, oid::kText}};
      return true;
    }
  }
  return false;
}

}  // namespace immu::sql
