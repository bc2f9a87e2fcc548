#pragma once
// Options for opening a Store.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace immu {

class Env;

struct Options {
  // Where every byte goes; nullptr means Env::Default(). Not owned.
  Env* env = nullptr;
  // Create the directory and an empty store if missing.
  bool create_if_missing = true;
  // fdatasync the log before acknowledging a commit. Off: a crash of the
  // machine (not of the process) may lose recent commits, never corrupt.
  bool synced = true;
  // Name bound into signed states (the database name).
  std::string db_name = "defaultdb";

  // Input limits: larger requests fail with InvalidArgument.
  size_t max_key_len = 4096;
  size_t max_value_len = 32u << 20;
  size_t max_tx_entries = 1u << 20;

  // A new log segment starts once the current one reaches this size.
  uint64_t segment_size = 512ull << 20;

  // A checkpoint (index snapshot + tree sync) is written in the background
  // after this many transactions or log bytes since the last one, whichever
  // comes first; 0 disables that trigger. Reopen replays only what follows
  // the last checkpoint.
  uint64_t checkpoint_every_txs = 200000;
  uint64_t checkpoint_every_bytes = 256ull << 20;
  // Write a checkpoint in Close (tests turn it off to leave a log tail to replay).
  bool checkpoint_on_close = true;

  // Where recovery reports what it did (torn tail truncated, replay counts).
  // Defaults to stderr when empty.
  std::function<void(const std::string&)> info_log;
};

}  // namespace immu
