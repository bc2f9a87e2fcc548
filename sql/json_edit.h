#pragma once
// Structural edits of jsonb trees with PostgreSQL 15's semantics
// (jsonfuncs.c): setPath for jsonb_set / jsonb_insert / #-, concatenation
// (||), key and element deletion (-), and null stripping.

#include <cstdint>
#include <span>

#include "sql/json.h"
#include "sql/value.h"

namespace immu::sql {

enum class JsonPathOp : uint8_t { kReplace, kCreate, kInsertBefore, kInsertAfter, kDelete };

// Applies op at path (a text[]'s elements, NULLs allowed: 22004 when one
// is reached) to root, a container. new_value is ignored for kDelete.
// Throws 22P02 for a non-integer step into an array, 22023 when insert
// meets an existing key.
void JsonbSetPath(JsonNode* root, std::span<const Value> path, const JsonNode* new_value, JsonPathOp op);
// a || b (jsonb_concat): objects merge (b wins), anything else concatenates
// as arrays, a scalar or object being a one-element array.
JsonNode JsonbConcat(const JsonNode& a, const JsonNode& b);
// jsonb - text: drops key from an object or matching strings from an array.
// 22023 "cannot delete from scalar".
void JsonbDeleteKey(JsonNode* root, std::string_view key);
// jsonb - integer: drops an array element (negative: from the end).
void JsonbDeleteIndex(JsonNode* root, int64_t index);
// json(b)_strip_nulls: drops object members whose value is null, at every
// depth (array elements stay).
void JsonStripNulls(JsonNode* node);
// The value at one extraction step (-> / #>): an object's key or an array
// index (text parsed as an integer; negative from the end); nullptr when
// absent or not applicable.
const JsonNode* JsonStep(const JsonNode& node, std::string_view step);
const JsonNode* JsonIndex(const JsonNode& node, int64_t index);

}  // namespace immu::sql
