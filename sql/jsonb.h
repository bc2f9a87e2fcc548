#pragma once
// JSON text input: json values are validated and kept as given; jsonb values
// are stored in jsonb's canonical text form, which is what PostgreSQL prints
// for them: object keys sorted (shorter first, then bytewise) with the last
// of duplicate keys kept, ", " and ": " separators, numbers in numeric's
// form, strings re-escaped. Canonical storage makes jsonb equality a text
// comparison and lets the json operators (sql/json_functions.cc) return
// slices that are themselves canonical.

#include <string>
#include <string_view>

namespace immu::sql {

// Throws 22P02 "invalid input syntax for type json" unless text is one
// well-formed JSON value (surrounded by optional whitespace).
void ValidateJson(std::string_view text);
// The canonical jsonb text of text; throws 22P02 as ValidateJson.
std::string NormalizeJsonb(std::string_view text);

}  // namespace immu::sql
