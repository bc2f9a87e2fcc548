// jsonb tree edits: see json_edit.h. Comments name the PostgreSQL 15
// functions (src/backend/utils/adt/jsonfuncs.c) each piece follows.

#include "sql/json_edit.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

using Kind = JsonNode::Kind;

// strtoint(text, base 10) as the path functions use it: the whole text
// must be an int4 (leading spaces and a sign allowed).
bool ParseIndex(std::string_view text, int* out) {
  const std::string s(text);
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0' || errno != 0 || v > INT_MAX || v < INT_MIN) return false;
  *out = static_cast<int>(v);
  return true;
}

bool Creates(JsonPathOp op) {
  return op == JsonPathOp::kCreate || op == JsonPathOp::kInsertBefore || op == JsonPathOp::kInsertAfter;
}

void SetPath(JsonNode* node, std::span<const Value> path, size_t level, const JsonNode* nv, JsonPathOp op);

// setPathObject.
void SetPathObject(JsonNode* node, std::span<const Value> path, size_t level, const JsonNode* nv, JsonPathOp op) {
  const std::string& key = path[level].s;
  const bool last = level + 1 == path.size();
  for (size_t i = 0; i < node->keys.size(); i++) {
    if (node->keys[i] != key) continue;
    if (!last) {
      SetPath(&node->items[i], path, level + 1, nv, op);
      return;
    }
    if (op == JsonPathOp::kInsertBefore || op == JsonPathOp::kInsertAfter) {
      throw PgError(sqlstate::kInvalidParameterValue, "cannot replace existing key", "",
                    "Try using the function jsonb_set to replace key value.");
    }
    if (op == JsonPathOp::kDelete) {
      node->keys.erase(node->keys.begin() + static_cast<std::ptrdiff_t>(i));
      node->items.erase(node->items.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      node->items[i] = *nv;
    }
    return;
  }
  if (last && Creates(op)) {
    node->keys.push_back(key);
    node->items.push_back(*nv);
    NormalizeJsonb(node);  // back into jsonb key order
  }
}

// setPathArray.
void SetPathArray(JsonNode* node, std::span<const Value> path, size_t level, const JsonNode* nv, JsonPathOp op) {
  const int64_t n = static_cast<int64_t>(node->items.size());
  int idx32 = 0;
  if (!ParseIndex(path[level].s, &idx32)) {
    throw PgError(sqlstate::kInvalidTextRepresentation, "path element at position " + std::to_string(level + 1) +
                                                            " is not an integer: \"" + path[level].s + "\"");
  }
  int64_t idx = idx32;
  bool prepend = false;
  if (idx < 0) {
    if (-idx > n) prepend = true;
    else idx = n + idx;
  }
  if (idx > n) idx = n;
  const bool last = level + 1 == path.size();
  if ((prepend || n == 0) && last && Creates(op)) {
    node->items.insert(node->items.begin(), *nv);
    return;
  }
  if (!prepend && idx < n) {
    auto at = node->items.begin() + static_cast<std::ptrdiff_t>(idx);
    if (!last) {
      SetPath(&*at, path, level + 1, nv, op);
      return;
    }
    switch (op) {
      case JsonPathOp::kReplace:
      case JsonPathOp::kCreate: *at = *nv; break;
      case JsonPathOp::kInsertBefore: node->items.insert(at, *nv); break;
      case JsonPathOp::kInsertAfter: node->items.insert(at + 1, *nv); break;
      case JsonPathOp::kDelete: node->items.erase(at); break;
    }
    return;
  }
  if (last && Creates(op) && !prepend) node->items.push_back(*nv);
}

// setPath: scalars on the way are left unchanged.
void SetPath(JsonNode* node, std::span<const Value> path, size_t level, const JsonNode* nv, JsonPathOp op) {
  if (path[level].null) {
    throw PgError(sqlstate::kNullValueNotAllowed, "path element at position " + std::to_string(level + 1) + " is null");
  }
  if (node->kind == Kind::kObject) SetPathObject(node, path, level, nv, op);
  else if (node->kind == Kind::kArray) SetPathArray(node, path, level, nv, op);
}

JsonNode AsArray(const JsonNode& n) {
  if (n.kind == Kind::kArray) return n;
  JsonNode a;
  a.kind = Kind::kArray;
  a.items.push_back(n);
  return a;
}

}  // namespace

void JsonbSetPath(JsonNode* root, std::span<const Value> path, const JsonNode* new_value, JsonPathOp op) {
  if (path.empty()) return;
  SetPath(root, path, 0, new_value, op);
}

JsonNode JsonbConcat(const JsonNode& a, const JsonNode& b) {
  if (a.kind == Kind::kObject && b.kind == Kind::kObject) {
    JsonNode out = a;
    out.keys.insert(out.keys.end(), b.keys.begin(), b.keys.end());
    out.items.insert(out.items.end(), b.items.begin(), b.items.end());
    NormalizeJsonb(&out);  // later (b's) values win
    return out;
  }
  JsonNode out = AsArray(a);
  const JsonNode rb = AsArray(b);
  out.items.insert(out.items.end(), rb.items.begin(), rb.items.end());
  return out;
}

void JsonbDeleteKey(JsonNode* root, std::string_view key) {
  if (!root->is_container()) throw PgError(sqlstate::kInvalidParameterValue, "cannot delete from scalar");
  for (size_t i = root->items.size(); i-- > 0;) {
    const bool hit = root->kind == Kind::kObject
                         ? root->keys[i] == key
                         : root->items[i].kind == Kind::kString && root->items[i].text == key;
    if (!hit) continue;
    if (root->kind == Kind::kObject) root->keys.erase(root->keys.begin() + static_cast<std::ptrdiff_t>(i));
    root->items.erase(root->items.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void JsonbDeleteIndex(JsonNode* root, int64_t index) {
  if (!root->is_container()) throw PgError(sqlstate::kInvalidParameterValue, "cannot delete from scalar");
  if (root->kind == Kind::kObject) {
    throw PgError(sqlstate::kInvalidParameterValue, "cannot delete from object using integer index");
  }
  const int64_t n = static_cast<int64_t>(root->items.size());
  if (index < 0) {
    if (-index > n) return;
    index += n;
  }
  if (index >= n) return;
  root->items.erase(root->items.begin() + static_cast<std::ptrdiff_t>(index));
}

void JsonStripNulls(JsonNode* node) {
  for (size_t i = node->items.size(); i-- > 0;) {
    if (node->kind == Kind::kObject && node->items[i].kind == Kind::kNull) {
      node->keys.erase(node->keys.begin() + static_cast<std::ptrdiff_t>(i));
      node->items.erase(node->items.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      JsonStripNulls(&node->items[i]);
    }
  }
}

const JsonNode* JsonIndex(const JsonNode& node, int64_t index) {
  if (node.kind != Kind::kArray) return nullptr;
  const int64_t n = static_cast<int64_t>(node.items.size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return nullptr;
  return &node.items[static_cast<size_t>(index)];
}

const JsonNode* JsonStep(const JsonNode& node, std::string_view step) {
  if (node.kind == Kind::kObject) return node.Field(step);
  if (node.kind != Kind::kArray) return nullptr;
  int idx = 0;
  if (!ParseIndex(step, &idx)) return nullptr;
  return JsonIndex(node, idx);
}

}  // namespace immu::sql
