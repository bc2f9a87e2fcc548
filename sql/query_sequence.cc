// CREATE / ALTER SEQUENCE and reading a sequence as a relation. A sequence
// is a catalog relation of kind 'S' (sharing the relation namespace with
// tables and views); its value lives in Database (sql/sequences.h).

#include <cstdlib>

#include "catalog/pg_error.h"
#include "sql/query_internal.h"
#include "sql/sequences.h"
#include "sql/system_internal.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

int64_t IntArg(const PgQuery__DefElem* d) {
  const PgNode* a = d->arg;
  if (a == nullptr) Throw(sqlstate::kSyntaxError, std::string(d->defname) + " requires a numeric value", d->location);
  if (a->node_case == PG_QUERY__NODE__NODE_INTEGER) return a->integer->ival;
  if (a->node_case == PG_QUERY__NODE__NODE_FLOAT) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(a->float_->fval, &end, 10);
    if (errno == 0 && end != nullptr && *end == '\0') return v;
  }
  Throw(sqlstate::kInvalidParameterValue, std::string(d->defname) + " requires an integer value", d->location);
}

struct SeqOptions {
  bool has_type = false, has_inc = false, has_min = false, no_min = false, has_max = false, no_max = false;
  bool has_start = false, has_cache = false, has_cycle = false, restart = false, has_restart_value = false;
  bool has_owned = false, owned_none = false;
  int64_t inc = 1, min = 0, max = 0, start = 0, cache = 1, restart_value = 0;
  bool cycle = false;
  uint32_t type = oid::kInt8;
  std::vector<std::string> owned_by;
};

SeqOptions ParseOptions(PgNode* const* opts, size_t n) {
  SeqOptions o;
  for (size_t i = 0; i < n; i++) {
    const PgQuery__DefElem* d = opts[i]->def_elem;
    const std::string name = d->defname;
    if (name == "as") {
      int32_t typmod = -1;
      ResolveTypeName(d->arg->type_name, &o.type, &typmod);
      if (o.type != oid::kInt2 && o.type != oid::kInt4 && o.type != oid::kInt8) {
        Throw(sqlstate::kInvalidParameterValue, "sequence type must be smallint, integer, or bigint", d->location);
      }
      o.has_type = true;
    } else if (name == "increment") {
      o.inc = IntArg(d);
      o.has_inc = true;
      if (o.inc == 0) Throw(sqlstate::kInvalidParameterValue, "INCREMENT must not be zero", d->location);
    } else if (name == "minvalue") {
      o.has_min = true;
      o.no_min = d->arg == nullptr;
      if (d->arg != nullptr) o.min = IntArg(d);
    } else if (name == "maxvalue") {
      o.has_max = true;
      o.no_max = d->arg == nullptr;
      if (d->arg != nullptr) o.max = IntArg(d);
    } else if (name == "start") {
      o.start = IntArg(d);
      o.has_start = true;
    } else if (name == "restart") {
      o.restart = true;
      if (d->arg != nullptr) {
        o.restart_value = IntArg(d);
        o.has_restart_value = true;
      }
    } else if (name == "cache") {
      o.cache = IntArg(d);
      o.has_cache = true;
      if (o.cache <= 0) {
        Throw(sqlstate::kInvalidParameterValue, "CACHE (" + std::to_string(o.cache) + ") must be greater than zero",
              d->location);
      }
    } else if (name == "cycle") {
      o.has_cycle = true;
      o.cycle = d->arg != nullptr && d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN ? d->arg->boolean->boolval
                                                                                        : IntArg(d) != 0;
    } else if (name == "owned_by") {
      o.has_owned = true;
      const PgQuery__List* l = d->arg->list;
      for (size_t k = 0; k < l->n_items; k++) o.owned_by.emplace_back(NodeString(l->items[k]));
      o.owned_none = o.owned_by.size() == 1 && o.owned_by[0] == "none";
    } else {
      Throw(sqlstate::kSyntaxError, "option \"" + name + "\" not recognized", d->location);
    }
  }
  return o;
}

