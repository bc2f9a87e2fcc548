#include "sql/activity_board.h"

#include <algorithm>

namespace immu::sql {

void ActivityBoard::Entry::StatementStart(std::string_view query, int64_t now, int64_t xact_start) {
  std::lock_guard lock(mu_);
  a_.query.assign(query);
  a_.state = "active";
  a_.query_start = now;
  a_.state_change = now;
  a_.xact_start = xact_start != 0 ? xact_start : now;
}

void ActivityBoard::Entry::Idle(char tx_status, int64_t now) {
  std::lock_guard lock(mu_);
  a_.state = tx_status == 'I' ? "idle" : tx_status == 'T' ? "idle in transaction" : "idle in transaction (aborted)";
  if (tx_status == 'I') a_.xact_start = 0;
  a_.state_change = now;
}

SessionActivity ActivityBoard::Entry::Snapshot() const {
  std::lock_guard lock(mu_);
  return a_;
}

std::shared_ptr<ActivityBoard::Entry> ActivityBoard::Register(const SessionActivity& initial) {
  auto e = std::make_shared<Entry>();
  e->a_ = initial;
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [](const std::weak_ptr<Entry>& w) { return w.expired(); });
  entries_.push_back(e);
  return e;
}

std::vector<SessionActivity> ActivityBoard::Snapshot() const {
  std::vector<SessionActivity> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& w : entries_) {
      if (auto e = w.lock()) out.push_back(e->Snapshot());
    }
  }
  std::sort(out.begin(), out.end(), [](const SessionActivity& a, const SessionActivity& b) { return a.pid < b.pid; });
  return out;
}

int ActivityBoard::CountConnected(const std::string& database) const {
  int n = 0;
  std::lock_guard lock(mu_);
  for (const auto& w : entries_) {
    if (auto e = w.lock(); e && e->Snapshot().database == database) n++;
  }
  return n;
}

}  // namespace immu::sql
