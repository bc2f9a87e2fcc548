// Catalog and session-information functions clients call while
// introspecting (psql's \d family, pgbench, drivers and ORMs): format_type,
// pg_get_indexdef, pg_get_constraintdef, pg_get_expr, visibility and
// privilege checks (everything is visible and allowed: one superuser),
// sizes, descriptions (none), and the array functions those queries use.

#include <cinttypes>
#include <cstdio>

#include "catalog/pg_error.h"
#include "sql/lock_wait.h"
#include "sql/cluster.h"
#include "sql/functions.h"
#include <openssl/rand.h>

#include "sql/database.h"
#include "sql/query_internal.h"
#include "sql/sequences.h"
#include "sql/value_io.h"
#include "sql/system_internal.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

const Catalog* Cat(const EvalContext& ctx) { return ctx.catalog != nullptr ? ctx.catalog->get() : nullptr; }

Value FormatTypeFn(std::span<const Value> a, EvalContext&) {
  if (a[0].null) return Value::Null(oid::kText);
  const uint32_t type = static_cast<uint32_t>(a[0].i);
  const int32_t typmod = a.size() > 1 && !a[1].null ? static_cast<int32_t>(a[1].i) : -1;
  if (FindType(type) == nullptr) return TextV("???");
  return TextV(FormatType(type, typmod));
}

// pg_get_indexdef(index [, column, pretty]).
Value GetIndexDef(std::span<const Value> a, EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  if (cat == nullptr) return Value::Null(oid::kText);
  const RelationRef r = FindRelation(*cat, static_cast<uint32_t>(a[0].i));
  if (r.kind != 'i') return Value::Null(oid::kText);
  const IndexView x = TableIndexes(*r.table)[static_cast<size_t>(r.index)];
  const int64_t column = a.size() > 1 ? a[1].i : 0;
  if (column > 0) {
    const std::vector<int> all = x.AllColumns();
    if (column > static_cast<int64_t>(all.size())) return TextV("");
    const size_t k = static_cast<size_t>(column - 1);
    return TextV(x.IsExpression(k) ? x.exprs[k] : QuoteIdent(r.table->columns[static_cast<size_t>(all[k])].name));
  }
  return TextV(IndexDefText(*r.table, x, a.size() > 2 && a[2].i != 0));
}

Value GetConstraintDef(std::span<const Value> a, EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  if (cat == nullptr) return Value::Null(oid::kText);
  const uint32_t id = static_cast<uint32_t>(a[0].i);
  for (const auto& [toid, t] : cat->tables()) {
    for (const auto& x : TableIndexes(t)) {
      if (x.constraint && x.constraint_oid == id) return TextV(ConstraintDefText(t, x));
    }
    for (size_t i = 0; i < t.checks.size(); i++) {
      if (CheckConstraintOid(t, i) == id) return TextV(CheckDefText(t.checks[i], a.size() > 1 && !a[1].null && a[1].i != 0));
    }
    for (size_t i = 0; i < t.foreign_keys.size(); i++) {
      if (ForeignKeyOid(t, i) == id) return TextV(ForeignKeyDefText(*cat, t, t.foreign_keys[i]));
    }
  }
  if (auto d = DomainConstraintDef(*cat, id, a.size() > 1 && !a[1].null && a[1].i != 0)) return TextV(*d);
  return Value::Null(oid::kText);
}

// adbin / indpred hold the expression's SQL text already. Generation
// expressions are stored parenthesised (PostgreSQL's non-pretty form); the
// pretty form drops that outer pair.
Value GetExpr(std::span<const Value> a, EvalContext&) {
  std::string_view s = a[0].s;
  const bool pretty = a.size() > 2 && !a[2].null && a[2].i != 0;
  if (pretty && s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    int depth = 0;
    bool outer = true;  // the first '(' closes only at the end
    for (size_t i = 0; i < s.size() && outer; i++) {
      if (s[i] == '(') depth++;
      if (s[i] == ')' && --depth == 0 && i + 1 < s.size()) outer = false;
    }
    if (outer) s = s.substr(1, s.size() - 2);
  }
  return TextV(std::string(s));
}

