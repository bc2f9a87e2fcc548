#include "sql/database.h"

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
