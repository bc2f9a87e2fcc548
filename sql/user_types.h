#pragma once
// User-defined types (enums, domains, composites: catalog/type_def.h) as
// the type functions of sql/value.h, sql/value_io.h and sql/row_codec.h see
// them. Those functions take no catalog, so the session installs the
// catalog its statement binds against for the current thread with a
// UserTypeScope; without one, user type oids are unknown types.
//
// Values of user types:
//   enum       type = the enum's oid, i = label oid, f = sort order,
//              s = label (so comparing, hashing, printing need no catalog);
//              rows store the label oid, keys the sort order.
//   composite  type = the composite's oid, arr = the fields (Slot::kRecord).
//   domain     values carry the base type (as PostgreSQL's RowDescription
//              reports it); the domain's checks run where a value is
//              coerced to it or written to a column of it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/catalog.h"

namespace immu::sql {

struct Value;

class UserTypeScope {
 public:
  // catalog is dereferenced at each lookup, so DDL replacing the session's
  // snapshot is seen at once. Scopes nest (the previous one is restored).
  explicit UserTypeScope(const std::shared_ptr<const Catalog>* catalog);
  ~UserTypeScope();
  UserTypeScope(const UserTypeScope&) = delete;
  UserTypeScope& operator=(const UserTypeScope&) = delete;

 private:
  const std::shared_ptr<const Catalog>* previous_;
};

// The current thread's catalog (nullptr outside a UserTypeScope).
const Catalog* CurrentTypeCatalog();
// The user-defined type with this oid; nullptr when type is built in or unknown.
const TypeDef* FindUserType(uint32_t type);
// The user type whose array type is array_type (nullptr when none).
const TypeDef* FindUserArrayElement(uint32_t array_type);
// A user type by (possibly schema-qualified) name; nullptr when none.
const TypeDef* FindUserTypeByName(std::string_view name);

// Domains resolve to their base type (through nested domains); other
// types are returned unchanged. *typmod (when given) receives the base's.
uint32_t BaseType(uint32_t type, int32_t* typmod = nullptr);
bool IsEnumType(uint32_t type);
bool IsDomainType(uint32_t type);
bool IsCompositeType(uint32_t type);

// format_type's name of a user type (quoted as needed, schema-qualified
// outside public).
std::string QuoteTypeName(const TypeDef& t);

// An enum value from its label; 22P02 when the label is not one of type's.
Value EnumFromLabel(const TypeDef& type, std::string_view label);

// Base types that extensions provide (TypeDef kind 'b', sql/extensions.h):
// whether type is the current catalog's citext / hstore.
bool IsCitextType(uint32_t type);
bool IsHstoreType(uint32_t type);
// citext's ordering: byte order of the ASCII-lowered strings (lower() under
// the database's C collation), so comparison, hashing and index keys agree.
int CompareCitext(std::string_view a, std::string_view b);
std::string CitextFold(std::string_view s);
// Text and binary I/O of extension types (sql/citext.cc, sql/hstore_io.cc):
// citext is its text; hstore values hold their canonical text form.
std::string ExtensionTypeOut(const TypeDef& t, const Value& v);
Value ExtensionTypeIn(const TypeDef& t, std::string_view text);
void ExtensionTypeSend(const TypeDef& t, const Value& v, std::string* out);
Value ExtensionTypeRecv(const TypeDef& t, std::string_view data);

}  // namespace immu::sql

namespace immu::sql {

struct ValueContext;

// value_io.cc's entry points for user types (sql/user_type_io.cc); each
// returns false when type is not a user type so the built-in path runs.
// Composites use record_out/record_in's text form "(1,\"a b\",)".
bool UserTypeToText(const Value& v, const ValueContext& ctx, std::string* out);
bool UserTypeFromText(std::string_view text, uint32_t type, int32_t typmod, const ValueContext& ctx, Value* out);
bool UserTypeAppendBinary(const Value& v, std::string* out);
bool UserTypeFromBinary(std::string_view data, uint32_t type, int32_t typmod, Value* out);

// record_out: "(1,,\"a b\")" (composites and anonymous records).
std::string RecordToText(const Value& v, const ValueContext& ctx);
// record_out's quoting of one field (empty string and text with quotes,
// backslashes, parentheses, commas or spaces is double-quoted).
void AppendRecordField(std::string_view text, std::string* out);

}  // namespace immu::sql