Value True(std::span<const Value>, EvalContext&) { return Value::Bool(true); }
Value False(std::span<const Value>, EvalContext&) { return Value::Bool(false); }
Value NullText(std::span<const Value>, EvalContext&) { return Value::Null(oid::kText); }
Value EmptyText(std::span<const Value>, EvalContext&) { return TextV(""); }
Value ZeroSize(std::span<const Value>, EvalContext&) { return Int8V(0); }

// Visible: on the search path (pg_catalog, public).
Value TableIsVisible(std::span<const Value> a, EvalContext& ctx) {
  const uint32_t id = static_cast<uint32_t>(a[0].i);
  if (const Catalog* cat = Cat(ctx)) {
    const RelationRef r = FindRelation(*cat, id);
    if (r.kind != 0) {
      // Visible: the first schema of search_path (the session's temporary
      // schema included) holding a relation of that name is its own.
      for (const std::string& schema : SearchPath(ctx, *cat)) {
        if (schema == r.table->schema) return Value::Bool(true);
        if (cat->Find(schema, r.name) != nullptr || cat->FindIndexTable(schema, r.name) != nullptr) break;
      }
      return Value::Bool(false);
    }
  }
  for (const auto& s : SystemRelations()) {
    if (s.oid == id) return Value::Bool(std::string_view(s.schema) == "pg_catalog");
  }
  return Value::Null(oid::kBool);
}

// User types (and their array types) outside public are not visible, as
// relations are not (TableIsVisible); built-in types always are.
Value TypeIsVisible(std::span<const Value> a, EvalContext&) {
  const uint32_t id = static_cast<uint32_t>(a[0].i);
  const TypeDef* t = FindUserType(id);
  if (t == nullptr) t = FindUserArrayElement(id);
  return Value::Bool(t == nullptr || t->schema == "public");
}

// The only described object is the public schema (as in a fresh cluster).
Value ObjDescription(std::span<const Value> a, EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  const uint32_t id = static_cast<uint32_t>(a[0].i);
  const std::string kind = a.size() > 1 ? a[1].s : "";
  if (cat != nullptr && (kind.empty() || kind == "pg_namespace")) {
    for (const auto& [oid, s] : cat->schemas()) {
      if (s.oid == id) return s.comment.empty() ? Value::Null(oid::kText) : TextV(s.comment);
    }
  }
  if (id == kPublicNamespace && (kind.empty() || kind == "pg_namespace")) return TextV("standard public schema");
  if (cat != nullptr && (kind.empty() || kind == "pg_class")) {
    if (const TableDef* t = cat->FindByOid(id); t != nullptr && !t->comment.empty()) return TextV(t->comment);
  }
  if (cat != nullptr && (kind.empty() || kind == "pg_type")) {
    if (const TypeDef* t = cat->FindTypeDefByOid(id); t != nullptr && !t->comment.empty()) return TextV(t->comment);
  }
  if (cat != nullptr && (kind.empty() || kind == "pg_constraint")) {
    for (const auto& [oid, t] : cat->tables()) {
      for (const auto& [name, text] : t.constraint_comments) {
        if (ConstraintOidByName(t, name) == id) return TextV(text);
      }
    }
  }
  return Value::Null(oid::kText);
}

Value ColDescription(std::span<const Value> a, EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  const TableDef* t = cat != nullptr ? cat->FindByOid(static_cast<uint32_t>(a[0].i)) : nullptr;
  if (t == nullptr || a[1].i < 1 || a[1].i > static_cast<int64_t>(t->columns.size())) return Value::Null(oid::kText);
  const std::string& c = t->columns[static_cast<size_t>(a[1].i - 1)].comment;
  return c.empty() ? Value::Null(oid::kText) : TextV(c);
}

Value GetViewDef(std::span<const Value> a, EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  const TableDef* t = cat != nullptr ? cat->FindByOid(static_cast<uint32_t>(a[0].i)) : nullptr;
  if (t == nullptr || (t->kind != 'v' && t->kind != 'm')) return Value::Null(oid::kText);
  return TextV(" " + t->view_query + ";");
}

