// OpenEngine: one Database per directory under the data directory.

#include <filesystem>
#include <map>
#include <mutex>

#include "catalog/pg_error.h"
#include "sql/database.h"
#include "sql/engine.h"
#include "sql/session_impl.h"

namespace immu::sql {

namespace {

class EngineImpl : public Engine {
 public:
  explicit EngineImpl(const EngineOptions& o) : options_(o) {
    std::error_code ec;
    std::filesystem::create_directories(o.dir, ec);
    if (ec) throw PgError(sqlstate::kInternalError, "cannot create data directory " + o.dir + ": " + ec.message());
    // Every subdirectory holding a store is a database; the default one is
    // created on first start.
    for (const auto& entry : std::filesystem::directory_iterator(o.dir)) {
      if (entry.is_directory() && std::filesystem::exists(entry.path() / "log")) {
        const std::string name = entry.path().filename().string();
        dbs_[name] = Database::Open(name, entry.path().string(), o.synced);
      }
    }
    if (!dbs_.contains(o.default_database)) {
      dbs_[o.default_database] = Database::Open(o.default_database, o.dir + "/" + o.default_database, o.synced);
    }
    if (!o.signing_key_pem.empty()) {
      for (auto& [name, db] : dbs_) {
        auto signer = Signer::FromPrivateKeyPem(o.signing_key_pem);
        if (!signer.ok()) {
          throw PgError(sqlstate::kInvalidParameterValue, "signing key: " + signer.status().message());
        }
        db->store()->SetSigner(std::move(signer).value());
      }
    }
  }

  std::unique_ptr<Session> NewSession(const SessionOptions& options) override {
    Database* db = nullptr;
    {
      std::lock_guard lock(mu_);
      auto it = dbs_.find(options.database);
      if (it != dbs_.end()) db = it->second.get();
    }
    if (db == nullptr) {
      throw PgError(sqlstate::kUndefinedDatabase, "database \"" + options.database + "\" does not exist");
    }
    SessionOptions o = options;
    if (o.users == nullptr) o.users = options_.users;
    return std::make_unique<SessionImpl>(db, o, options_.server_version);
  }

 private:
  EngineOptions options_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Database>> dbs_;
};

}  // namespace

std::unique_ptr<Engine> OpenEngine(const EngineOptions& options) { return std::make_unique<EngineImpl>(options); }

}  // namespace immu::sql
