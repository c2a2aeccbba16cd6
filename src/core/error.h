// The core's one exception type. It carries a SQLSTATE (as the five characters PostgreSQL
// documents) so that the PostgreSQL layer can re-raise it without guessing, plus optional detail
// and hint text for the user. The core never includes PostgreSQL headers, so the codes are plain
// strings here; src/pg/guard.cpp turns them into PostgreSQL's packed form.
#pragma once
#include "core/pure_cpp.h"

#include <stdexcept>
#include <string>

namespace commerce {

// The SQLSTATEs the core raises. Names follow PostgreSQL's errcodes.txt.
namespace sqlstate {
inline constexpr char kDataException[] = "22000";
inline constexpr char kNumericValueOutOfRange[] = "22003";
inline constexpr char kNullValueNotAllowed[] = "22004";
inline constexpr char kInvalidParameterValue[] = "22023";
inline constexpr char kStringDataLengthMismatch[] = "22026";
inline constexpr char kArraySubscriptError[] = "2202E";
inline constexpr char kInvalidTextRepresentation[] = "22P02";
inline constexpr char kInvalidBinaryRepresentation[] = "22P03";
inline constexpr char kObjectNotInPrerequisiteState[] = "55000";
inline constexpr char kOutOfMemory[] = "53200";
inline constexpr char kProgramLimitExceeded[] = "54000";
inline constexpr char kQueryCanceled[] = "57014";
inline constexpr char kInternalError[] = "XX000";
inline constexpr char kIndexCorrupted[] = "XX002";
inline constexpr char kSerializationFailure[] = "40001";
}  // namespace sqlstate

class Error : public std::runtime_error {
 public:
  Error(const char *sqlstate, std::string message, std::string hint = {}, std::string detail = {})
      : std::runtime_error(std::move(message)), hint_(std::move(hint)), detail_(std::move(detail)) {
    for (int i = 0; i < 5; ++i) sqlstate_[i] = sqlstate[i];
  }

  const char *sqlstate() const noexcept { return sqlstate_; }
  const std::string &hint() const noexcept { return hint_; }
  const std::string &detail() const noexcept { return detail_; }

 private:
  char sqlstate_[6] = {};
  std::string hint_;
  std::string detail_;
};

}  // namespace commerce
