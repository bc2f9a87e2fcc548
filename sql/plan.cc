// EXPLAIN plan recording and rendering: see plan.h.

#include "sql/plan.h"

#include <algorithm>
#include <cstdio>

namespace immu::sql {

PlanNode* PlanRecorder::Child(const void* key, const std::string& label) {
  for (auto& c : current_->children) {
    if (c->key == key && key != nullptr) return c.get();
  }
  auto n = std::make_unique<PlanNode>();
  n->label = label;
  n->key = key;
  n->parent = current_;
  current_->children.push_back(std::move(n));
  return current_->children.back().get();
}

namespace {

struct RenderState {
  bool analyze;
  bool timing;
  int subplans = 0;
  std::vector<std::string>* out;
};

std::string Actual(const RenderState& st, int64_t loops, int64_t rows, double first_ms,
                   double total_ms) {
  if (!st.analyze) return "";
  if (loops == 0) return " (never executed)";
  char buf[128];
  // Rows per loop, rounded as PostgreSQL prints them.
  const double per_loop = static_cast<double>(rows) / static_cast<double>(loops);
  if (st.timing) {
    const double avg = total_ms / static_cast<double>(loops);
    std::snprintf(buf, sizeof(buf), " (actual time=%.3f..%.3f rows=%.0f loops=%lld)",
                  std::min(avg, first_ms), avg, per_loop, static_cast<long long>(loops));
  } else {
    std::snprintf(buf, sizeof(buf), " (actual rows=%.0f loops=%lld)", per_loop,
                  static_cast<long long>(loops));
  }
  return buf;
}

// Columns: a node's label starts at `indent` (its arrow two columns after
// its parent's label), its details two columns right of the label; a
// header (SubPlan, CTE) sits at the parent's detail column.
void Line(RenderState& st, size_t indent, const std::string& text) {
  st.out->push_back((indent == 0 ? std::string() : std::string(indent - 4, ' ') + "->  ") + text);
}

void Detail(RenderState& st, size_t indent, const std::string& text) {
  st.out->push_back(std::string(indent + 2, ' ') + text);
}

void RenderNode(RenderState& st, const PlanNode& n, size_t indent);

// Children of a node whose label starts at `indent`.
void RenderChildren(RenderState& st, const std::vector<const PlanNode*>& kids, size_t indent) {
  for (const PlanNode* c : kids) {
    if (c->subplan) {
      Detail(st, indent,
             c->label == "SubPlan" ? "SubPlan " + std::to_string(++st.subplans) : c->label);
      for (const auto& g : c->children) RenderNode(st, *g, indent + 8);
      continue;
    }
    RenderNode(st, *c, indent + 6);
  }
}

void RemovedLine(RenderState& st, const PlanNode& n, size_t indent) {
  if (st.analyze && n.removed >= 0 && n.loops > 0) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "Rows Removed by Filter: %.0f",
                  static_cast<double>(n.removed) / static_cast<double>(n.loops));
    Detail(st, indent, buf);
  }
}

void RenderNode(RenderState& st, const PlanNode& n, size_t indent) {
  std::vector<const PlanNode*> kids;
  for (const auto& c : n.children) kids.push_back(c.get());
  size_t items = 0;
  for (const PlanNode* c : kids) items += c->subplan ? 0 : 1;
  if (n.collapse && n.stages.empty() && items == 1 && n.details.empty()) {
    // Render the FROM item in the SELECT's place, subplans under it.
    const PlanNode* item = nullptr;
    std::vector<const PlanNode*> rest;
    for (const PlanNode* c : kids) {
      if (c->subplan)
        rest.push_back(c);
      else
        item = c;
    }
    if (item->collapse) {
      // A nested SELECT node (a subquery in FROM): recurse with our subplans.
      RenderNode(st, *item, indent);
      RenderChildren(st, rest, indent);
      return;
    }
    Line(st, indent,
         item->label + Actual(st, item->loops, item->rows, item->first_ms, item->total_ms));
    for (const auto& d : item->details) Detail(st, indent, d);
    RemovedLine(st, *item, indent);
    std::vector<const PlanNode*> item_kids;
    for (const auto& c : item->children) item_kids.push_back(c.get());
    item_kids.insert(item_kids.end(), rest.begin(), rest.end());
    RenderChildren(st, item_kids, indent);
    return;
  }
  size_t at = indent;
  for (auto it = n.stages.rbegin(); it != n.stages.rend(); ++it) {
    Line(st, at, it->label + Actual(st, n.loops, it->rows, it->total_ms, it->total_ms));
    for (const auto& x : it->details) Detail(st, at, x);
    at += 6;
  }
  if (!n.stages.empty() && n.collapse && items <= 1 && n.details.empty()) {
    // The stages sit directly on the FROM item (or on a Result without one).
    if (items == 0) {
      Line(st, at, "Result" + Actual(st, n.loops, n.loops, n.first_ms, n.total_ms));
      RenderChildren(st, kids, at);
      return;
    }
    // The FROM item one level down, subplans beside it.
    std::vector<const PlanNode*> item_first;
    for (const PlanNode* k : kids) {
      if (!k->subplan)
        item_first.insert(item_first.begin(), k);
      else
        item_first.push_back(k);
    }
    RenderNode(st, *item_first[0], at);
    std::vector<const PlanNode*> rest(item_first.begin() + 1, item_first.end());
    RenderChildren(st, rest, at);
    return;
  }
  const std::string label = n.collapse && items > 1 ? "Nested Loop" : n.label;
  Line(st, at, label + Actual(st, n.loops, n.rows, n.first_ms, n.total_ms));
  for (const auto& x : n.details) Detail(st, at, x);
  RemovedLine(st, n, at);
  RenderChildren(st, kids, at);
}

}  // namespace

std::vector<std::string> PlanRecorder::Render(bool timing) const {
  std::vector<std::string> out;
  RenderState st{analyze_, timing, 0, &out};
  for (const auto& c : root_.children) RenderNode(st, *c, 0);
  return out;
}

PlanScope::PlanScope(PlanRecorder* recorder, const void* key, const std::string& label,
                     bool executing)
    : recorder_(recorder), executing_(executing) {
  if (recorder_ == nullptr) return;
  node_ = recorder_->Child(key, label);
  if (executing_) node_->label = label;
  recorder_->Enter(node_);
  start_ = std::chrono::steady_clock::now();
}

PlanScope::~PlanScope() {
  if (node_ == nullptr) return;
  recorder_->Leave(node_);
  if (!recorder_->analyze() || !executing_) return;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  if (node_->loops == 0) node_->first_ms = ms;
  node_->loops++;
  node_->rows += rows_;
  node_->total_ms += ms;
}

double PlanScope::ElapsedMs() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
      .count();
}

PlanStages::PlanStages(PlanScope& scope) : scope_(scope), n_(scope.node()) {}

void PlanStages::Rows(int slot, size_t rows) {
  if (n_ == nullptr || slot < 0 || static_cast<size_t>(slot) >= n_->stages.size()) return;
  auto& st = n_->stages[static_cast<size_t>(slot)];
  st.rows += static_cast<int64_t>(rows);
  st.total_ms += scope_.ElapsedMs();
}

void PlanScope::Detail(std::string d) {
  if (node_ == nullptr) return;
  // Repeated loops describe the node once.
  if (std::find(node_->details.begin(), node_->details.end(), d) == node_->details.end()) {
    node_->details.push_back(std::move(d));
  }
}

}  // namespace immu::sql
