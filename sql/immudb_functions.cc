// Registration and dispatch of the immudb_* functions (immudb_functions.h),
// and the helpers their implementations share (immudb_internal.h).

#include "sql/immudb_functions.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>
#include <utility>

#include "catalog/pg_error.h"
#include "sql/database.h"
#include "sql/immudb_internal.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace immudb {
namespace {

struct Column {
  const char* name;
  uint32_t type;
};

constexpr size_t kVariadic = SIZE_MAX;

struct Fn {
  const char* name;
  std::vector<Column> columns;
  std::vector<uint32_t> fixed;  // types of the leading arguments; the rest take any type
  size_t min_args, max_args;
  bool set_returning;
  Rows (*run)(std::span<const Value>, EvalContext&);
};

constexpr size_t kFnCount = 14;

const std::array<Fn, kFnCount>& Fns() {
  using namespace oid;  // NOLINT: type OIDs read better unqualified here
  static const std::array<Fn, kFnCount> kFns = {{
      {"immudb_state",
       {{"db", kText}, {"tx_id", kInt8}, {"tx_hash", kText}, {"precommitted_tx", kInt8},
        {"signature", kText}, {"public_key", kText}},
       {}, 0, 0, false, State},
      {"immudb_verify_row",
       {{"verified", kBool}, {"table_name", kText}, {"tx_id", kInt8}, {"revision", kInt8},
        {"entry_key", kText}, {"reason", kText}},
       {kText}, 2, kVariadic, false, VerifyRow},
      {"immudb_verify_key",
       {{"verified", kBool}, {"key", kText}, {"tx_id", kInt8}, {"revision", kInt8},
        {"entry_key", kText}, {"reason", kText}},
       {kText}, 1, 1, false, VerifyKey},
      {"immudb_verify_tx",
       {{"verified", kBool}, {"tx_id", kInt8}, {"nentries", kInt4}, {"tx_hash", kText},
        {"state_tx_id", kInt8}, {"reason", kText}},
       {kInt8}, 1, 1, false, VerifyTx},
      {"immudb_tx",
       {{"tx_id", kInt8}, {"ts", kTimestampTz}, {"version", kInt4}, {"nentries", kInt4},
        {"eh", kText}, {"bl_tx_id", kInt8}, {"bl_root", kText}, {"prev_tx_hash", kText},
        {"tx_hash", kText}, {"metadata", kText}},
       {kInt8}, 1, 1, false, Tx},
      {"immudb_history",
       {{"key", kText}, {"value", kText}, {"tx_id", kInt8}, {"revision", kInt8},
        {"ts", kTimestampTz}, {"deleted", kBool}},
       {kText, kInt8, kInt8}, 1, 3, true, History},
      {"immudb_row_history",
       {{"tx_id", kInt8}, {"revision", kInt8}, {"ts", kTimestampTz}, {"deleted", kBool},
        {"entry_key", kText}, {"row", kJson}},
       {kText}, 2, kVariadic, true, RowHistory},
      {"immudb_proof_row", {{"proof", kJson}}, {kText}, 2, kVariadic, false, ProofRow},
      {"immudb_proof_key", {{"proof", kJson}}, {kText, kInt8}, 1, 2, false, ProofKey},
      {"immudb_proof_tx", {{"proof", kJson}}, {kInt8, kInt8}, 1, 2, false, ProofTx},
      {"immudb_proof_state", {{"proof", kJson}}, {kInt8}, 0, 1, false, ProofState},
      {"immudb_set", {{"key", kText}, {"revision", kInt8}}, {kText, kText}, 2, 2, false, Set},
      {"immudb_get",
       {{"key", kText}, {"value", kText}, {"tx_id", kInt8}, {"revision", kInt8}},
       {kText, kInt8}, 1, 2, false, Get},
      {"immudb_scan",
       {{"key", kText}, {"value", kText}, {"tx_id", kInt8}, {"revision", kInt8}},
       {kText, kInt8}, 1, 2, true, Scan},
  }};
  return kFns;
}

const Fn* FindFn(std::string_view name) {
  for (const auto& f : Fns()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

bool TakesArgs(const Fn& f, size_t n) { return n >= f.min_args && (f.max_args == kVariadic || n <= f.max_args); }

// Argument types to coerce to (untyped literals in "any" positions: text).
std::vector<uint32_t> ArgTypes(const Fn& f, std::span<const uint32_t> given) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < given.size(); i++) {
    out.push_back(i < f.fixed.size() ? f.fixed[i] : given[i] == oid::kUnknown ? oid::kText : 0);
  }
  return out;
}

// PostgreSQL's record_out: fields separated by commas in parentheses, NULL
// as nothing, quoted when empty or holding a delimiter, quote, backslash or
// white space.
std::string RecordText(const Row& row, EvalContext& ctx) {
  std::string out = "(";
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) out.push_back(',');
    if (row[i].null) continue;
    const std::string s = ToText(row[i], ctx.vc);
    bool quote = s.empty();
    for (char c : s) {
      quote |= c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || std::isspace(static_cast<unsigned char>(c));
    }
    if (!quote) {
      out += s;
      continue;
    }
    out.push_back('"');
    for (char c : s) {
      if (c == '"' || c == '\\') out.push_back(c);
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + ")";
}

uint32_t ScalarType(const Fn& f) { return f.columns.size() == 1 ? f.columns[0].type : oid::kText; }

template <size_t I>
Value ScalarCall(std::span<const Value> a, EvalContext& ctx) {
  const Fn& f = Fns()[I];
  Rows rows = f.run(a, ctx);
  if (rows.empty()) return Value::Null(ScalarType(f));
  if (f.columns.size() == 1) return std::move(rows[0][0]);
  return Value::Str(oid::kText, RecordText(rows[0], ctx));
}

// (f(args)).column: the column index rides as the last argument.
template <size_t I>
Value FieldCall(std::span<const Value> a, EvalContext& ctx) {
  const Fn& f = Fns()[I];
  const auto column = static_cast<size_t>(a.back().i);
  Rows rows = f.run(a.first(a.size() - 1), ctx);
  if (rows.empty()) return Value::Null(f.columns[column].type);
  return std::move(rows[0][column]);
}

template <size_t... I>
constexpr std::array<ScalarFn, kFnCount> ScalarTable(std::index_sequence<I...>) {
  return {ScalarCall<I>...};
}
template <size_t... I>
constexpr std::array<ScalarFn, kFnCount> FieldTable(std::index_sequence<I...>) {
  return {FieldCall<I>...};
}
constexpr std::array<ScalarFn, kFnCount> kScalarFns = ScalarTable(std::make_index_sequence<kFnCount>());
constexpr std::array<ScalarFn, kFnCount> kFieldFns = FieldTable(std::make_index_sequence<kFnCount>());

[[noreturn]] void NoSuchCall(const Fn& f, std::span<const uint32_t> types) {
  std::string sig = std::string(f.name) + "(";
  for (size_t i = 0; i < types.size(); i++) sig += (i ? ", " : "") + FormatType(types[i], -1);
  throw PgError(sqlstate::kUndefinedFunction, "function " + sig + ") does not exist", "",
                "immudb functions are described in docs/VERIFICATION.md");
}

// Parses one identifier of a table name: "Quoted" kept as is, else folded
// to lower case like PostgreSQL's regclass input.
std::string_view NextIdent(std::string_view s, std::string* out) {
  out->clear();
  if (!s.empty() && s[0] == '"') {
    size_t i = 1;
    for (; i < s.size(); i++) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          out->push_back('"');
          i++;
          continue;
        }
        break;
      }
      out->push_back(s[i]);
    }
    return s.substr(std::min(i + 1, s.size()));
  }
  size_t i = 0;
  for (; i < s.size() && s[i] != '.'; i++) out->push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
  return s.substr(i);
}

}  // namespace


