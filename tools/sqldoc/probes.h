#pragma once
// What tools/sqldoc probes: PostgreSQL 15's functions and operators (read
// from a reference server's pg_proc / pg_operator) turned into statements
// that call them, and a fixed list of sample statements per SQL command.

#include <string>
#include <vector>

namespace immu::sqldoc {

struct Probe {
  std::string group;      // "function", "aggregate", "window", "set-returning", "operator", "statement"
  std::string name;       // function/operator name or statement label
  std::string signature;  // as shown in the reference
  std::string sql;        // the statement that exercises it
};

// Builds the call for one pg_proc row. arg_types are format_type() names;
// variadic_type is the element type of a VARIADIC parameter ("" if none).
// Returns false when the function cannot be called from SQL with concrete
// types (internal pseudo-types, ...).
bool FunctionProbe(const std::string& name, char kind, bool retset, std::vector<std::string> arg_types,
                   const std::string& variadic_type, const std::string& result_type, char agg_kind,
                   int direct_args, Probe* out);
bool OperatorProbe(const std::string& name, const std::string& left, const std::string& right,
                   const std::string& result, Probe* out);
// Statements, each runnable after StatementSetup() in a fresh database.
std::vector<Probe> StatementProbes();
std::string StatementSetup();

}  // namespace immu::sqldoc