Value GetUserById(std::span<const Value> a, EvalContext&) {
  if (a[0].i == kSuperuserOid) return NameV(kSuperuserName);
  if (a[0].i == kDatabaseOwnerRoleOid) return NameV("pg_database_owner");
  return NameV("unknown (OID=" + std::to_string(a[0].i) + ")");
}

Value EncodingToChar(std::span<const Value> a, EvalContext&) {
  return NameV(a[0].i == 6 ? "UTF8" : a[0].i == 0 ? "SQL_ASCII" : "");
}

// The existing schemas of the session's search_path, in order (public
// without a catalog).
std::vector<std::string> PathSchemas(const EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  if (cat == nullptr) return {"public"};
  // SearchPath also yields the session's temporary schema, which is
  // searched first but is never current_schema (nor listed here).
  std::vector<std::string> out;
  for (auto& s : SearchPath(ctx, *cat)) {
    if (!s.starts_with("pg_temp")) out.push_back(std::move(s));
  }
  return out;
}

Value CurrentSchemas(std::span<const Value> a, EvalContext& ctx) {
  ValueArray v;
  if (a[0].i) v.push_back(NameV("pg_catalog"));
  for (const auto& s : PathSchemas(ctx)) {
    if (s != "pg_catalog" || !a[0].i) v.push_back(NameV(s));
  }
  return Value::Array(oid::kNameArray, std::move(v));
}

void NeedArray(const Value& v, const char* fn) {
  if (!v.arr) throw PgError(sqlstate::kDatatypeMismatch, std::string("argument of ") + fn + " must be an array");
}

Value ArrayPosition(std::span<const Value> a, EvalContext&) {
  if (a[0].null) return Value::Null(oid::kInt4);
  NeedArray(a[0], "array_position");
  for (size_t i = 0; i < a[0].arr->size(); i++) {
    const Value& e = (*a[0].arr)[i];
    if (e.null ? a[1].null : (!a[1].null && CompareValues(e, a[1]) == 0)) return Int4V(static_cast<int64_t>(i + 1));
  }
  return Value::Null(oid::kInt4);
}

Value ArrayToString(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].null || a[1].null) return Value::Null(oid::kText);
  NeedArray(a[0], "array_to_string");
  std::string out;
  bool first = true;
  for (const auto& e : *a[0].arr) {
    if (e.null && (a.size() < 3 || a[2].null)) continue;
    if (!first) out += a[1].s;
    first = false;
    out += e.null ? a[2].s : (IsStringCategory(e.type) ? e.s : ToText(e, ctx.vc));
  }
  return TextV(std::move(out));
}

Value ArrayUpper(std::span<const Value> a, EvalContext&) {
  NeedArray(a[0], "array_upper");
  if (a[1].i != 1 || a[0].arr->empty()) return Value::Null(oid::kInt4);
  const bool vector = a[0].type == oid::kInt2Vector || a[0].type == oid::kOidVector;
  return Int4V(static_cast<int64_t>(a[0].arr->size()) - (vector ? 1 : 0));
}

Value ArrayLower(std::span<const Value> a, EvalContext&) {
  NeedArray(a[0], "array_lower");
  if (a[1].i != 1 || a[0].arr->empty()) return Value::Null(oid::kInt4);
  return Int4V(a[0].type == oid::kInt2Vector || a[0].type == oid::kOidVector ? 0 : 1);
}

Value ArrayLength(std::span<const Value> a, EvalContext&) {
  NeedArray(a[0], "array_length");
  if (a[1].i != 1 || a[0].arr->empty()) return Value::Null(oid::kInt4);
  return Int4V(static_cast<int64_t>(a[0].arr->size()));
}

Value Cardinality(std::span<const Value> a, EvalContext&) {
  NeedArray(a[0], "cardinality");
  return Int4V(static_cast<int64_t>(a[0].arr->size()));
}

Value BackendPid(std::span<const Value>, EvalContext& ctx) { return Int4V(ctx.backend_pid); }

Value QuoteIdentFn(std::span<const Value> a, EvalContext&) { return TextV(QuoteIdent(a[0].s)); }

Value QuoteLiteral(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].null) return TextV("NULL");
  const std::string s = IsStringCategory(a[0].type) ? a[0].s : ToText(a[0], ctx.vc);
  std::string out = s.find('\\') != std::string::npos ? "E'" : "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  return TextV(out + "'");
}

