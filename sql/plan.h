#pragma once
// EXPLAIN support: the executors describe what they do as a tree of plan
// nodes while they bind (EXPLAIN) or run (EXPLAIN ANALYZE). A PlanRecorder
// hangs off StmtContext::plan; when it is nullptr, recording costs one
// pointer test per operator.
//
// Nodes are keyed by the parse-tree node that produces them, so an operator
// run once per outer row (a correlated subquery) is one node with loops > 1.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace immu::sql {

struct PlanNode {
  // Operators a SELECT applies above its FROM clause, top first (Limit,
  // Sort, WindowAgg, Aggregate ...): rendered as a chain above children.
  struct Stage {
    std::string label;
    std::vector<std::string> details;
    int64_t rows = 0;     // total over loops
    double total_ms = 0;  // from the SELECT's start to this operator's end, total over loops
  };
  std::string label;                 // "Seq Scan on t"
  std::vector<std::string> details;  // "Filter: (a > 1)"
  const void* key = nullptr;
  PlanNode* parent = nullptr;
  std::vector<std::unique_ptr<PlanNode>> children;
  int64_t loops = 0;
  int64_t rows = 0;     // total over loops
  double first_ms = 0;  // time to the first loop's end (materialised: all rows)
  double total_ms = 0;  // total over loops
  std::vector<Stage> stages;
  bool staged = false;  // stages recorded (first loop)
  // A SELECT's own node: with no stages and one FROM item it renders as
  // that item ("Result" with none).
  bool collapse = false;
  bool subplan = false;  // rendered as a header ("SubPlan N", "CTE x") above its children
  int64_t removed = -1;  // rows removed by a filter, total (ANALYZE)
};

class PlanRecorder {
 public:
  explicit PlanRecorder(bool analyze) : analyze_(analyze) { root_.label = "(root)"; }
  bool analyze() const { return analyze_; }
  PlanNode* current() { return current_; }
  // The child of the current node with this key (created with label).
  PlanNode* Child(const void* key, const std::string& label);
  void Enter(PlanNode* n) { current_ = n; }
  void Leave(PlanNode* n) { current_ = n->parent; }
  const PlanNode& root() const { return root_; }
  // PostgreSQL's text format; timing/costs as EXPLAIN's options say.
  std::vector<std::string> Render(bool timing) const;

 private:
  bool analyze_;
  PlanNode root_;
  PlanNode* current_ = &root_;
};

// The operators of a SELECT above its FROM clause, declared bottom-up in
// the same order on every loop (EXPLAIN). No-op for a nullptr node.
class PlanScope;

class PlanStages {
 public:
  explicit PlanStages(PlanScope& scope);
  ~PlanStages() {
    if (n_ != nullptr) n_->staged = true;
  }
  int Add(const std::string& label, std::vector<std::string> details = {}) {
    if (n_ == nullptr) return -1;
    if (!n_->staged) n_->stages.push_back(PlanNode::Stage{label, std::move(details), 0});
    return next_++;
  }
  // The operator in slot finished with rows (timed from the SELECT's start).
  void Rows(int slot, size_t rows);

 private:
  PlanScope& scope_;
  PlanNode* n_;
  int next_ = 0;
};

// RAII: a node under the recorder's current node, current while in scope;
// times the scope and counts one loop. No-op when recorder is nullptr.
class PlanScope {
 public:
  // executing: the statement really runs (not a describe pass): only then
  // are loops, rows and time counted, and the label (the access path
  // chosen with real values) replaces a describe pass's.
  PlanScope(PlanRecorder* recorder, const void* key, const std::string& label, bool executing);
  ~PlanScope();
  PlanScope(const PlanScope&) = delete;
  PlanScope& operator=(const PlanScope&) = delete;
  PlanNode* node() { return node_; }
  void Rows(size_t n) {
    if (node_ != nullptr) rows_ = static_cast<int64_t>(n);
  }
  void Detail(std::string d);
  // Milliseconds since the scope began.
  double ElapsedMs() const;
  void Relabel(std::string label) {
    if (node_ != nullptr) node_->label = std::move(label);
  }

 private:
  PlanRecorder* recorder_;
  PlanNode* node_ = nullptr;
  bool executing_ = false;
  int64_t rows_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace immu::sql
