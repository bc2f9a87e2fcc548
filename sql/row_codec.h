#pragma once
// Byte encodings of SQL data in the store (docs/FORMAT.md, "SQL key space").
//
// Key encoding: memcmp order of encoded keys equals the SQL order of the
// values (ascending, NULLs last), column after column, so primary keys and
// index keys scan in order and prefixes select ranges.
// Row encoding: the values of every column of the table definition in order,
// self-describing enough to decode without the definition's types only for
// NULL/present; types come from the TableDef.

#include <string>
#include <string_view>
#include <vector>

#include "sql/value.h"

namespace immu::sql {

void AppendKeyValue(const Value& v, std::string* out);
void AppendRowValues(const std::vector<Value>& values, std::string* out);
// Decodes a row written by AppendRowValues for columns of the given types
// (columns added after the row was written decode as NULL). Throws PgError
// XX001 on malformed bytes.
void DecodeRow(std::string_view data, const std::vector<uint32_t>& types, std::vector<Value>* out);

}  // namespace immu::sql
