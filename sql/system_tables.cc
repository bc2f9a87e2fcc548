#include "sql/system_tables.h"

namespace immu::sql {

bool BuildSystemRelation(std::string_view schema, std::string_view name, const std::string& qualifier,
                         StmtContext& sc, Relation* out) {
  (void)schema;
  (void)name;
  (void)qualifier;
  (void)sc;
  (void)out;
  return false;  // filled in by the catalog emulation (issue 6)
}

}  // namespace immu::sql
