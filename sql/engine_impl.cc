// OpenEngine: one Database per directory under the data directory, and the
// Cluster (sql/cluster.h) over them.
//
// Directory names: a database's directory is its name with every byte
// outside [A-Za-z0-9_-] written as %XX (so "..", "/" or a leading "." can
// never escape or collide with <dir>/.dropped); loading decodes it back.
//
// Lifetime: the map holds a shared_ptr per database and every session holds
// one too, so DROP/RENAME (which refuse while sessions are connected) wait
// for the last straggler's reference before touching the directory.

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "catalog/pg_error.h"
#include "sql/activity_board.h"
#include "sql/cluster.h"
#include "sql/database.h"
#include "sql/datetime.h"
#include "sql/engine.h"
#include "sql/session_impl.h"

namespace immu::sql {

namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNameBytes = 63;  // NAMEDATALEN - 1

std::string EncodeDirName(const std::string& name) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '_' || c == '-') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string DecodeDirName(const std::string& dir) {
  std::string out;
  for (size_t i = 0; i < dir.size(); i++) {
    if (dir[i] == '%' && i + 2 < dir.size() && std::isxdigit(static_cast<unsigned char>(dir[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(dir[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(dir.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(dir[i]);
    }
  }
  return out;
}

class EngineImpl : public Engine, public Cluster {
 public:
  explicit EngineImpl(const EngineOptions& o) : options_(o), start_time_(WallClockNow()) {
    std::error_code ec;
    fs::create_directories(o.dir, ec);
    if (ec) throw PgError(sqlstate::kInternalError, "cannot create data directory " + o.dir + ": " + ec.message());
    // Every subdirectory holding a store is a database; the default one is
    // created on first start.
    for (const auto& entry : fs::directory_iterator(o.dir)) {
      const std::string dir = entry.path().filename().string();
      if (entry.is_directory() && !dir.starts_with(".") && fs::exists(entry.path() / "log")) {
        const std::string name = DecodeDirName(dir);
        dbs_[name] = OpenDatabase(name);
      }
    }
    if (!dbs_.contains(o.default_database)) dbs_[o.default_database] = OpenDatabase(o.default_database);
  }

  std::unique_ptr<Session> NewSession(const SessionOptions& options) override {
    std::shared_ptr<Database> db;
    std::shared_ptr<ActivityBoard::Entry> activity;
    {
      // Under mu_ so that DROP DATABASE's "nobody connected" check and the
      // registration here cannot interleave.
      std::lock_guard lock(mu_);
      auto it = dbs_.find(options.database);
      if (it == dbs_.end()) {
        throw PgError(sqlstate::kUndefinedDatabase, "database \"" + options.database + "\" does not exist");
      }
      db = it->second;
      SessionActivity a;
      a.pid = options.backend_pid;
      a.database = options.database;
      a.user = options.user;
      a.application_name = options.application_name;
      a.client_addr = options.client_addr;
      a.client_port = options.client_port;
      a.backend_start = WallClockNow();
      a.state = "idle";
      a.state_change = a.backend_start;
      activity = board_.Register(a);
    }
    SessionOptions o = options;
    if (o.users == nullptr) o.users = options_.users;
    o.cluster = this;
    return std::make_unique<SessionImpl>(std::move(db), std::move(activity), o, options_.server_version);
  }

  std::vector<std::string> DatabaseNames() const override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [name, db] : dbs_) out.push_back(name);
    return out;
  }

  void CreateDatabase(const std::string& name) override {
    CheckName(name);
    std::lock_guard lock(mu_);
    if (dbs_.contains(name)) {
      throw PgError(sqlstate::kDuplicateDatabase, "database \"" + name + "\" already exists");
    }
    if (fs::exists(DirOf(name))) {
      // A directory without a store is not ours to reuse silently.
      throw PgError(sqlstate::kDuplicateDatabase, "database \"" + name + "\" already exists",
                    "Its directory " + DirOf(name) + " exists but holds no store.");
    }
    dbs_[name] = OpenDatabase(name);
  }

  void DropDatabase(const std::string& name) override {
    Detach(name);
    const std::string dropped = options_.dir + "/.dropped";
    std::error_code ec;
    fs::create_directories(dropped, ec);
    const std::string target = dropped + "/" + EncodeDirName(name) + "." + std::to_string(WallClockNow());
    if (!ec) fs::rename(DirOf(name), target, ec);
    if (ec) {
      // Serve it again rather than lose track of it.
      std::lock_guard lock(mu_);
      dbs_[name] = OpenDatabase(name);
      throw PgError(sqlstate::kIoError, "could not move the store of database \"" + name + "\": " + ec.message());
    }
  }

  void RenameDatabase(const std::string& from, const std::string& to) override {
    CheckName(to);
    {
      std::lock_guard lock(mu_);
      if (!dbs_.contains(from)) throw PgError(sqlstate::kUndefinedDatabase, "database \"" + from + "\" does not exist");
      if (dbs_.contains(to) || fs::exists(DirOf(to))) {
        throw PgError(sqlstate::kDuplicateDatabase, "database \"" + to + "\" already exists");
      }
    }
    Detach(from);
    std::error_code ec;
    fs::rename(DirOf(from), DirOf(to), ec);
    std::lock_guard lock(mu_);
    if (ec) {
      dbs_[from] = OpenDatabase(from);
      throw PgError(sqlstate::kIoError, "could not rename the store of database \"" + from + "\": " + ec.message());
    }
    dbs_[to] = OpenDatabase(to);
  }

  std::vector<SessionActivity> Activity() const override { return board_.Snapshot(); }
  int64_t StartTime() const override { return start_time_; }

 private:
  std::string DirOf(const std::string& name) const { return options_.dir + "/" + EncodeDirName(name); }

  static void CheckName(const std::string& name) {
    if (name.empty()) throw PgError(sqlstate::kInvalidName, "zero-length delimited identifier");
    if (name.size() > kMaxNameBytes) throw PgError(sqlstate::kInvalidName, "database name too long");
  }

  // Takes a database out of service once nobody is connected to it and
  // closes its store.
  void Detach(const std::string& name) {
    std::shared_ptr<Database> db;
    {
      std::lock_guard lock(mu_);
      auto it = dbs_.find(name);
      if (it == dbs_.end()) throw PgError(sqlstate::kUndefinedDatabase, "database \"" + name + "\" does not exist");
      const int n = board_.CountConnected(name);
      if (n > 0) {
        throw PgError(sqlstate::kObjectInUse, "database \"" + name + "\" is being accessed by other users",
                      n == 1 ? "There is 1 other session using the database."
                             : "There are " + std::to_string(n) + " other sessions using the database.");
      }
      db = std::move(it->second);
      dbs_.erase(it);
    }
    // A session that just ended may still hold its reference for a moment.
    for (int i = 0; i < 5000 && db.use_count() > 1; i++) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (db.use_count() > 1) {
      std::lock_guard lock(mu_);
      dbs_[name] = std::move(db);
      throw PgError(sqlstate::kObjectInUse, "database \"" + name + "\" is being accessed by other users");
    }
  }

  std::shared_ptr<Database> OpenDatabase(const std::string& name) {
    std::shared_ptr<Database> db = Database::Open(name, DirOf(name), options_.synced);
    if (!options_.signing_key_pem.empty()) {
      auto signer = Signer::FromPrivateKeyPem(options_.signing_key_pem);
      if (!signer.ok()) {
        throw PgError(sqlstate::kInvalidParameterValue, "signing key: " + signer.status().message());
      }
      db->store()->SetSigner(std::move(signer).value());
    }
    return db;
  }

  EngineOptions options_;
  const int64_t start_time_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Database>> dbs_;
  ActivityBoard board_;
};

}  // namespace

std::unique_ptr<Engine> OpenEngine(const EngineOptions& options) { return std::make_unique<EngineImpl>(options); }

}  // namespace immu::sql
