// to_char(number, format) and to_number(text, format) of PostgreSQL 15
// (formatting.c's NUM_* machinery, C locale: '.' decimal point, ','
// group separator, ' ' currency symbol): 9 0 . , D G S MI PL SG PR FM
// EEEE V L RN TH, "quoted text"; the number text comes from the exact
// numeric (integers and numeric) or printf (float8), as PostgreSQL does.

#include <cmath>
#include <cstdio>
#include <cstring>

#include "catalog/pg_error.h"
#include "sql/fn_library.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

enum class Key { kNone, k9, k0, kDec, kD, kComma, kG, kS, kMI, kPL, kSG, kPR, kFM, kEEEE, kV, kL, kRN, krn, kTH, kth, kB };

struct Node {
  Key key = Key::kNone;
  std::string text;  // kNone: literal text copied to the output
};

struct NumDesc {
  int pre = 0, post = 0, multi = 0, pre_lsign_num = 0, zero_start = 0, zero_end = 0;
  bool decimal = false, zero = false, fill = false, lsign = false, lsign_post = false, minus = false, plus = false,
       bracket = false, eeee = false, multi_flag = false, roman = false;
};

[[noreturn]] void Syntax(const std::string& msg, const std::string& detail = {}) {
  throw PgError(sqlstate::kSyntaxError, msg, detail);
}

std::vector<Node> ParseFormat(std::string_view f, NumDesc* d) {
  static const std::pair<const char*, Key> kKeys[] = {
      {"EEEE", Key::kEEEE}, {"eeee", Key::kEEEE}, {"FM", Key::kFM}, {"fm", Key::kFM}, {"MI", Key::kMI}, {"mi", Key::kMI},
      {"PL", Key::kPL},     {"pl", Key::kPL},     {"PR", Key::kPR}, {"pr", Key::kPR}, {"RN", Key::kRN}, {"rn", Key::krn},
      {"SG", Key::kSG},     {"sg", Key::kSG},     {"TH", Key::kTH}, {"th", Key::kth}, {"9", Key::k9},   {"0", Key::k0},
      {".", Key::kDec},     {",", Key::kComma},   {"D", Key::kD},   {"d", Key::kD},   {"G", Key::kG},   {"g", Key::kG},
      {"S", Key::kS},       {"s", Key::kS},       {"V", Key::kV},   {"v", Key::kV},   {"L", Key::kL},   {"l", Key::kL},
      {"B", Key::kB},       {"b", Key::kB},
  };
  std::vector<Node> out;
  for (size_t i = 0; i < f.size();) {
    if (f[i] == '"') {  // quoted literal text
      Node n;
      for (i++; i < f.size() && f[i] != '"'; i++) {
        if (f[i] == '\\' && i + 1 < f.size()) i++;
        n.text += f[i];
      }
      i++;
      out.push_back(std::move(n));
      continue;
    }
    Key key = Key::kNone;
    size_t len = 1;
    for (const auto& [word, k] : kKeys) {
      if (f.substr(i).starts_with(word)) {
        key = k;
        len = std::string_view(word).size();
        break;
      }
    }
    if (key == Key::kNone) {
      while (i + len < f.size() && (static_cast<unsigned char>(f[i + len]) & 0xC0) == 0x80) len++;
      out.push_back({Key::kNone, std::string(f.substr(i, len))});
      i += len;
      continue;
    }
    i += len;
    switch (key) {
      case Key::k9:
        if (d->bracket) Syntax("\"9\" must be ahead of \"PR\"");
        if (d->multi_flag) d->multi++;
        else if (d->decimal) d->post++;
        else d->pre++;
        break;
      case Key::k0:
        if (d->bracket) Syntax("\"0\" must be ahead of \"PR\"");
        if (!d->zero && !d->decimal) {
          d->zero = true;
          d->zero_start = d->pre + 1;
        }
        if (!d->decimal) d->pre++;
        else d->post++;
        d->zero_end = d->pre + d->post;
        break;
      case Key::kD:
      case Key::kDec:
        if (d->decimal) Syntax("multiple decimal points");
        if (d->multi_flag) Syntax("cannot use \"V\" and decimal point together");
        d->decimal = true;
        break;
      case Key::kFM: d->fill = true; break;
      case Key::kS:
        if (d->lsign) Syntax("cannot use \"S\" twice");
        if (d->plus || d->minus || d->bracket) Syntax("cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together");
        d->lsign = true;
        if (!d->decimal) d->pre_lsign_num = d->pre;
        else d->lsign_post = true;
        break;
      case Key::kMI:
        if (d->lsign) Syntax("cannot use \"S\" and \"MI\" together");
        d->minus = true;
        break;
      case Key::kPL:
        if (d->lsign) Syntax("cannot use \"S\" and \"PL\" together");
        d->plus = true;
        break;
      case Key::kSG:
        if (d->lsign) Syntax("cannot use \"S\" and \"SG\" together");
        d->minus = d->plus = true;
        break;
      case Key::kPR:
        if (d->lsign || d->plus || d->minus) Syntax("cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together");
        d->bracket = true;
        break;
      case Key::kRN:
      case Key::krn: d->roman = true; break;
      case Key::kV:
        if (d->decimal) Syntax("cannot use \"V\" and decimal point together");
        d->multi_flag = true;
        break;
      case Key::kEEEE:
        if (d->eeee) Syntax("cannot use \"EEEE\" twice");
        if (d->fill || d->lsign || d->bracket || d->minus || d->plus || d->roman || d->multi_flag) {
          Syntax("\"EEEE\" is incompatible with other formats",
                 "\"EEEE\" may only be used together with digit and decimal point patterns.");
        }
        d->eeee = true;
        break;
      default: break;
    }
    out.push_back({key, {}});
  }
  return out;
}

