#include "sql/user_types.h"

#include <cctype>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/system_srf.h"
#include "sql/value.h"

namespace immu::sql {

namespace {
thread_local const std::shared_ptr<const Catalog>* current_catalog = nullptr;
}  // namespace

UserTypeScope::UserTypeScope(const std::shared_ptr<const Catalog>* catalog) : previous_(current_catalog) {
  current_catalog = catalog;
}

UserTypeScope::~UserTypeScope() { current_catalog = previous_; }

const Catalog* CurrentTypeCatalog() {
  return current_catalog != nullptr && *current_catalog ? current_catalog->get() : nullptr;
}

const TypeDef* FindUserType(uint32_t type) {
  if (type < kFirstUserOid) return nullptr;  // built-in oids are all below
  if (const TypeDef* row = FindExpandArrayRowType(type)) return row;
  const Catalog* cat = CurrentTypeCatalog();
  return cat != nullptr ? cat->FindTypeDefByOid(type) : nullptr;
}

const TypeDef* FindUserArrayElement(uint32_t array_type) {
  if (array_type < kFirstUserOid) return nullptr;
  const Catalog* cat = CurrentTypeCatalog();
  return cat != nullptr ? cat->FindTypeDefByArray(array_type) : nullptr;
}

namespace {

const TypeDef* FindQualified(const Catalog& cat, std::string_view schema, std::string_view name) {
  // Unqualified: public first, then any schema.
  if (schema.empty()) {
    if (const TypeDef* t = cat.FindTypeDef("public", name)) return t;
  }
  return cat.FindTypeDef(schema, name);
}

// SQL identifiers of a type name as written in text ('s."My Type"'):
// quoted parts keep their case, others fold to lower case.
std::vector<std::string> SplitIdentifiers(std::string_view text) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    if (c == '"') {
      for (i++; i < text.size(); i++) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            parts.back() += '"';
            i++;
            continue;
          }
          break;
        }
        parts.back() += text[i];
      }
    } else if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return parts;
}

}  // namespace

const TypeDef* FindUserTypeByName(std::string_view name) {
  const Catalog* cat = CurrentTypeCatalog();
  if (cat == nullptr || cat->types().empty()) return nullptr;
  // As the binder passes it: identifiers already resolved, joined by '.'.
  const size_t dot = name.find('.');
  if (const TypeDef* t = dot == std::string_view::npos ? FindQualified(*cat, "", name)
                                                       : FindQualified(*cat, name.substr(0, dot), name.substr(dot + 1))) {
    return t;
  }
  // As text input writes it ('s."Color"'::regtype).
  const std::vector<std::string> parts = SplitIdentifiers(name);
  if (parts.size() == 1) return FindQualified(*cat, "", parts[0]);
  if (parts.size() == 2) return FindQualified(*cat, parts[0], parts[1]);
  return nullptr;
}

uint32_t BaseType(uint32_t type, int32_t* typmod) {
  // Domains over domains end at a non-domain; the depth bound guards a
  // corrupt catalog against cycles.
  for (int depth = 0; depth < 32; depth++) {
    const TypeDef* t = FindUserType(type);
    if (t == nullptr || t->kind != 'd') return type;
    type = t->base_type;
    if (typmod != nullptr) *typmod = t->base_typmod;
  }
  return type;
}

bool IsEnumType(uint32_t type) {
  const TypeDef* t = FindUserType(type);
  return t != nullptr && t->kind == 'e';
}

bool IsDomainType(uint32_t type) {
  const TypeDef* t = FindUserType(type);
  return t != nullptr && t->kind == 'd';
}

bool IsCompositeType(uint32_t type) {
  const TypeDef* t = FindUserType(type);
  return t != nullptr && t->kind == 'c';
}

Value EnumFromLabel(const TypeDef& type, std::string_view label) {
  const EnumLabel* l = type.FindLabel(label);
  if (l == nullptr) {
    throw PgError(sqlstate::kInvalidTextRepresentation,
                  "invalid input value for enum " + type.name + ": \"" + std::string(label) + "\"");
  }
  Value v = Value::Str(type.oid, l->label);
  v.i = l->oid;
  v.f = l->sort_order;
  return v;
}

}  // namespace immu::sql