Value CurrentSetting(std::span<const Value> a, EvalContext& ctx) {
  if (ctx.settings != nullptr) {
    for (const auto& [k, v] : *ctx.settings) {
      if (k.size() == a[0].s.size() &&
          std::equal(k.begin(), k.end(), a[0].s.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); })) {
        return TextV(v);
      }
    }
  }
  if (a.size() > 1 && !a[1].null && a[1].i) return Value::Null(oid::kText);
  throw PgError(sqlstate::kUndefinedObject, "unrecognized configuration parameter \"" + a[0].s + "\"");
}

// set_config(name, value, is_local): SET name = value, returning the value
// as current_setting reads it back (Django sets TimeZone this way on every
// connection). Transaction-local settings are not supported.
Value SetConfig(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].null) throw PgError(sqlstate::kNullValueNotAllowed, "SET requires parameter name");
  if (!a[2].null && a[2].i != 0) {
    throw PgError(sqlstate::kFeatureNotSupported, "set_config with is_local = true is not supported yet");
  }
  if (!ctx.set_parameter) throw PgError(sqlstate::kFeatureNotSupported, "set_config needs a session");
  ctx.set_parameter(a[0].s, a[1].null ? "" : a[1].s);
  const Value name = a[0];
  return CurrentSetting(std::span<const Value>(&name, 1), ctx);
}

Value SizePretty(std::span<const Value> a, EvalContext&) {
  int64_t size = a[0].i;
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  size_t u = 0;
  // PostgreSQL: switch units at 10240 of the current one, rounding half up.
  while (u + 1 < std::size(units) && (size < 0 ? -size : size) >= 10 * 1024) {
    size = u == 0 ? (size + 512) / 1024 : (size + 512) / 1024;
    u++;
  }
  return TextV(std::to_string(size) + " " + units[u]);
}

Value GetSerialSequence(std::span<const Value> a, EvalContext& ctx) {
  const Catalog* cat = Cat(ctx);
  if (cat == nullptr) return Value::Null(oid::kText);
  // The table is an identifier, possibly qualified and quoted (Django
  // passes '"django_site"'); the column name is taken as it is.
  const std::vector<std::string> parts = SplitQualified(a[0].s);
  const std::string schema = parts.size() > 1 ? parts[parts.size() - 2] : "";
  const TableDef* t = cat->Find(schema, parts.back());
  if (t == nullptr) throw PgError(sqlstate::kUndefinedTable, "relation \"" + a[0].s + "\" does not exist");
  const int c = t->FindColumn(a[1].s);
  if (c < 0) {
    throw PgError(sqlstate::kUndefinedColumn,
                  "column \"" + a[1].s + "\" of relation \"" + t->name + "\" does not exist");
  }
  if (!t->columns[static_cast<size_t>(c)].serial) return Value::Null(oid::kText);
  return TextV(QuoteIdent(t->schema) + "." + QuoteIdent(SequenceName(*t, static_cast<size_t>(c))));
}

Value ToRegclass(std::span<const Value> a, EvalContext& ctx) {
  if (ctx.vc.names == nullptr) return Value::Null(oid::kRegclass);
  try {
    return Value::Int(oid::kRegclass, ctx.vc.names->OidOf(oid::kRegclass, a[0].s));
  } catch (const PgError&) {
    return Value::Null(oid::kRegclass);
  }
}

// to_regtype, to_regproc, ...: the reg* input function, NULL instead of an
// error for a name that does not exist.
template <uint32_t kType>
Value ToReg(std::span<const Value> a, EvalContext& ctx) {
  try {
    return FromText(a[0].s, kType, -1, ctx.vc);
  } catch (const PgError&) {
    return Value::Null(kType);
  }
}

Value PostmasterStart(std::span<const Value>, EvalContext& ctx) {
  return Value::Int(oid::kTimestampTz, ctx.cluster != nullptr ? ctx.cluster->StartTime() : ctx.vc.dt.now);
}
Value TxidCurrent(std::span<const Value>, EvalContext& ctx) { return Int8V(ctx.vc.dt.now & 0x7fffffff); }

