#include "pg/guard.h"

#include <cstring>
#include <new>

extern "C" {
#include "utils/memutils.h"
}

namespace commerce::pg {
namespace {

void copy_text(char *dst, std::size_t size, const char *src) {
  if (src == nullptr) {
    dst[0] = '\0';
    return;
  }
  strlcpy(dst, src, size);
}

void fill(Failure &f, int sqlstate, const char *message, const char *detail, const char *hint) {
  f.failed = true;
  f.cancelled = false;
  f.sqlstate = sqlstate;
  copy_text(f.message, sizeof f.message, message);
  copy_text(f.detail, sizeof f.detail, detail);
  copy_text(f.hint, sizeof f.hint, hint);
}

int pack_sqlstate(const char *code) {
  return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

bool interrupt_pending() {
  return InterruptPending && (QueryCancelPending || ProcDiePending);
}

}  // namespace

void capture_current_exception(Failure &failure) noexcept {
  try {
    throw;
  } catch (const commerce::Error &e) {
    fill(failure, pack_sqlstate(e.sqlstate()), e.what(), e.detail().c_str(), e.hint().c_str());
  } catch (const PgError &e) {
    fill(failure, e.sqlerrcode(), e.what(), e.detail().c_str(), e.hint().c_str());
  } catch (const commerce::Cancelled &) {
    fill(failure, ERRCODE_QUERY_CANCELED, "canceling statement due to user request", nullptr,
         nullptr);
    failure.cancelled = true;
  } catch (const std::bad_alloc &) {
    fill(failure, ERRCODE_OUT_OF_MEMORY, "out of memory in pg_commerce", nullptr,
         "Reduce the size of the request or raise the memory available to the server.");
  } catch (const std::exception &e) {
    fill(failure, ERRCODE_INTERNAL_ERROR, "internal error in pg_commerce", e.what(),
         "This is a bug in pg_commerce; please report it with the statement that caused it.");
  } catch (...) {
    fill(failure, ERRCODE_INTERNAL_ERROR, "internal error in pg_commerce", "unknown exception",
         "This is a bug in pg_commerce; please report it with the statement that caused it.");
  }
}

void raise_failure(const Failure &failure) {
  // A cancelled core loop unwound because an interrupt is pending: let PostgreSQL process it,
  // so that a termination request is honoured as such and not reported as a cancel.
  if (failure.cancelled) CHECK_FOR_INTERRUPTS();
  ereport(ERROR, (errcode(failure.sqlstate), errmsg("%s", failure.message),
                  failure.detail[0] != '\0' ? errdetail("%s", failure.detail) : 0,
                  failure.hint[0] != '\0' ? errhint("%s", failure.hint) : 0));
  pg_unreachable();
}

void throw_caught_pg_error(ErrorData *edata) {
  // Copy out of PostgreSQL memory before freeing it; std::string may throw bad_alloc, which is
  // fine here: we are already in C++ land and guarded() will report it.
  const int code = edata->sqlerrcode;
  std::string message = edata->message != nullptr ? edata->message : "";
  std::string detail = edata->detail != nullptr ? edata->detail : "";
  std::string hint = edata->hint != nullptr ? edata->hint : "";
  FreeErrorData(edata);
  throw PgError(code, std::move(message), std::move(detail), std::move(hint));
}

void *palloc_or_throw(Size size) {
  if (!AllocSizeIsValid(size)) {
    throw commerce::Error(commerce::sqlstate::kProgramLimitExceeded,
                          "requested allocation of " + std::to_string(size) +
                              " bytes exceeds the 1 GB limit of a single value");
  }
  void *memory = palloc_extended(size, MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO);
  if (memory == nullptr) throw std::bad_alloc();
  return memory;
}

commerce::CancelCheck interrupt_check(std::uint32_t every) {
  return commerce::CancelCheck(&interrupt_pending, every);
}

}  // namespace commerce::pg
