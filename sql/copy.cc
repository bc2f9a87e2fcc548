#include "sql/copy.h"

#include "catalog/pg_error.h"
#include "sql/row_codec.h"
#include "sql/sequences.h"

namespace immu::sql {

namespace {

std::string OptionText(const PgNode* n) {
  if (n == nullptr) return "";
  if (n->node_case == PG_QUERY__NODE__NODE_STRING) return n->string->sval;
  if (n->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return n->boolean->boolval ? "true" : "false";
  if (n->node_case == PG_QUERY__NODE__NODE_INTEGER) return std::to_string(n->integer->ival);
  return std::string(NodeString(n));
}

bool OptionBool(const PgNode* n) {
  if (n == nullptr) return true;
  const std::string v = OptionText(n);
  return v == "true" || v == "on" || v == "1" || v == "yes";
}

std::string EscapeText(std::string_view s, char delim) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += delim == '\t' ? "\\t" : "\t"; break;
      default:
        if (c == delim) {
          out += '\\';
        }
        out += c;
    }
  }
  return out;
}

std::string QuoteCsv(std::string_view s, const CopyOptions& o) {
  bool need = s.empty();
  for (char c : s) need |= c == o.delimiter || c == o.quote || c == '\n' || c == '\r';
  if (!need) return std::string(s);
  std::string out(1, o.quote);
  for (char c : s) {
    if (c == o.quote || c == o.escape) out += o.escape;
    out += c;
  }
  return out + o.quote;
}

}  // namespace

CopyOptions ParseCopyOptions(const PgQuery__CopyStmt* s) {
  CopyOptions o;
  bool null_set = false, delim_set = false;
  for (size_t i = 0; i < s->n_options; i++) {
    const PgQuery__DefElem* d = s->options[i]->def_elem;
    const std::string name = d->defname;
    if (name == "format") {
      const std::string f = OptionText(d->arg);
      if (f == "csv") {
        o.csv = true;
      } else if (f == "binary") {
        throw PgError(sqlstate::kFeatureNotSupported, "COPY BINARY is not supported yet");
      } else if (f != "text") {
        throw PgError(sqlstate::kInvalidParameterValue, "COPY format \"" + f + "\" not recognized");
      }
    } else if (name == "delimiter") {
      const std::string v = OptionText(d->arg);
      if (v.size() != 1) throw PgError(sqlstate::kFeatureNotSupported, "COPY delimiter must be a single one-byte character");
      o.delimiter = v[0];
      delim_set = true;
    } else if (name == "null") {
      o.null_string = OptionText(d->arg);
      null_set = true;
    } else if (name == "header") {
      o.header = OptionBool(d->arg);
    } else if (name == "quote") {
      o.quote = OptionText(d->arg)[0];
    } else if (name == "escape") {
      o.escape = OptionText(d->arg)[0];
    } else if (name == "freeze" || name == "encoding") {
      // FREEZE has nothing to freeze; the encoding is UTF-8.
    } else {
      throw PgError(sqlstate::kSyntaxError, "option \"" + name + "\" not recognized");
    }
  }
  if (o.csv) {
    if (!delim_set) o.delimiter = ',';
    if (!null_set) o.null_string = "";
  }
  return o;
}

CopyIn::CopyIn(const PgQuery__CopyStmt* s, StmtContext& sc) : sc_(sc) {
  catalog_hold_ = *sc.catalog;
  table_ = LookupTable(sc, s->relation);
  opts_ = ParseCopyOptions(s);
  if (s->n_attlist == 0) {
    for (size_t c = 0; c < table_.columns.size(); c++) {
      if (!table_.columns[c].dropped) targets_.push_back(static_cast<int>(c));
    }
  } else {
    for (size_t i = 0; i < s->n_attlist; i++) {
      const std::string name(NodeString(s->attlist[i]));
      const int c = table_.FindColumn(name);
      if (c < 0) {
        throw PgError(sqlstate::kUndefinedColumn,
                      "column \"" + name + "\" of relation \"" + table_.name + "\" does not exist");
      }
      targets_.push_back(c);
    }
  }
  binder_ = std::make_unique<Binder>(*sc.eval, nullptr);
  std::vector<bool> targeted(table_.columns.size(), false);
  for (int c : targets_) targeted[static_cast<size_t>(c)] = true;
  defaults_.resize(table_.columns.size());
  for (size_t c = 0; c < table_.columns.size(); c++) {
    if (!targeted[c] && !table_.columns[c].serial) defaults_[c] = BindDefault(table_, c, *binder_);
  }
  header_skipped_ = !opts_.header;
  writer_ = std::make_unique<RowWriter>(sc_, table_);
  writer_->set_wait_for_writers(false);
}