std::string KvKey(std::string_view user_key) {
  std::string k(1, kKvPrefix);
  k.append(user_key);
  return k;
}

Store& StoreOf(const EvalContext& ctx) {
  if (ctx.db == nullptr) throw PgError(sqlstate::kFeatureNotSupported, "immudb functions need a database");
  return *ctx.db->store();
}

const TableDef& TableByName(const EvalContext& ctx, std::string_view name) {
  std::string first, second;
  std::string_view rest = NextIdent(name, &first);
  const bool qualified = !rest.empty() && rest[0] == '.';
  if (qualified) rest = NextIdent(rest.substr(1), &second);
  const TableDef* t = nullptr;
  if (rest.empty() && !first.empty() && ctx.catalog != nullptr && *ctx.catalog != nullptr) {
    t = qualified ? (*ctx.catalog)->Find(first, second) : (*ctx.catalog)->Find("", first);
  }
  if (t == nullptr) throw PgError(sqlstate::kUndefinedTable, "relation \"" + std::string(name) + "\" does not exist");
  return *t;
}

size_t KeyArity(const TableDef& t) { return t.pk.empty() ? 1 : t.pk.size(); }

std::string RowKeyOf(const TableDef& t, std::span<const Value> vals, EvalContext& ctx) {
  if (vals.size() != KeyArity(t)) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "table \"" + t.name + "\" is addressed by " + std::to_string(KeyArity(t)) + " key value(s), got " +
                      std::to_string(vals.size()),
                  t.pk.empty() ? "a table without primary key is addressed by its hidden row id" : "");
  }
  Row row(t.columns.size());
  for (size_t i = 0; i < t.columns.size(); i++) row[i] = Value::Null(t.columns[i].type_oid);
  int64_t row_id = 0;
  if (t.pk.empty()) {
    row_id = IntArg(vals[0], ctx, "row id");
  } else {
    for (size_t i = 0; i < t.pk.size(); i++) {
      const ColumnDef& c = t.columns[static_cast<size_t>(t.pk[i])];
      row[static_cast<size_t>(t.pk[i])] = CastValue(vals[i], c.type_oid, c.typmod, ctx.vc);
    }
  }
  return RowKey(t, row, row_id);
}

