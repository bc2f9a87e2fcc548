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

void Database::WaitForLock(std::unique_lock<std::mutex>& lock, const void* owner, const std::function<void()>& check) {
  lock_cv_.wait_for(lock, std::chrono::milliseconds(50));
  if (!check) return;
  try {
    check();
  } catch (...) {
    waits_for_.erase(owner);  // no longer waiting: drop the waits-for edge
    throw;
  }
}

void Database::LockRow(const std::string& key, const void* owner, const std::function<void()>& check) {
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
    CheckDeadlock(owner, holder);
    waits_for_[owner] = holder;
    WaitForLock(lock, owner, check);
  }
}

bool Database::TryLockRow(const std::string& key, const void* owner) {
  std::lock_guard lock(lock_mu_);
  auto [it, inserted] = row_locks_.try_emplace(key, owner);
  if (inserted) {
    held_[owner].push_back(key);
    return true;
  }
  return it->second == owner;
}

void Database::CheckDeadlock(const void* owner, const void* holder) {
  for (const void* h = holder; h != nullptr;) {
    if (h == owner) {
      waits_for_.erase(owner);
      throw PgError(sqlstate::kDeadlockDetected, "deadlock detected",
                    "Process waits for a lock held by a transaction that waits for this one.",
                    "See server log for query details.");
    }
    auto w = waits_for_.find(h);
    h = w == waits_for_.end() ? nullptr : w->second;
  }
}

namespace {
// PostgreSQL's lock conflict table: the modes (as bits 1 << mode) each mode
// conflicts with.
uint16_t ConflictsWith(Database::TableLockMode m) {
  auto bits = [](std::initializer_list<int> modes) {
    uint16_t b = 0;
    for (int x : modes) b = static_cast<uint16_t>(b | (1u << x));
    return b;
  };
  switch (static_cast<int>(m)) {
    case 1: return bits({8});
    case 2: return bits({7, 8});
    case 3: return bits({5, 6, 7, 8});
    case 4: return bits({4, 5, 6, 7, 8});
    case 5: return bits({3, 4, 6, 7, 8});
    case 6: return bits({3, 4, 5, 6, 7, 8});
    case 7: return bits({2, 3, 4, 5, 6, 7, 8});
    default: return bits({1, 2, 3, 4, 5, 6, 7, 8});
  }
}
}  // namespace

bool Database::LockTable(uint32_t table_oid, TableLockMode mode, const void* owner, bool nowait,
                         const std::function<void()>& check, const std::string& name) {
  bool waited = false;
  const uint16_t bit = static_cast<uint16_t>(1u << static_cast<int>(mode));
  const uint16_t conflicts = ConflictsWith(mode);
  std::unique_lock lock(lock_mu_);
  while (true) {
    auto& holders = table_locks_[table_oid];
    const void* blocker = nullptr;
    for (const auto& [h, modes] : holders) {
      if (h != owner && (modes & conflicts) != 0) {
        blocker = h;
        break;
      }
    }
    if (blocker == nullptr) {
      uint16_t& mine = holders[owner];
      if (mine == 0) held_tables_[owner].push_back(table_oid);
      mine = static_cast<uint16_t>(mine | bit);
      waits_for_.erase(owner);
      return waited;
    }
    if (nowait) {
      waits_for_.erase(owner);
      throw PgError(sqlstate::kLockNotAvailable, "could not obtain lock on relation \"" + name + "\"");
    }
    CheckDeadlock(owner, blocker);
    waits_for_[owner] = blocker;
    waited = true;
    WaitForLock(lock, owner, check);
  }
}

void Database::SetOwnerPid(const void* owner, int32_t pid) {
  std::lock_guard lock(lock_mu_);
  owner_pids_[owner] = pid;
}

void Database::ForgetOwner(const void* owner) {
  std::lock_guard lock(lock_mu_);
  owner_pids_.erase(owner);
}

std::vector<int32_t> Database::BlockingPids(int32_t pid) {
  std::vector<int32_t> out = advisory_.BlockingPids(pid);
  std::lock_guard lock(lock_mu_);
  for (const auto& [owner, p] : owner_pids_) {
    if (p != pid) continue;
    auto w = waits_for_.find(owner);
    if (w == waits_for_.end()) break;
    auto h = owner_pids_.find(w->second);
    if (h != owner_pids_.end()) out.push_back(h->second);
    break;
  }
  return out;
}