void CopyIn::Data(std::string_view bytes) {
  pending_.append(bytes);
  size_t start = 0;
  while (!ended_) {
    // CSV fields may hold newlines inside quotes: find the end of the record.
    size_t pos = start;
    bool in_quotes = false;
    size_t end = std::string::npos;
    for (; pos < pending_.size(); pos++) {
      const char c = pending_[pos];
      if (opts_.csv && c == opts_.quote) in_quotes = !in_quotes;
      if (c == '\n' && !in_quotes) {
        end = pos;
        break;
      }
    }
    if (end == std::string::npos) break;
    std::string_view line(pending_.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Line(line);
    start = end + 1;
  }
  pending_.erase(0, start);
}

int64_t CopyIn::Finish() {
  if (!pending_.empty() && !ended_) {
    std::string last = std::move(pending_);
    pending_.clear();
    Line(last);
  }
  writer_->Finish();
  return rows_;
}

void CopyIn::SplitText(std::string_view line, std::vector<std::optional<std::string>>* fields) {
  fields->clear();
  std::string cur;
  bool raw_null_candidate = true;
  std::string raw;
  auto flush = [&]() {
    if (raw == opts_.null_string) {
      fields->push_back(std::nullopt);
    } else {
      fields->push_back(cur);
    }
    cur.clear();
    raw.clear();
  };
  (void)raw_null_candidate;
  for (size_t i = 0; i < line.size(); i++) {
    const char c = line[i];
    if (c == opts_.delimiter) {
      flush();
      continue;
    }
    raw += c;
    if (c != '\\' || i + 1 >= line.size()) {
      cur += c;
      continue;
    }
    const char n = line[++i];
    raw += n;
    switch (n) {
      case 'n': cur += '\n'; break;
      case 't': cur += '\t'; break;
      case 'r': cur += '\r'; break;
      case 'b': cur += '\b'; break;
      case 'f': cur += '\f'; break;
      case 'v': cur += '\v'; break;
      case 'N': cur += "\\N"; break;
      default:
        if (n >= '0' && n <= '7') {
          int v = n - '0';
          for (int k = 0; k < 2 && i + 1 < line.size() && line[i + 1] >= '0' && line[i + 1] <= '7'; k++) {
            v = v * 8 + (line[++i] - '0');
            raw += line[i];
          }
          cur += static_cast<char>(v);
        } else {
          cur += n;
        }
    }
  }
  flush();
}

void CopyIn::SplitCsv(std::string_view line, std::vector<std::optional<std::string>>* fields) {
  fields->clear();
  std::string cur;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i <= line.size(); i++) {
    if (i == line.size() || (!in_quotes && line[i] == opts_.delimiter)) {
      if (!quoted && cur == opts_.null_string) {
        fields->push_back(std::nullopt);
      } else {
        fields->push_back(cur);
      }
      cur.clear();
      quoted = false;
      continue;
    }
    const char c = line[i];
    if (in_quotes) {
      if (c == opts_.escape && i + 1 < line.size() && line[i + 1] == opts_.quote) {
        cur += opts_.quote;
        i++;
      } else if (c == opts_.quote) {
        in_quotes = false;
      } else {
        cur += c;
      }
    } else if (c == opts_.quote) {
      in_quotes = true;
      quoted = true;
    } else {
      cur += c;
    }
  }
}

