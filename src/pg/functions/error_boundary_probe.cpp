// Test probes for the error boundary (src/pg/guard.h). They are compiled into the module but not
// created by the extension script: regress/sql/error_boundary.sql creates them to prove that every
// way a C++ region can fail becomes a PostgreSQL error with the right SQLSTATE, that no path
// crashes the backend, and that the destructors of C++ objects alive at the failure still run.
#include <malloc.h>

#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/error.h"
#include "pg/guard.h"

using commerce::pg::guarded;

// commerce_error_probe(mode text, payload_kb int) returns bigint: allocates payload_kb KiB on the
// C++ heap, then fails as `mode` says (or returns the payload size for mode 'ok').
PGC_FUNCTION(commerce_error_probe)
Datum commerce_error_probe(PG_FUNCTION_ARGS) {
  const char *mode = text_to_cstring(PG_GETARG_TEXT_PP(0));
  const int32 payload_kb = PG_GETARG_INT32(1);
  int64 result = 0;
  guarded([&] {
    const std::string how = mode;
    std::vector<char> payload(static_cast<std::size_t>(payload_kb) * 1024, 'x');
    if (how == "ok") {
      result = static_cast<int64>(payload.size());
    } else if (how == "core_error") {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue, "probe: core error",
                            "probe hint", "probe detail");
    } else if (how == "pg_error") {
      // PostgreSQL raises 22P02 inside C++; call_pg turns the longjmp into a PgError so that
      // `payload` is destroyed on the way out, then guarded() re-raises 22P02.
      commerce::pg::call_pg(
          [&] { return DatumGetInt32(DirectFunctionCall1(int4in, CStringGetDatum("twelve"))); });
    } else if (how == "unguarded_pg_error") {
      // The broken pattern, kept as the leak test's negative control: PostgreSQL's longjmp
      // leaves this frame without running `payload`'s destructor, so its memory is lost.
      DirectFunctionCall1(int4in, CStringGetDatum("twelve"));
    } else if (how == "bad_alloc") {
      throw std::bad_alloc();
    } else if (how == "std_exception") {
      throw std::runtime_error("probe: runtime_error");
    } else if (how == "unknown") {
      throw 42;
    } else if (how == "cancel") {
      throw commerce::Cancelled{};
    } else {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                            "unknown probe mode \"" + how + "\"",
                            "Use ok, core_error, pg_error, unguarded_pg_error, bad_alloc, "
                            "std_exception, unknown or cancel.");
    }
  });
  PG_RETURN_INT64(result);
}

// commerce_heap_bytes() returns bigint: bytes the C allocator has handed out and not taken back
// (mallinfo2), covering C++ objects and PostgreSQL's memory contexts alike. Unlike RSS it does
// not depend on /proc being mounted.
PGC_FUNCTION(commerce_heap_bytes)
Datum commerce_heap_bytes(PG_FUNCTION_ARGS) {
  const struct mallinfo2 info = mallinfo2();
  PG_RETURN_INT64(static_cast<int64>(info.uordblks + info.hblkhd));
}