std::string Roman(int64_t v) {
  if (v < 1 || v > 3999) return std::string(15, '#');
  static const std::pair<int, const char*> kR[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
                                                   {90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
                                                   {5, "V"},    {4, "IV"},   {1, "I"}};
  std::string out;
  for (const auto& [n, s] : kR) {
    while (v >= n) {
      out += s;
      v -= n;
    }
  }
  return out;
}

// NUM_processor for to_char: lays the digits of `number` (no sign, '.'
// as decimal point, or '#'s on overflow) over the format.
std::string Process(const std::vector<Node>& nodes, NumDesc d, const std::string& number, char sign, int pre_spaces) {
  const char* num = number.c_str();
  const char* np = num;
  std::string out;
  bool sign_wrote;
  if (d.plus || d.minus) {
    sign_wrote = !(d.plus && !d.minus);
  } else {
    if (sign != '-' && d.fill) d.bracket = false;
    sign_wrote = sign == '+' && d.fill && !d.lsign;
    if (d.lsign && !d.lsign_post && d.pre == d.pre_lsign_num) d.lsign_post = true;
  }
  if (d.zero_start > 0) d.zero_start--;  // 0-based from here, as NUM_processor
  int num_count = d.post + d.pre - 1;
  const char* last_relevant = nullptr;
  if (d.fill && d.decimal) {
    if (const char* p = std::strchr(num, '.')) {
      last_relevant = p;
      for (const char* q = p + 1; *q; q++) {
        if (*q != '0') last_relevant = q;
      }
    }
    if (last_relevant != nullptr && d.zero_end > pre_spaces) {
      const int last_zero_pos = std::min(static_cast<int>(number.size()) - 1, d.zero_end - pre_spaces);
      if (last_relevant < num + last_zero_pos) last_relevant = num + last_zero_pos;
    }
  }
  if (!sign_wrote && pre_spaces == 0) ++num_count;
  int num_curr = 0;
  bool num_in = false;
  auto predec_space = [&] { return !d.zero && np == num && *num == '0' && d.post != 0; };
  auto write_sign = [&] { out += sign == '-' ? '-' : '+'; };
  for (const Node& n : nodes) {
    switch (n.key) {
      case Key::kNone: out += n.text; continue;
      case Key::k9:
      case Key::k0:
      case Key::kDec:
      case Key::kD: {
        if (d.roman) continue;
        num_in = false;
        if (!sign_wrote && (num_curr >= pre_spaces || (d.zero && d.zero_start == num_curr)) &&
            (!predec_space() || (last_relevant != nullptr && *last_relevant == '.'))) {
          if (d.lsign) {
            if (!d.lsign_post) {
              write_sign();
              sign_wrote = true;
            }
          } else if (d.bracket) {
            out += sign == '+' ? ' ' : '<';
            sign_wrote = true;
          } else if (sign == '+') {
            if (!d.fill) out += ' ';
            sign_wrote = true;
          } else {
            out += '-';
            sign_wrote = true;
          }
        }
        if (num_curr < pre_spaces && (d.zero_start > num_curr || !d.zero)) {
          if (!d.fill) out += ' ';
        } else if (d.zero && num_curr < pre_spaces && d.zero_start <= num_curr) {
          out += '0';
          num_in = true;
        } else {
          if (*np == '.') {
            if (last_relevant == nullptr || *last_relevant != '.' || d.fill) out += '.';
          } else if (last_relevant != nullptr && np > last_relevant && n.key != Key::k0) {
          } else if (predec_space()) {
            if (!d.fill) out += ' ';
            else if (last_relevant != nullptr && *last_relevant == '.') out += '0';
          } else {
            if (*np) out += *np;
            num_in = true;
          }
          if (*np) ++np;
        }
        int end = num_count + (pre_spaces ? 1 : 0) + (d.decimal ? 1 : 0);
        if (last_relevant != nullptr && last_relevant == np) end = num_curr;
        if (num_curr + 1 == end) {
          if (sign_wrote && d.bracket) out += sign == '+' ? ' ' : '>';
          else if (d.lsign && d.lsign_post) write_sign();
        }
        ++num_curr;
        continue;
      }
      case Key::kComma:
      case Key::kG:
        if (!num_in) {
          if (!d.fill) out += ' ';
        } else {
          out += ',';
        }
        continue;
      case Key::kL: out += ' '; continue;
      case Key::kRN:
      case Key::krn: {
        std::string r = number;
        if (n.key == Key::krn) {
          for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (!d.fill && r.size() < 15) r = std::string(15 - r.size(), ' ') + r;
        out += r;
        continue;
      }
      case Key::kTH:
      case Key::kth: {
        if (d.roman || number[0] == '#' || sign == '-' || d.decimal) continue;
        const size_t len = number.size();
        const char last = number[len - 1];
        const bool teen = len > 1 && number[len - 2] == '1';
        const char* s = teen || last < '1' || last > '3' ? "th" : last == '1' ? "st" : last == '2' ? "nd" : "rd";
        std::string suffix = s;
        if (n.key == Key::kTH) {
          for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out += suffix;
        continue;
      }
      case Key::kMI:
        if (sign == '-') out += '-';
        else if (!d.fill) out += ' ';
        continue;
      case Key::kPL:
        if (sign == '+') out += '+';
        else if (!d.fill) out += ' ';
        continue;
      case Key::kSG: out += sign; continue;
      default: continue;
    }
  }
  return out;
}

// numeric_out_sci: d.ddd...e+NN with `scale` digits after the point.
std::string NumericSci(const Numeric& v, int scale) {
  if (v.is_zero()) {
    return (scale > 0 ? "0." + std::string(static_cast<size_t>(scale), '0') : std::string("0")) + "e+00";
  }
  const std::string s = v.Abs().Trunc(0).is_zero() ? v.Abs().ToString() : v.Abs().Trunc(0).ToString();
  int exponent;
  if (!v.Abs().Trunc(0).is_zero()) {
    exponent = static_cast<int>(s.size()) - 1;
  } else {  // 0.000ddd
    const std::string f = v.Abs().ToString();
    exponent = -static_cast<int>(f.find_first_not_of("0.") - 1);
  }
  const Numeric ten = Numeric::FromInt64(10);
  const Numeric sig = Numeric::Div(v, Numeric::Power(ten, Numeric::FromInt64(exponent))).Round(scale);
  char exp_str[16];
  std::snprintf(exp_str, sizeof exp_str, "e%+03d", exponent);
  return sig.ToString() + exp_str;
}

Value ToCharNumber(Args a, EvalContext&) {
  NumDesc d;
  const std::vector<Node> nodes = ParseFormat(a[1].s, &d);
  const bool is_float = a[0].type == oid::kFloat8 || a[0].type == oid::kFloat4;
  Numeric num = is_float ? Numeric() : a[0].type == oid::kNumeric ? *a[0].num : Numeric::FromInt64(a[0].i);
  if (d.roman) {
    int64_t v = 0;
    if (is_float) v = static_cast<int64_t>(std::nearbyint(a[0].f));
    else if (num.is_finite() && Numeric::Compare(num.Abs(), Numeric::FromInt64(1000000)) < 0) v = num.Round(0).ToInt64();
    return Value::Str(oid::kText, Process(nodes, d, Roman(v), '+', 0));
  }
  if (d.eeee) {
    std::string s;
    if (is_float) {
      if (std::isnan(a[0].f) || std::isinf(a[0].f)) {
        s = std::string(static_cast<size_t>(d.pre + d.post + 6), '#');
        s[0] = ' ';
        s[static_cast<size_t>(d.pre + 1)] = '.';
      } else {
        char buf[512];
        std::snprintf(buf, sizeof buf, "%+.*e", d.post, a[0].f);
        s = buf;
        if (s[0] == '+') s[0] = ' ';
      }
    } else if (!num.is_finite()) {
      s = std::string(static_cast<size_t>(d.pre + d.post + 6), '#');
      s[0] = ' ';
      s[static_cast<size_t>(d.pre + 1)] = '.';
    } else {
      s = NumericSci(num, d.post);
      if (s[0] != '-') s = " " + s;
    }
    return Value::Str(oid::kText, s);
  }
  std::string text;
  if (is_float) {
    double v = a[0].f;
    if (d.multi_flag) {
      v *= std::pow(10.0, d.multi);
      d.pre += d.multi;
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.0f", std::fabs(v));
    const int pre_len = static_cast<int>(std::strlen(buf));
    if (pre_len >= 15) d.post = 0;
    else if (pre_len + d.post > 15) d.post = 15 - pre_len;
    std::snprintf(buf, sizeof buf, "%.*f", d.post, v);
    text = buf;
  } else {
    if (d.multi_flag) {
      num = Numeric::Mul(num, Numeric::Power(Numeric::FromInt64(10), Numeric::FromInt64(d.multi)));
      d.pre += d.multi;
    }
    text = num.Round(d.post).ToString();
  }
  char sign = '+';
  if (!text.empty() && text[0] == '-') {
    sign = '-';
    text.erase(0, 1);
  }
  const size_t dot = text.find('.');
  const int pre_len = static_cast<int>(dot == std::string::npos ? text.size() : dot);
  int pre_spaces = 0;
  if (pre_len < d.pre) {
    pre_spaces = d.pre - pre_len;
  } else if (pre_len > d.pre) {
    text = std::string(static_cast<size_t>(d.pre + d.post + 1), '#');
    text[static_cast<size_t>(d.pre)] = '.';
  }
  return Value::Str(oid::kText, Process(nodes, d, text, sign, pre_spaces));
}

// to_number: the digits, decimal point and sign of the input read along
// the format (9 0 . D , G S MI PL SG PR and literal characters).
Value ToNumber(Args a, EvalContext&) {
  NumDesc d;
  const std::vector<Node> nodes = ParseFormat(a[1].s, &d);
  if (d.eeee) Syntax("\"EEEE\" not supported for input");
  if (d.roman) throw PgError(sqlstate::kFeatureNotSupported, "\"RN\" not supported for input");
  const std::string& in = a[0].s;
  size_t p = 0;
  std::string digits;
  bool negative = false, seen_point = false;
  auto skip_spaces = [&] {
    while (p < in.size() && in[p] == ' ') p++;
  };
  for (const Node& n : nodes) {
    if (p >= in.size()) break;
    switch (n.key) {
      case Key::k9:
      case Key::k0:
        if (digits.empty() && !seen_point) skip_spaces();
        if (p < in.size() && (in[p] == '-' || in[p] == '+' || in[p] == '<') && !d.lsign && !d.minus && !d.plus) {
          negative = in[p] != '+';
          p++;
        }
        if (p < in.size() && std::isdigit(static_cast<unsigned char>(in[p]))) digits += in[p++];
        break;
      case Key::kDec:
      case Key::kD:
        if (digits.empty()) skip_spaces();
        if (p < in.size() && in[p] == '.') {
          p++;
          seen_point = true;
          digits += '.';
        }
        break;
      case Key::kComma:
      case Key::kG:
        if (p < in.size() && in[p] == ',') p++;
        break;
      case Key::kS:
      case Key::kMI:
      case Key::kPL:
      case Key::kSG:
        skip_spaces();
        if (p < in.size() && (in[p] == '-' || in[p] == '+')) negative = in[p++] == '-';
        break;
      case Key::kPR:
        if (p < in.size() && in[p] == '>') p++;
        break;
      case Key::kL:  // a currency symbol: any one non-numeric character
        skip_spaces();
        if (p < in.size() && !std::isdigit(static_cast<unsigned char>(in[p])) && in[p] != '.' && in[p] != '-' && in[p] != '+') p++;
        break;
      case Key::kNone:
        p += n.text.size();
        break;
      default: break;
    }
  }
  if (!in.empty() && in[0] == '<' && d.bracket) negative = true;
  if (digits.empty() || digits == ".") digits = "0";
  Numeric v = Numeric::Parse(digits);
  if (d.multi_flag) v = Numeric::Div(v, Numeric::Power(Numeric::FromInt64(10), Numeric::FromInt64(d.multi)));
  return Value::Num(negative ? v.Negate() : v);
}

}  // namespace

bool ResolveNumberFormatFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  if (t.size() != 2 || !IsStringCategory(t[1])) return false;
  if (name == "to_char" && (IsNumericCategory(t[0]))) {
    const uint32_t x = t[0] == oid::kFloat4 ? oid::kFloat8 : t[0] == oid::kInt2 ? oid::kInt4 : t[0];
    *out = {ToCharNumber, oid::kText, {x, oid::kText}};
    return true;
  }
  if (name == "to_number" && IsStringCategory(t[0])) {
    *out = {ToNumber, oid::kNumeric, {oid::kText, oid::kText}};
    return true;
  }
  return false;
}

}  // namespace immu::sql
