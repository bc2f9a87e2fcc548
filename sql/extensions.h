#pragma once
// CREATE / ALTER / DROP EXTENSION and what installed extensions provide.
//
// Only extensions whose functionality the engine implements can be created
// (AvailableExtensions(); others fail with 0A000 "is not available" as on a
// PostgreSQL server without the package). An extension's functions and
// operators resolve only while it is installed in the statement's database
// (the catalog of the thread's UserTypeScope): elsewhere they are 42883 as
// in PostgreSQL. Types it provides (citext, hstore) are catalog TypeDefs of
// kind 'b' named by the extension, so they get oids >= 16384 like user
// types, appear in pg_type, and go away with DROP EXTENSION.
//
//   sql/extension_catalog.cc  pg_extension, pg_available_extension(_version)s rows
//   sql/fn_uuid_ossp.cc       uuid-ossp           sql/fn_trgm.cc     pg_trgm
//   sql/fn_unaccent.cc        unaccent            sql/citext.cc      citext
//   sql/hstore*.cc            hstore              sql/fn_pgcrypto.cc pgcrypto
// btree_gin, btree_gist and bloom provide index operator classes / access
// methods only: CREATE INDEX ... USING records the access method (see
// sql/query_index.cc); the indexes are ordinary ordered indexes underneath.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "sql/functions.h"
#include "sql/query.h"

namespace immu::sql {

struct AvailableExtension {
  const char* name;
  const char* version;
  bool trusted;
  const char* comment;
};

// Every extension CREATE EXTENSION accepts (plus the always-installed plpgsql).
std::span<const AvailableExtension> AvailableExtensions();
const AvailableExtension* FindAvailableExtension(std::string_view name);

// Whether extension `name` is installed in the current thread's catalog.
bool ExtensionInstalled(std::string_view name);
// The oid of a type an installed extension provides ("citext", "hstore");
// 0 when it is not installed.
uint32_t ExtensionTypeOid(std::string_view type_name);
// IsCitextType / IsHstoreType: sql/user_types.h.

QueryResult RunCreateExtension(const PgQuery__CreateExtensionStmt* s, StmtContext& sc);
QueryResult RunAlterExtension(const PgQuery__AlterExtensionStmt* s, StmtContext& sc);
QueryResult RunDropExtension(const PgQuery__DropStmt* s, StmtContext& sc);

// Functions and operators of installed extensions: fill *out and return
// true when name/arg_types is one of them.
bool ResolveExtensionFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveExtensionOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);

// A function an extension provides. Argument types kCitextArg/kHstoreArg
// stand for the installed type's oid (allocated per database).
inline constexpr uint32_t kCitextArg = 0xfffffff0;
inline constexpr uint32_t kHstoreArg = 0xfffffff1;
struct ExtensionFn {
  std::string_view name;
  ScalarFn fn;
  uint32_t result;
  std::vector<uint32_t> args;
  bool strict = true;
};
// The first of fns matching name and arg_types (same arity; each argument
// of the parameter's type, unknown, a string type for a string parameter or
// a number for a number parameter), as ResolveFunction's table does.
bool MatchExtensionFunction(std::span<const ExtensionFn> fns, std::string_view name,
                            std::span<const uint32_t> arg_types, ResolvedFn* out);

// hstore's set-returning functions (sql/hstore_srf.cc): skeys/svals as
// sql/srf.cc's one-column functions, each(hstore) in FROM.
class Binder;
struct Relation;
bool IsExtensionSrfName(std::string_view name);
uint32_t BindExtensionSrf(std::string_view name, std::vector<std::unique_ptr<Expr>>* args, Binder& binder);
std::vector<Value> RunExtensionSrf(std::string_view name, const std::vector<Value>& argv);
bool BuildExtensionRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                            const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out);

// Per-extension resolvers (each file above), called only when installed.
bool ResolveUuidOsspFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveTrgmFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveTrgmOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
bool ResolveUnaccentFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveCitextFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveCitextOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
bool ResolveHstoreFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);
bool ResolveHstoreOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out);
bool ResolvePgcryptoFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);

}  // namespace immu::sql
