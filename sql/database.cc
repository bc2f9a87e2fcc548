#include "sql/database.h"

#include <chrono>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {
std::string BE64(int64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; i++) s[i] = static_cast<char>((static_cast<uint64_t>(v) >> (56 - 8 * i)) & 0xff);
  return s;
}
int64_t FromBE64(std::string_view s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | static_cast<unsigned char>(s[static_cast<size_t>(i)]);
  return static_cast<int64_t>(v);
}
const std::string kOidKey("\x01o", 2);
}  // namespace

std::unique_ptr<Database> Database::Open(const std::string& name, const std::string& dir, bool synced) {
  std::unique_ptr<Database> db(new Database());
  db->name_ = name;
  Options o;
  o.synced = synced;
  o.db_name = name;
  auto s = Store::Open(dir, o);
  if (!s.ok()) {
    throw PgError(SqlStateForStatus(s.status()), "could not open database \"" + name + "\": " + s.status().message());
  }
  db->store_ = std::move(s).value();
  db->catalog_ = Catalog::Load(db->store_.get());
  db->next_oid_ = db->catalog_->next_oid();
  return db;
}

Database::~Database() {
  if (store_) (void)store_->Close();
}

std::shared_ptr<const Catalog> Database::catalog() const {
  std::lock_guard lock(mu_);
  return catalog_;
}

void Database::PublishCatalog(std::shared_ptr<const Catalog> catalog) {
  std::lock_guard lock(mu_);
  catalog_ = std::move(catalog);
}

uint32_t Database::AllocateOid() {
  std::lock_guard lock(seq_mu_);
  const uint32_t oid = next_oid_++;
  std::string v(4, '\0');
  for (int i = 0; i < 4; i++) v[i] = static_cast<char>((next_oid_ >> (24 - 8 * i)) & 0xff);
  ThrowIfError(store_->Set(kOidKey, v).status());
  return oid;
}

void Database::LockRow(const std::string& key, const void* owner, const std::atomic<bool>* cancel) {
  std::unique_lock lock(lock_mu_);
  while (true) {
    auto [it, inserted] = row_locks_.try_emplace(key, owner);
    if (inserted) {
      held_[owner].push_back(key);
      waits_for_.erase(owner);
      return;
    }
    const void* holder = it->second;
    if (holder == owner) return;
    // Would waiting close a cycle of waiters?
    for (const void* h = holder; h != nullptr;) {
      if (h == owner) {
        waits_for_.erase(owner);
        throw PgError(sqlstate::kDeadlockDetected, "deadlock detected",
                      "Process waits for a row lock held by a transaction that waits for this one.",
                      "See server log for query details.");
      }
      auto w = waits_for_.find(h);
      h = w == waits_for_.end() ? nullptr : w->second;
    }
    waits_for_[owner] = holder;
    lock_cv_.wait_for(lock, std::chrono::milliseconds(50));
    if (cancel != nullptr && cancel->load()) {
      waits_for_.erase(owner);
      throw PgError(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
  }
}

void Database::ReleaseRowLocks(const void* owner) {
  std::lock_guard lock(lock_mu_);
  auto it = held_.find(owner);
  if (it == held_.end()) {
    waits_for_.erase(owner);
    return;
  }
  for (const auto& key : it->second) row_locks_.erase(key);
  held_.erase(it);
  waits_for_.erase(owner);
  // Waiters on this owner no longer wait for it: drop their edges now, or a
  // later transaction of the same session would see a stale cycle.
  std::erase_if(waits_for_, [owner](const auto& edge) { return edge.second == owner; });
  lock_cv_.notify_all();
}

int64_t Database::NextSequenceValue(uint32_t table_oid, uint16_t column) {
  constexpr int64_t kLogAhead = 32;
  std::lock_guard lock(seq_mu_);
  auto [it, inserted] = seqs_.try_emplace({table_oid, column});
  Seq& seq = it->second;
  const std::string key = SequenceKey(table_oid, column);
  if (inserted) {
    auto cur = store_->Get(key);
    if (cur.ok() && cur->value.size() == 8) {
      seq.next = FromBE64(cur->value);
      seq.limit = seq.next;
    } else if (!cur.ok() && cur.status().code() != StatusCode::kNotFound) {
      ThrowIfError(cur.status());
    }
  }
  if (seq.next >= seq.limit) {
    seq.limit = seq.next + kLogAhead;
    ThrowIfError(store_->Set(key, BE64(seq.limit)).status());
  }
  return seq.next++;
}

}  // namespace immu::sql