// Without partitioning, a relation's only "ancestor" is itself: the
// one-row answer is exact (psql's \d "Referenced by" query uses it).
Value Identity(std::span<const Value> a, EvalContext&) { return a[0]; }

Value GenRandomUuid(std::span<const Value>, EvalContext&) {
  std::string bytes(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), 16) != 1) {
    throw PgError(sqlstate::kInternalError, "could not generate random values");
  }
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return Value::Str(oid::kUuid, std::move(bytes));
}

// Advisory locks: one bigint key, or two int4 keys combined as PostgreSQL
// does (high and low halves).
int64_t AdvisoryKey(std::span<const Value> a) {
  if (a.size() == 2) return static_cast<int64_t>((static_cast<uint64_t>(static_cast<uint32_t>(a[0].i)) << 32) |
                                                 static_cast<uint32_t>(a[1].i));
  return a[0].i;
}
AdvisoryLocks& Advisory(EvalContext& ctx) {
  if (ctx.db == nullptr || ctx.session == nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "advisory locks need a session");
  }
  return ctx.db->advisory_locks();
}
Value AdvisoryLock(std::span<const Value> a, EvalContext& ctx) {
  Advisory(ctx).Lock(AdvisoryKey(a), ctx.session, ctx.backend_pid, MakeLockWaitCheck(ctx));
  return Value::Null(oid::kVoid);
}
Value AdvisoryTryLock(std::span<const Value> a, EvalContext& ctx) {
  return Value::Bool(Advisory(ctx).TryLock(AdvisoryKey(a), ctx.session, ctx.backend_pid));
}
Value AdvisoryUnlock(std::span<const Value> a, EvalContext& ctx) {
  return Value::Bool(Advisory(ctx).Unlock(AdvisoryKey(a), ctx.session));
}
Value AdvisoryUnlockAll(std::span<const Value>, EvalContext& ctx) {
  Advisory(ctx).UnlockAll(ctx.session);
  return Value::Null(oid::kVoid);
}

// pg_blocking_pids(pid): the holder of the row, table or advisory lock
// that session waits for, in this database.
Value BlockingPids(std::span<const Value> a, EvalContext& ctx) {
  ValueArray pids;
  if (ctx.db != nullptr) {
    for (int32_t p : ctx.db->BlockingPids(static_cast<int32_t>(a[0].i))) pids.push_back(Value::Int(oid::kInt4, p));
  }
  return Value::Array(oid::kInt4Array, std::move(pids));
}

// pg_typeof(any): the argument's type (NULLs keep theirs).
Value TypeOf(std::span<const Value> a, EvalContext&) { return Value::Int(oid::kRegtype, a[0].type); }

struct SysFn {
  const char* name;
  ScalarFn fn;
  uint32_t result;
  std::vector<uint32_t> args;  // 0: any type, as given
  bool strict = true;
};

