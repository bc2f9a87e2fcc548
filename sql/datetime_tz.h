#pragma once
// TimeZone: a time zone as PostgreSQL's TimeZone setting knows it. Built
// from an IANA zone name (read from the TZif files under /usr/share/zoneinfo,
// case-insensitively, with the file's POSIX footer for times past its last
// transition), a POSIX TZ string (PostgreSQL's inverted sign: 'UTC+3' is
// three hours WEST of Greenwich), or a fixed offset.
//
// We read TZif ourselves instead of using date/tz.h: the Debian build of
// Howard Hinnant's tz library is a shared library (libdate-tz, target
// date::date-tz) that would need a link line, and its USE_OS_TZDB mode
// ignores the TZif footer that PostgreSQL's own tz code honours.
//
// Loaded zones are cached process-wide (behind a mutex); TimeZone objects
// are cheap immutable handles, safe to share between threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace immu {

struct ZoneData;

class TimeZone {
 public:
  // What is in effect at one instant.
  struct Info {
    int32_t gmtoff = 0;  // seconds EAST of UTC
    bool isdst = false;
    std::string abbr;
  };

  static TimeZone Utc();
  // A zone with a constant offset; the abbreviation is PostgreSQL's
  // rendering of the offset ("+05", "-05:30").
  static TimeZone FixedOffset(int32_t seconds_east);
  // A zone file name (any case) or a POSIX TZ string; nullopt if neither.
  static std::optional<TimeZone> Load(std::string_view name);
  // The value of SET TimeZone: a number of hours (east, as ISO), a zone name
  // or a POSIX string. Throws 22023 'invalid value for parameter "TimeZone"'.
  static TimeZone FromSetting(std::string_view value);

  const std::string& name() const;
  Info Lookup(int64_t utc_seconds) const;
  // The first offset change strictly after utc_seconds (PostgreSQL's
  // pg_next_dst_boundary). False when there is none.
  bool NextBoundary(int64_t utc_seconds, int64_t* boundary, Info* before, Info* after) const;
  // True (and *seconds_east set) for zones with a single constant offset.
  bool IsFixed(int32_t* seconds_east) const;

 private:
  explicit TimeZone(std::shared_ptr<const ZoneData> d) : d_(std::move(d)) {}
  std::shared_ptr<const ZoneData> d_;
};

// A timezone abbreviation from PostgreSQL's 'Default' abbreviation set
// (lower-case input). Returns false when unknown. *dynamic_zone is set for
// abbreviations whose meaning depends on the date (e.g. "msk").
bool LookupZoneAbbrev(std::string_view lower, int32_t* seconds_east, bool* isdst,
                      std::string* dynamic_zone);

// PostgreSQL's rendering of an offset as an abbreviation / in output:
// "+05", "-05:30", "+00:53:28".
std::string FormatOffsetHms(int32_t seconds_east);

}  // namespace immu
