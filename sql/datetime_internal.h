#pragma once
// Internals shared by the sql/datetime_*.cc files (not a public API).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/datetime.h"

namespace immu {

inline constexpr int kJulianMinYear = -4713;
inline constexpr int kJulianMinMonth = 11;
inline constexpr int kJulianMaxYear = 5874898;
inline constexpr int kJulianMaxMonth = 6;
inline constexpr int32_t kMaxTzDisp = 15 * 3600 + 59 * 60 + 59 + 1;  // exclusive bound

bool IsValidJulian(int year, int month);
// Splits a timestamp into calendar fields without any zone.
void SplitTimestamp(Timestamp t, PgTm* tm);
void AppendSeconds(std::string* out, int sec, int64_t fsec, bool fillzeros);
__int128 IntervalLinear(const Interval& iv);

// PostgreSQL's DTERR_* codes.
enum class DtErr { kOk, kBadFormat, kFieldOverflow, kMdFieldOverflow, kIntervalOverflow, kTzDispOverflow };

// PostgreSQL's ParseDateTime field types.
enum class FieldType { kNumber, kString, kDate, kTime, kTz, kSpecial };

struct DtField {
  std::string text;  // lower-cased
  FieldType type;
};

// Splits input into fields as PostgreSQL's ParseDateTime. False on bad input.
bool ParseDateTimeFields(std::string_view s, std::vector<DtField>* fields);

// Throws the PgError of DateTimeParseError(dterr, str, type_name).
[[noreturn]] void ThrowDateTimeParseError(DtErr err, std::string_view str, const char* type_name);

// Resolves a zone given as text the way AT TIME ZONE / timezone() does in
// PostgreSQL 15: abbreviation first, then zone names / POSIX strings. For a
// fixed abbreviation *fixed_east is set and *zone left alone.
void ResolveZoneForAt(std::string_view name, bool* is_fixed, int32_t* fixed_east, TimeZone* zone);

// Lower-cases a unit name as PostgreSQL's downcase_truncate_identifier.
std::string LowerUnit(std::string_view s);

}  // namespace immu