void Database::ReleaseRowLocks(const void* owner) {
  std::lock_guard lock(lock_mu_);
  if (auto t = held_tables_.find(owner); t != held_tables_.end()) {
    for (uint32_t oid : t->second) {
      auto h = table_locks_.find(oid);
      if (h == table_locks_.end()) continue;
      h->second.erase(owner);
      if (h->second.empty()) table_locks_.erase(h);
    }
    held_tables_.erase(t);
    lock_cv_.notify_all();
  }
  auto it = held_.find(owner);
  if (it == held_.end()) {
    waits_for_.erase(owner);
    std::erase_if(waits_for_, [owner](const auto& edge) { return edge.second == owner; });
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

Database::Seq& Database::LoadSequence(uint32_t owner, uint16_t column, int64_t start) {
  Seq& seq = seqs_[{owner, column}];
  if (seq.loaded) return seq;
  seq.loaded = true;
  seq.next = start;
  auto cur = store_->Get(SequenceKey(owner, column));
  if (cur.ok() && cur->value.size() == 8) {
    // After a restart the sequence continues at the mark: values below it
    // may have been handed out before the crash.
    seq.next = FromBE64(cur->value);
    seq.limit = seq.next;
    seq.called = true;
  } else if (!cur.ok() && cur.status().code() != StatusCode::kNotFound) {
    ThrowIfError(cur.status());
  }
  return seq;
}

int64_t Database::NextSequenceValue(uint32_t table_oid, uint16_t column) {
  static const SequenceDef kDefault;
  return NextSequenceValue(table_oid, column, kDefault, "");
}

int64_t Database::NextSequenceValue(uint32_t owner, uint16_t column, const SequenceDef& def, const std::string& name) {
  constexpr int64_t kLogAhead = 32;
  std::lock_guard lock(seq_mu_);
  Seq& seq = LoadSequence(owner, column, def.start);
  const int64_t inc = def.increment != 0 ? def.increment : 1;
  int64_t v = seq.next;
  bool wrapped = false;
  if (inc > 0 ? v > def.max_value : v < def.min_value) {
    if (!def.cycle) {
      throw PgError(sqlstate::kSequenceGeneratorLimitExceeded,
                    "nextval: reached " + std::string(inc > 0 ? "maximum" : "minimum") + " value of sequence \"" +
                        name + "\" (" + std::to_string(inc > 0 ? def.max_value : def.min_value) + ")");
    }
    v = inc > 0 ? def.min_value : def.max_value;
    wrapped = true;
  }
  int64_t after = 0;
  if (__builtin_add_overflow(v, inc, &after)) after = inc > 0 ? INT64_MAX : INT64_MIN;
  // Past the end, `after` stays beyond the bound so the next call errors
  // (or wraps).
  const bool beyond_mark = !seq.called || wrapped || (inc > 0 ? after > seq.limit : after < seq.limit);
  if (beyond_mark) {
    int64_t mark = 0;
    if (__builtin_mul_overflow(inc, kLogAhead, &mark) || __builtin_add_overflow(v, mark, &mark)) {
      mark = inc > 0 ? INT64_MAX : INT64_MIN;
    }
    ThrowIfError(store_->Set(SequenceKey(owner, column), BE64(mark)).status());
    seq.limit = mark;
  }
  seq.next = after;
  seq.called = true;
  return v;
}

void Database::SetSequenceNext(uint32_t owner, uint16_t column, int64_t next) {
  std::lock_guard lock(seq_mu_);
  Seq& seq = LoadSequence(owner, column, next);
  ThrowIfError(store_->Set(SequenceKey(owner, column), BE64(next)).status());
  seq.next = next;
  seq.limit = next;
  seq.called = true;
}

std::pair<int64_t, bool> Database::PeekSequence(uint32_t owner, uint16_t column, const SequenceDef& def) {
  std::lock_guard lock(seq_mu_);
  Seq& seq = LoadSequence(owner, column, def.start);
  return {seq.next, seq.called};
}

void Database::ResetSequence(uint32_t owner, uint16_t column) {
  std::lock_guard lock(seq_mu_);
  seqs_.erase({owner, column});
}

}  // namespace immu::sql