void CopyIn::Line(std::string_view line) {
  line_no_++;
  if (!header_skipped_) {
    header_skipped_ = true;
    return;
  }
  if (!opts_.csv && line == "\\.") {
    ended_ = true;
    return;
  }
  CheckCancel(*sc_.eval);
  std::vector<std::optional<std::string>> fields;
  if (opts_.csv) {
    SplitCsv(line, &fields);
  } else {
    SplitText(line, &fields);
  }
  if (fields.size() > targets_.size()) {
    PgError e("22P04", "extra data after last expected column");
    e.set_position(0);
    throw PgError("22P04", "extra data after last expected column",
                  "COPY " + table_.name + ", line " + std::to_string(line_no_));
  }
  if (fields.size() < targets_.size()) {
    throw PgError("22P04", "missing data for column \"" + table_.columns[static_cast<size_t>(targets_[fields.size()])].name + "\"",
                  "COPY " + table_.name + ", line " + std::to_string(line_no_));
  }
  Row row(table_.columns.size());
  std::vector<bool> given(table_.columns.size(), false);
  for (size_t i = 0; i < targets_.size(); i++) {
    const size_t c = static_cast<size_t>(targets_[i]);
    const ColumnDef& col = table_.columns[c];
    given[c] = true;
    if (!fields[i]) {
      row[c] = Value::Null(col.type_oid);
    } else {
      try {
        row[c] = FromText(*fields[i], col.type_oid, col.typmod, sc_.eval->vc);
      } catch (PgError& e) {
        throw PgError(e.sqlstate(), e.message(),
                      "COPY " + table_.name + ", line " + std::to_string(line_no_) + ", column " + col.name + ": \"" +
                          *fields[i] + "\"");
      }
    }
  }
  for (size_t c = 0; c < table_.columns.size(); c++) {
    const ColumnDef& col = table_.columns[c];
    if (!given[c]) {
      if (col.serial) {
        row[c] = CastValue(Value::Int(oid::kInt8, NextSerialValue(sc_.db, *sc_.eval, table_, c)),
                           col.type_oid, col.typmod, sc_.eval->vc, false);
      } else {
        row[c] = Eval(*defaults_[c], Row{}, *sc_.eval);
      }
    }
    row[c].type = col.type_oid;
  }
  writer_->Insert(row);
  rows_++;
}

int64_t CopyOut(const PgQuery__CopyStmt* s, StmtContext& sc, RowSink& sink) {
  const CopyOptions o = ParseCopyOptions(s);
  QueryResult r;
  if (s->query != nullptr) {
    if (s->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
      throw PgError(sqlstate::kFeatureNotSupported, "COPY (query) TO supports SELECT only");
    }
    r = RunSelect(s->query->select_stmt, sc, nullptr);
  } else {
    const TableDef& t = LookupTable(sc, s->relation);
    std::vector<int> cols;
    if (s->n_attlist == 0) {
      for (size_t c = 0; c < t.columns.size(); c++) {
        if (!t.columns[c].dropped) cols.push_back(static_cast<int>(c));
      }
    } else {
      for (size_t i = 0; i < s->n_attlist; i++) {
        const int c = t.FindColumn(NodeString(s->attlist[i]));
        if (c < 0) throw PgError(sqlstate::kUndefinedColumn, "column \"" + std::string(NodeString(s->attlist[i])) + "\" does not exist");
        cols.push_back(c);
      }
    }
    std::vector<Row> rows;
    ScanTable(sc, t, &rows, nullptr);
    for (const auto& row : rows) {
      Row out;
      for (int c : cols) out.push_back(row[static_cast<size_t>(c)]);
      r.rows.push_back(std::move(out));
    }
    for (int c : cols) {
      ResultColumn rc;
      rc.name = t.columns[static_cast<size_t>(c)].name;
      r.columns.push_back(rc);
    }
  }
  CopyState state;
  state.in = false;
  state.column_formats.assign(r.columns.size(), 0);
  sink.CopyOutBegin(state);
  if (o.header) {
    std::string line;
    for (size_t c = 0; c < r.columns.size(); c++) {
      if (c) line += o.delimiter;
      line += o.csv ? QuoteCsv(r.columns[c].name, o) : r.columns[c].name;
    }
    sink.CopyData(line + "\n");
  }
  for (const auto& row : r.rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); c++) {
      if (c) line += o.delimiter;
      if (row[c].null) {
        line += o.null_string;
      } else {
        const std::string text = ToText(row[c], sc.eval->vc);
        line += o.csv ? QuoteCsv(text, o) : EscapeText(text, o.delimiter);
      }
    }
    sink.CopyData(line + "\n");
  }
  return static_cast<int64_t>(r.rows.size());
}

}  // namespace immu::sql
