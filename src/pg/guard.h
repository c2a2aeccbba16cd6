// The error boundary between C++ and PostgreSQL, one helper per direction.
//
// C++ -> PostgreSQL: every SQL-callable function runs its C++ work inside guarded(...). A C++
// exception must never reach PostgreSQL (the backend aborts and the postmaster restarts every
// session), and ereport(ERROR) is a siglongjmp that skips C++ destructors (leaking their memory
// for the life of the backend). So guarded() catches everything, copies the message into a
// trivially destructible Failure, lets every C++ frame unwind normally, and only then calls
// ereport with the exception's SQLSTATE, detail and hint.
//
//   Datum f(PG_FUNCTION_ARGS) {
//     EmbeddingDatum *a = PG_GETARG_EMBEDDING_P(0);  // PG calls first, no C++ objects alive
//     double d = 0;
//     guarded([&] { d = some_core_function(...); }); // C++ objects live only in here
//     PG_RETURN_FLOAT8(d);
//   }
//
// PostgreSQL -> C++: C++ code that must call a PostgreSQL function that can raise ERROR wraps the
// call in call_pg(...). It catches the longjmp in a C frame (PG_TRY), copies the error and
// rethrows it as PgError, which unwinds the C++ frames and is re-raised by guarded() with the
// original SQLSTATE. The wrapped lambda must itself own no objects with destructors.
#pragma once

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include "core/cancel.h"
#include "core/error.h"
#include "pg/pg_headers.h"

namespace commerce::pg {

// What a failed guarded region leaves behind. Trivially destructible on purpose: it is alive
// when ereport longjmps out of guarded(). The text is truncated to the buffer sizes.
struct Failure {
  bool failed;
  bool cancelled;
  int sqlstate;
  char message[512];
  char detail[512];
  char hint[512];
};
static_assert(std::is_trivially_destructible_v<Failure>);

// A PostgreSQL error travelling through C++ frames (see call_pg).
class PgError : public std::exception {
 public:
  PgError(int sqlerrcode, std::string message, std::string detail, std::string hint)
      : sqlerrcode_(sqlerrcode),
        message_(std::move(message)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  const char *what() const noexcept override { return message_.c_str(); }
  int sqlerrcode() const noexcept { return sqlerrcode_; }
  const std::string &detail() const noexcept { return detail_; }
  const std::string &hint() const noexcept { return hint_; }

 private:
  int sqlerrcode_;
  std::string message_, detail_, hint_;
};

// Classifies the exception being handled into `failure`. Call only from a catch block.
void capture_current_exception(Failure &failure) noexcept;

// Raises `failure` as a PostgreSQL ERROR (or processes the pending interrupt). Never returns.
[[noreturn]] void raise_failure(const Failure &failure);

// Runs `work` and converts any exception into a PostgreSQL ERROR after the C++ frames are gone.
// `work` should capture by reference so that the closure itself is trivially destructible.
template <typename Work>
inline void guarded(Work &&work) {
  Failure failure;  // the text buffers are written only on failure
  failure.failed = false;
  try {
    std::forward<Work>(work)();
  } catch (...) {
    capture_current_exception(failure);
  }
  if (failure.failed) raise_failure(failure);
}

// Turns the error PostgreSQL just caught into a PgError and throws it. Used by call_pg only.
[[noreturn]] void throw_caught_pg_error(ErrorData *edata);

// Calls PostgreSQL from C++ code. The result must be a scalar or pointer (it is held in a
// volatile across the setjmp, F3). Never throw inside the PG_TRY body: the exception stack would
// keep pointing at a dead sigjmp_buf, so the throw happens after PG_END_TRY.
template <typename Call>
auto call_pg(Call &&call) -> decltype(call()) {
  using Result = decltype(call());
  MemoryContext saved = CurrentMemoryContext;
  ErrorData *volatile edata = nullptr;
  if constexpr (std::is_void_v<Result>) {
    PG_TRY();
    { call(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(saved);
      edata = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (edata != nullptr) throw_caught_pg_error(edata);
  } else {
    static_assert(std::is_scalar_v<Result>, "call_pg returns scalars and pointers only");
    volatile Result result{};
    PG_TRY();
    { result = call(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(saved);
      edata = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (edata != nullptr) throw_caught_pg_error(edata);
    return result;
  }
}

// palloc that reports exhaustion as std::bad_alloc instead of a longjmp, for use inside guarded
// regions. Memory is zeroed and belongs to CurrentMemoryContext.
void *palloc_or_throw(Size size);

// A CancelCheck that polls PostgreSQL's interrupt flags; pass it to long core loops.
commerce::CancelCheck interrupt_check(std::uint32_t every = 1024);

}  // namespace commerce::pg