std::string RowJson(const TableDef& t, std::string_view stored, EvalContext& ctx) {
  std::vector<Value> vals;
  DecodeRow(stored, ColumnTypes(t), &vals);
  nlohmann::ordered_json row = nlohmann::ordered_json::object();
  for (size_t i = 0; i < t.columns.size() && i < vals.size(); i++) {
    if (t.columns[i].dropped) continue;
    const Value& v = vals[i];
    const uint32_t ty = t.columns[i].type_oid;
    auto& cell = row[t.columns[i].name];
    if (v.null) {
      cell = nullptr;
    } else if (ty == oid::kBool) {
      cell = v.i != 0;
    } else if (ty == oid::kInt2 || ty == oid::kInt4 || ty == oid::kInt8 || ty == oid::kOid) {
      cell = v.i;
    } else {
      cell = ToText(v, ctx.vc);  // numeric, dates, text ...: their text form
    }
  }
  return row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Value TxTimestamp(int64_t unix_micros) {
  return Value::Int(oid::kTimestampTz, unix_micros - kEpochDiffSecs * 1000000);
}

std::string HexOf(std::string_view bytes) { return ToHex(AsBytes(bytes)); }

int64_t IntArg(const Value& v, EvalContext& ctx, const char* what) {
  const Value c = CastValue(v, oid::kInt8, -1, ctx.vc);
  if (c.null) throw PgError(sqlstate::kNullValueNotAllowed, std::string(what) + " must not be null");
  return c.i;
}

}  // namespace immudb

std::vector<std::string> ImmudbFunctionSignatures() {
  std::vector<std::string> out;
  for (const immudb::Fn& f : immudb::Fns()) {
    // Optional arguments in brackets; a variadic tail as "any...".
    const bool variadic = f.max_args == immudb::kVariadic;
    const size_t shown = variadic ? std::max(f.min_args, f.fixed.size()) : f.max_args;
    std::string sig = std::string(f.name) + "(";
    for (size_t i = 0; i < shown; i++) {
      if (i > 0) sig += ", ";
      const std::string type = i < f.fixed.size() ? FormatType(f.fixed[i], -1) : "any";
      sig += i < f.min_args ? type : "[" + type + "]";
    }
    if (variadic) sig += shown > 0 ? ", any..." : "any...";
    sig += std::string(") -> ") + (f.set_returning ? "SETOF (" : "(");
    for (size_t c = 0; c < f.columns.size(); c++) {
      sig += (c ? ", " : "") + std::string(f.columns[c].name) + " " + FormatType(f.columns[c].type, -1);
    }
    out.push_back(sig + ")");
  }
  return out;
}