// Applies options over def (fresh for CREATE, the current one for ALTER),
// following PostgreSQL's init_params defaults and checks.
void Apply(StmtContext& sc, const SeqOptions& o, const std::string& name, bool create, SequenceDef* def) {
  int64_t type_min = 0, type_max = 0;
  if (o.has_type || create) def->type_oid = o.type;
  SequenceBounds(def->type_oid, &type_min, &type_max);
  if (o.has_inc) def->increment = o.inc;
  const bool asc = def->increment > 0;
  if (o.has_max && !o.no_max) {
    def->max_value = o.max;
  } else if (create || o.no_max || o.has_type) {
    def->max_value = asc ? type_max : -1;
  }
  if (o.has_min && !o.no_min) {
    def->min_value = o.min;
  } else if (create || o.no_min || o.has_type) {
    def->min_value = asc ? 1 : type_min;
  }
  if (def->max_value > type_max || def->min_value < type_min) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  std::string(def->max_value > type_max ? "MAXVALUE" : "MINVALUE") + " (" +
                      std::to_string(def->max_value > type_max ? def->max_value : def->min_value) +
                      ") is out of range for sequence data type " + FormatType(def->type_oid, -1));
  }
  if (def->min_value >= def->max_value) {
    throw PgError(sqlstate::kInvalidParameterValue, "MINVALUE (" + std::to_string(def->min_value) +
                                                        ") must be less than MAXVALUE (" +
                                                        std::to_string(def->max_value) + ")");
  }
  if (o.has_start) {
    def->start = o.start;
  } else if (create) {
    def->start = asc ? def->min_value : def->max_value;
  }
  if (def->start < def->min_value) {
    throw PgError(sqlstate::kInvalidParameterValue, "START value (" + std::to_string(def->start) +
                                                        ") cannot be less than MINVALUE (" +
                                                        std::to_string(def->min_value) + ")");
  }
  if (def->start > def->max_value) {
    throw PgError(sqlstate::kInvalidParameterValue, "START value (" + std::to_string(def->start) +
                                                        ") cannot be greater than MAXVALUE (" +
                                                        std::to_string(def->max_value) + ")");
  }
  if (o.has_cache) def->cache = o.cache;
  if (o.has_cycle) def->cycle = o.cycle;
  if (o.has_owned) {
    def->owned_by_table = 0;
    def->owned_by_column = -1;
    if (!o.owned_none) {
      if (o.owned_by.size() < 2) {
        throw PgError(sqlstate::kSyntaxError, "invalid OWNED BY option",
                      "", "Specify OWNED BY table.column or OWNED BY NONE.");
      }
      const std::string column = o.owned_by.back();
      const std::string table = o.owned_by[o.owned_by.size() - 2];
      const std::string schema = o.owned_by.size() > 2 ? o.owned_by[o.owned_by.size() - 3] : "";
      const TableDef* t = FindRelationInPath(sc, schema, table);
      if (t == nullptr) throw PgError(sqlstate::kUndefinedTable, "relation \"" + table + "\" does not exist");
      const int c = t->FindColumn(column);
      if (c < 0) {
        throw PgError(sqlstate::kUndefinedColumn,
                      "column \"" + column + "\" of relation \"" + table + "\" does not exist");
      }
      def->owned_by_table = t->oid;
      def->owned_by_column = static_cast<int16_t>(c);
    }
  }
  (void)name;
}

ColumnDef Col(const char* name, uint32_t type) {
  ColumnDef c;
  c.name = name;
  c.type_oid = type;
  c.not_null = true;
  return c;
}

}  // namespace

std::optional<SequenceDef> IdentityOptions(StmtContext& sc, PgNode* const* opts, size_t n, uint32_t column_type) {
  if (n == 0) return std::nullopt;
  SeqOptions o = ParseOptions(opts, n);
  if (o.has_owned) throw PgError(sqlstate::kSyntaxError, "identity column sequences cannot have OWNED BY");
  if (!o.has_type) o.type = column_type == oid::kInt2 || column_type == oid::kInt4 ? column_type : oid::kInt8;
  o.has_type = true;
  SequenceDef def;
  Apply(sc, o, "", true, &def);
  return def;
}

QueryResult RunCreateSequence(const PgQuery__CreateSeqStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE SEQUENCE";
  const std::string schema = CreationSchema(sc, s->sequence);
  const std::string name = s->sequence->relname;
  if ((*sc.catalog)->Find(schema, name) != nullptr) {
    if (s->if_not_exists) return out;
    Throw(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists", s->sequence->location);
  }
  TableDef t;
  t.schema = schema;
  t.name = name;
  t.kind = 'S';
  t.columns = {Col("last_value", oid::kInt8), Col("log_cnt", oid::kInt8), Col("is_called", oid::kBool)};
  Apply(sc, ParseOptions(s->options, s->n_options), name, true, &t.sequence);
  if (sc.describe_only) return out;
  t.oid = sc.db->AllocateOid();
  SaveTable(sc, t);
  return out;
}

QueryResult RunAlterSequence(const PgQuery__AlterSeqStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "ALTER SEQUENCE";
  const std::string schema = s->sequence->schemaname != nullptr ? s->sequence->schemaname : "";
  const TableDef* found = FindRelationInPath(sc, schema, s->sequence->relname);
  if (found == nullptr && s->missing_ok) return out;
  const SeqOptions o = ParseOptions(s->options, s->n_options);
  if (found == nullptr || found->kind != 'S') {
    // A serial column's implicit sequence: only RESTART is supported.
    const uint32_t id = found == nullptr ? 0 : found->oid;
    std::optional<SequenceRef> ref;
    if (id == 0) {
      // Look the implicit sequence up by name through the reg* machinery.
      for (const auto& [toid, t] : (*sc.catalog)->tables()) {
        for (size_t c = 0; c < t.columns.size() && !ref; c++) {
          if (t.columns[c].serial && !t.columns[c].dropped && SequenceName(t, c) == s->sequence->relname) {
            ref = SerialSequence(t, c);
          }
        }
      }
    }
    if (!ref) {
      Throw(sqlstate::kUndefinedTable, "relation \"" + std::string(s->sequence->relname) + "\" does not exist",
            s->sequence->location);
    }
    if (sc.describe_only) return out;
    if (o.restart) sc.db->SetSequenceNext(ref->owner, ref->column, o.has_restart_value ? o.restart_value : 1);
    return out;
  }
  TableDef t = *found;
  Apply(sc, o, t.name, false, &t.sequence);
  if (sc.describe_only) return out;
  if (o.restart) {
    sc.db->SetSequenceNext(t.oid, 0, o.has_restart_value ? o.restart_value : t.sequence.start);
  }
  SaveTable(sc, t);
  return out;
}

Relation SequenceRelation(StmtContext& sc, const TableDef& t, const std::string& qualifier) {
  Relation r;
  AddTableScope(t, qualifier, &r.scope);
  if (sc.describe_only) return r;
  const auto [next, called] = sc.db->PeekSequence(t.oid, 0, t.sequence);
  const int64_t last = called ? next - t.sequence.increment : t.sequence.start;
  r.rows.push_back({Value::Int(oid::kInt8, last), Value::Int(oid::kInt8, 0), Value::Bool(called)});
  return r;
}

}  // namespace immu::sql
