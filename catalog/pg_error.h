#pragma once
// PgError: the one exception type of catalog/, sql/ and pgwire/. It carries
// everything a PostgreSQL ErrorResponse needs, so the wire layer turns any
// failure into a correctly shaped error without knowing where it came from.
//
// storage/ and verify/ never throw; their Status values cross into this
// world through StatusToPgError() only.

#include <stdexcept>
#include <string>

#include "verify/status.h"

namespace immu {

// SQLSTATE codes we raise, named as in PostgreSQL's errcodes.txt.
namespace sqlstate {
inline constexpr const char* kSuccessfulCompletion = "00000";
inline constexpr const char* kWarning = "01000";
inline constexpr const char* kFeatureNotSupported = "0A000";
inline constexpr const char* kCardinalityViolation = "21000";
inline constexpr const char* kDataException = "22000";
inline constexpr const char* kStringDataRightTruncation = "22001";
inline constexpr const char* kNumericValueOutOfRange = "22003";
inline constexpr const char* kNullValueNotAllowed = "22004";
inline constexpr const char* kInvalidDatetimeFormat = "22007";
inline constexpr const char* kDatetimeFieldOverflow = "22008";
inline constexpr const char* kInvalidTimeZoneDisplacementValue = "22009";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kDivisionByZero = "22012";
inline constexpr const char* kInvalidEscapeSequence = "22025";
inline constexpr const char* kInvalidRegularExpression = "2201B";
inline constexpr const char* kInvalidTextRepresentation = "22P02";
inline constexpr const char* kInvalidBinaryRepresentation = "22P03";
inline constexpr const char* kUntranslatableCharacter = "22P05";
inline constexpr const char* kCharacterNotInRepertoire = "22021";
inline constexpr const char* kIntervalFieldOverflow = "22015";
inline constexpr const char* kInvalidDatetimeFormatOrValue = "22007";
inline constexpr const char* kArraySubscriptError = "2202E";
inline constexpr const char* kIntegrityConstraintViolation = "23000";
inline constexpr const char* kNotNullViolation = "23502";
inline constexpr const char* kForeignKeyViolation = "23503";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kCheckViolation = "23514";
inline constexpr const char* kGeneratedAlways = "428C9";
inline constexpr const char* kInvalidCursorState = "24000";
inline constexpr const char* kInvalidTransactionState = "25000";
inline constexpr const char* kActiveSqlTransaction = "25001";
inline constexpr const char* kReadOnlySqlTransaction = "25006";
inline constexpr const char* kInvalidSavepoint = "3B001";
inline constexpr const char* kNoActiveSqlTransaction = "25P01";
inline constexpr const char* kInFailedSqlTransaction = "25P02";
inline constexpr const char* kInvalidAuthorizationSpecification = "28000";
inline constexpr const char* kInvalidPassword = "28P01";
inline constexpr const char* kInvalidCursorName = "34000";
inline constexpr const char* kSerializationFailure = "40001";
inline constexpr const char* kDeadlockDetected = "40P01";
inline constexpr const char* kSyntaxError = "42601";
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kUndefinedColumn = "42703";
inline constexpr const char* kUndefinedFunction = "42883";
inline constexpr const char* kUndefinedTable = "42P01";
inline constexpr const char* kUndefinedParameter = "42P02";
inline constexpr const char* kUndefinedObject = "42704";
inline constexpr const char* kDuplicateColumn = "42701";
inline constexpr const char* kDuplicateDatabase = "42P04";
inline constexpr const char* kDuplicateObject = "42710";
inline constexpr const char* kInvalidObjectDefinition = "42P17";
inline constexpr const char* kDuplicateTable = "42P07";
inline constexpr const char* kDuplicateSchema = "42P06";
inline constexpr const char* kAmbiguousColumn = "42702";
inline constexpr const char* kAmbiguousFunction = "42725";
inline constexpr const char* kDatatypeMismatch = "42804";
inline constexpr const char* kCannotCoerce = "42846";
inline constexpr const char* kGroupingError = "42803";
inline constexpr const char* kInvalidColumnReference = "42P10";
inline constexpr const char* kInvalidForeignKey = "42830";
inline constexpr const char* kLockNotAvailable = "55P03";
inline constexpr const char* kObjectInUse = "55006";
inline constexpr const char* kCantChangeRuntimeParam = "55P02";
inline constexpr const char* kInvalidName = "42602";
inline constexpr const char* kIoError = "58030";
inline constexpr const char* kReservedName = "42939";
inline constexpr const char* kSequenceGeneratorLimitExceeded = "2200H";
inline constexpr const char* kDuplicateAlias = "42712";
inline constexpr const char* kInvalidRecursion = "42P19";
inline constexpr const char* kWindowingError = "42P20";
inline constexpr const char* kWrongObjectType = "42809";
inline constexpr const char* kInvalidTableDefinition = "42P16";
inline constexpr const char* kInvalidSchemaDefinition = "42P15";
inline constexpr const char* kUndefinedDatabase = "3D000";
inline constexpr const char* kInvalidSchemaName = "3F000";
inline constexpr const char* kDependentObjectsStillExist = "2BP01";
inline constexpr const char* kProgramLimitExceeded = "54000";
inline constexpr const char* kTooManyConnections = "53300";
inline constexpr const char* kDiskFull = "53100";
inline constexpr const char* kOutOfMemory = "53200";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kAdminShutdown = "57P01";
inline constexpr const char* kProtocolViolation = "08P01";
inline constexpr const char* kConnectionException = "08000";
inline constexpr const char* kInternalError = "XX000";
inline constexpr const char* kDataCorrupted = "XX001";
inline constexpr const char* kObjectNotInPrerequisiteState = "55000";
}  // namespace sqlstate

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, std::string message, std::string detail = {},
          std::string hint = {}, int position = 0)
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        message_(std::move(message)),
        detail_(std::move(detail)),
        hint_(std::move(hint)),
        position_(position) {}

  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& message() const { return message_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }
  // 1-based character position in the query text, 0 when unknown.
  int position() const { return position_; }
  void set_position(int p) { position_ = p; }

  // Optional fields of the ErrorResponse (empty when not applicable).
  std::string schema_name, table_name, column_name, constraint_name, datatype_name;

 private:
  std::string sqlstate_;
  std::string message_;
  std::string detail_;
  std::string hint_;
  int position_;
};

// The single mapping from storage/verify Status codes to SQLSTATEs.
const char* SqlStateForStatus(const Status& s);
// Throws the PgError for a failed Status (no-op for OK).
void ThrowIfError(const Status& s);

}  // namespace immu