const std::vector<SysFn>& SysFunctions() {
  using namespace oid;  // NOLINT: type OIDs read better unqualified here
  static const std::vector<SysFn> kFns = {
      {"format_type", FormatTypeFn, kText, {kOid, kInt4}, false},
      {"pg_get_indexdef", GetIndexDef, kText, {kOid}},
      {"pg_get_indexdef", GetIndexDef, kText, {kOid, kInt4, kBool}},
      {"pg_get_constraintdef", GetConstraintDef, kText, {kOid}},
      {"pg_partition_ancestors", Identity, kRegclass, {kRegclass}},
      {"nextval", NextvalFn, kInt8, {kRegclass}},
      {"currval", CurrvalFn, kInt8, {kRegclass}},
      {"setval", SetvalFn, kInt8, {kRegclass, kInt8}},
      {"setval", SetvalFn, kInt8, {kRegclass, kInt8, kBool}},
      {"lastval", LastvalFn, kInt8, {}},
      {"gen_random_uuid", GenRandomUuid, kUuid, {}},
      {"pg_typeof", TypeOf, kRegtype, {0}, false},
      {"pg_advisory_lock", AdvisoryLock, kVoid, {kInt8}},
      {"pg_advisory_lock", AdvisoryLock, kVoid, {kInt4, kInt4}},
      {"pg_try_advisory_lock", AdvisoryTryLock, kBool, {kInt8}},
      {"pg_try_advisory_lock", AdvisoryTryLock, kBool, {kInt4, kInt4}},
      {"pg_advisory_unlock", AdvisoryUnlock, kBool, {kInt8}},
      {"pg_advisory_unlock", AdvisoryUnlock, kBool, {kInt4, kInt4}},
      {"pg_advisory_unlock_all", AdvisoryUnlockAll, kVoid, {}},
      {"pg_blocking_pids", BlockingPids, kInt4Array, {kInt4}},
      {"pg_get_constraintdef", GetConstraintDef, kText, {kOid, kBool}},
      {"pg_get_expr", GetExpr, kText, {kPgNodeTree, kOid}},
      {"pg_get_expr", GetExpr, kText, {kPgNodeTree, kOid, kBool}},
      {"pg_get_viewdef", GetViewDef, kText, {kOid}},
      {"pg_get_viewdef", GetViewDef, kText, {kOid, kBool}},
      {"pg_get_triggerdef", NullText, kText, {kOid}},
      // pg_rewrite lists no rules (view bodies are kept as their query), so
      // no oid names one.
      {"pg_get_ruledef", NullText, kText, {kOid}},
      {"pg_get_ruledef", NullText, kText, {kOid, kBool}},
      // Statistics counters: zero with track_counts off (pg_settings).
      {"pg_stat_get_numscans", ZeroSize, kInt8, {kOid}},
      {"pg_stat_get_tuples_returned", ZeroSize, kInt8, {kOid}},
      {"pg_stat_get_tuples_fetched", ZeroSize, kInt8, {kOid}},
      {"pg_get_triggerdef", NullText, kText, {kOid, kBool}},
      {"pg_get_partkeydef", NullText, kText, {kOid}},
      {"pg_get_statisticsobjdef_columns", NullText, kText, {kOid}},
      {"pg_get_function_result", EmptyText, kText, {kOid}},
      {"pg_get_function_arguments", EmptyText, kText, {kOid}},
      {"pg_get_function_identity_arguments", EmptyText, kText, {kOid}},
      {"pg_get_serial_sequence", GetSerialSequence, kText, {kText, kText}},
      {"pg_get_userbyid", GetUserById, kName, {kOid}},
      {"pg_table_is_visible", TableIsVisible, kBool, {kOid}},
      {"pg_operator_is_visible", True, kBool, {kOid}},
      {"pg_opclass_is_visible", True, kBool, {kOid}},
      {"pg_opfamily_is_visible", True, kBool, {kOid}},
      {"pg_collation_is_visible", True, kBool, {kOid}},
      {"pg_conversion_is_visible", True, kBool, {kOid}},
      {"pg_statistics_obj_is_visible", True, kBool, {kOid}},
      {"pg_ts_config_is_visible", True, kBool, {kOid}},
      {"pg_ts_dict_is_visible", True, kBool, {kOid}},
      {"pg_ts_parser_is_visible", True, kBool, {kOid}},
      {"pg_ts_template_is_visible", True, kBool, {kOid}},
      {"pg_type_is_visible", TypeIsVisible, kBool, {kOid}},
      {"pg_function_is_visible", True, kBool, {kOid}},
      {"pg_is_other_temp_schema", False, kBool, {kOid}},
      {"pg_relation_is_publishable", False, kBool, {kRegclass}},
      {"pg_is_in_recovery", False, kBool, {}},
      {"pg_is_wal_replay_paused", False, kBool, {}},
      {"obj_description", ObjDescription, kText, {kOid}},
      {"obj_description", ObjDescription, kText, {kOid, kName}},
      {"col_description", ColDescription, kText, {kOid, kInt4}},
      {"shobj_description", NullText, kText, {kOid, kName}},
      {"pg_relation_size", ZeroSize, kInt8, {kRegclass}},
      {"pg_relation_size", ZeroSize, kInt8, {kRegclass, kText}},
      {"pg_total_relation_size", ZeroSize, kInt8, {kRegclass}},
      {"pg_table_size", ZeroSize, kInt8, {kRegclass}},
      {"pg_indexes_size", ZeroSize, kInt8, {kRegclass}},
      {"pg_database_size", ZeroSize, kInt8, {0}},
      {"pg_size_pretty", SizePretty, kText, {kInt8}},
      {"pg_tablespace_location", EmptyText, kText, {kOid}},
      {"pg_encoding_to_char", EncodingToChar, kName, {kInt4}},
      {"current_schemas", CurrentSchemas, kNameArray, {kBool}},
      {"current_schema", CurrentSchema, kName, {}},
      {"array_position", ArrayPosition, kInt4, {0, 0}, false},
      {"array_to_string", ArrayToString, kText, {0, kText}},
      {"array_to_string", ArrayToString, kText, {0, kText, kText}, false},
      {"array_upper", ArrayUpper, kInt4, {0, kInt4}},
      {"array_lower", ArrayLower, kInt4, {0, kInt4}},
      {"array_length", ArrayLength, kInt4, {0, kInt4}},
      {"cardinality", Cardinality, kInt4, {0}},
      {"pg_backend_pid", BackendPid, kInt4, {}},
      {"quote_ident", QuoteIdentFn, kText, {kText}},
      {"quote_literal", QuoteLiteral, kText, {0}},
      {"quote_nullable", QuoteLiteral, kText, {0}, false},
      {"current_setting", CurrentSetting, kText, {kText}},
      {"current_setting", CurrentSetting, kText, {kText, kBool}},
      {"set_config", SetConfig, kText, {kText, kText, kBool}, false},
      {"to_regclass", ToRegclass, kRegclass, {kText}},
      {"to_regtype", ToReg<oid::kRegtype>, oid::kRegtype, {kText}},
      {"to_regproc", ToReg<oid::kRegproc>, oid::kRegproc, {kText}},
      {"to_regprocedure", ToReg<oid::kRegprocedure>, oid::kRegprocedure, {kText}},
      {"to_regnamespace", ToReg<oid::kRegnamespace>, oid::kRegnamespace, {kText}},
      {"to_regrole", ToReg<oid::kRegrole>, oid::kRegrole, {kText}},
      {"pg_postmaster_start_time", PostmasterStart, kTimestampTz, {}},
      {"txid_current", TxidCurrent, kInt8, {}},
      {"has_table_privilege", True, kBool, {0, 0}},
      {"has_table_privilege", True, kBool, {0, 0, 0}},
      {"has_schema_privilege", True, kBool, {0, 0}},
      {"has_schema_privilege", True, kBool, {0, 0, 0}},
      {"has_database_privilege", True, kBool, {0, 0}},
      {"has_database_privilege", True, kBool, {0, 0, 0}},
      {"has_column_privilege", True, kBool, {0, 0, 0}},
      {"has_column_privilege", True, kBool, {0, 0, 0, 0}},
      {"has_function_privilege", True, kBool, {0, 0}},
      {"has_function_privilege", True, kBool, {0, 0, 0}},
      {"has_sequence_privilege", True, kBool, {0, 0}},
      {"has_sequence_privilege", True, kBool, {0, 0, 0}},
      {"has_any_column_privilege", True, kBool, {0, 0}},
      {"has_any_column_privilege", True, kBool, {0, 0, 0}},
      {"pg_has_role", True, kBool, {0, 0}},
      {"pg_has_role", True, kBool, {0, 0, 0}},
  };
  return kFns;
}

}  // namespace

bool ResolveSystemFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  for (const auto& f : SysFunctions()) {
    if (name != f.name || f.args.size() != arg_types.size()) continue;
    std::vector<uint32_t> args = f.args;
    for (size_t i = 0; i < args.size(); i++) {
      // Untyped literals given to "any" arguments are text.
      if (args[i] == 0 && arg_types[i] == oid::kUnknown) args[i] = oid::kText;
    }
    *out = ResolvedFn{f.fn, f.result, std::move(args), f.strict};
    return true;
  }
  return false;
}

// Where CREATE puts unqualified objects.
Value CurrentSchema(std::span<const Value>, EvalContext& ctx) {
  const std::vector<std::string> path = PathSchemas(ctx);
  return path.empty() ? Value::Null(oid::kName) : NameV(path.front());
}

}  // namespace immu::sql
