#pragma once
// hstore (sql/hstore_io.cc, sql/hstore_functions.cc): sets of key/value
// pairs, keys unique, values possibly NULL. Values of the type hold their
// canonical text form, as hstore_out prints it: pairs sorted as PostgreSQL
// stores them (by key length, then bytes), `"k"=>"v", "k2"=>NULL`. Equal
// hstores therefore have equal text, so equality, hashing, GROUP BY and
// DISTINCT work on the string.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace immu::sql {

using HstorePairs = std::vector<std::pair<std::string, std::optional<std::string>>>;

// hstore_in: parses the text form (22P02 on bad input) and returns the
// canonical text; the first of duplicate keys wins.
std::string HstoreIn(std::string_view text);
// hstore_out of a canonical value (the identity; kept for symmetry).
std::string HstoreOut(std::string_view canonical);
// hstore_send / hstore_recv (pair count, then key length, key, value length
// or -1, value; all int32 big-endian).
void HstoreSend(std::string_view canonical, std::string* out);
std::string HstoreRecv(std::string_view data);

// The pairs of a canonical value, in canonical order.
HstorePairs HstoreParse(std::string_view canonical);
// The canonical text of pairs (sorted, duplicates dropped: the first kept
// unless last_wins, which || and hstore(text[], text[]) need).
std::string HstoreFromPairs(HstorePairs pairs, bool last_wins = false);

}  // namespace immu::sql