using immudb::Fns;

bool ResolveImmudbFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  const immudb::Fn* f = immudb::FindFn(name);
  if (f == nullptr) return false;
  if (!immudb::TakesArgs(*f, arg_types.size())) immudb::NoSuchCall(*f, arg_types);
  if (f->set_returning) {
    throw PgError(sqlstate::kFeatureNotSupported, std::string(f->name) + " returns a set: call it in FROM", "",
                  std::string("SELECT * FROM ") + f->name + "(...)");
  }
  const auto index = static_cast<size_t>(f - Fns().data());
  *out = ResolvedFn{immudb::kScalarFns[index], immudb::ScalarType(*f), immudb::ArgTypes(*f, arg_types), true};
  return true;
}

bool BindImmudbField(std::unique_ptr<Expr>* e, std::string_view field) {
  Expr& call = **e;
  if (call.kind != Expr::Kind::kFunc) return false;
  for (size_t i = 0; i < immudb::kFnCount; i++) {
    if (call.fn != immudb::kScalarFns[i]) continue;
    const auto& cols = Fns()[i].columns;
    for (size_t c = 0; c < cols.size(); c++) {
      if (field != cols[c].name) continue;
      call.fn = immudb::kFieldFns[i];
      call.type = cols[c].type;
      call.name = cols[c].name;
      call.args.push_back(Expr::Const(Value::Int(oid::kInt4, static_cast<int64_t>(c))));
      return true;
    }
    throw PgError(sqlstate::kUndefinedColumn,
                  "column \"" + std::string(field) + "\" not found in the result of " + Fns()[i].name);
  }
  return false;
}

bool BuildImmudbRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                         const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out) {
  const immudb::Fn* f = immudb::FindFn(name);
  if (f == nullptr) return false;
  std::vector<uint32_t> types;
  for (const auto& a : args) types.push_back(a->type);
  if (!immudb::TakesArgs(*f, args.size())) immudb::NoSuchCall(*f, types);
  const std::vector<uint32_t> want = immudb::ArgTypes(*f, types);
  for (size_t i = 0; i < args.size(); i++) {
    if (want[i] != 0) args[i] = binder.Coerce(std::move(args[i]), want[i], -1, false);
  }
  const PgQuery__Alias* alias = rf->alias;
  const std::string qualifier = alias != nullptr ? alias->aliasname : std::string(name);
  for (size_t c = 0; c < f->columns.size(); c++) {
    ScopeColumn col;
    col.qualifier = qualifier;
    col.type = f->columns[c].type;
    if (alias != nullptr && c < alias->n_colnames) {
      col.name = NodeString(alias->colnames[c]);
    } else if (f->columns.size() == 1) {
      col.name = qualifier;  // like any one-column function in FROM
    } else {
      col.name = f->columns[c].name;
    }
    out->scope.columns.push_back(std::move(col));
  }
  if (sc.describe_only) return true;
  std::vector<Value> argv;
  for (auto& a : args) argv.push_back(Eval(*a, Row{}, *sc.eval));
  for (const auto& v : argv) {
    if (!v.null) continue;
    // Strict: a NULL argument gives no rows, or one row of NULLs for a
    // single-row function (as PostgreSQL does).
    if (!f->set_returning) {
      Row nulls;
      for (const auto& c : f->columns) nulls.push_back(Value::Null(c.type));
      out->rows.push_back(std::move(nulls));
    }
    return true;
  }
  out->rows = f->run(argv, *sc.eval);
  return true;
}

}  // namespace immu::sql
