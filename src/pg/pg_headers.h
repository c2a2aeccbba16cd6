// The one place src/pg includes PostgreSQL's core headers. Every src/pg file includes its C++,
// Eigen and core headers first and this file last: PostgreSQL's headers #define names such as
// snprintf, Min, Max and ERROR that break C++ headers included after them (CPP_IN_POSTGRES.md F6).
#pragma once

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
}

// Declares a SQL-callable function with C linkage and default visibility (F1, F2): PostgreSQL 15's
// PG_FUNCTION_INFO_V1 does not export the function itself under -fvisibility=hidden.
#define PGC_FUNCTION(name)                  \
  extern "C" {                              \
  PGDLLEXPORT Datum name(PG_FUNCTION_ARGS); \
  PG_FUNCTION_INFO_V1(name);                \
  }
