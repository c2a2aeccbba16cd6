// SPI plans kept for the life of the backend: hot paths (reserve, recommend, BM25 synonyms) run
// the same few statements on every call, and parsing and planning them each time cost more than
// executing them.
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "executor/spi.h"
}

namespace commerce::pg {

// Prepares `sql` into `plan` on first use (SPI_keepplan) and returns it. The plan is always
// generic: these statements are primary-key probes and small scans whose best plan does not
// depend on the values, and a custom plan per call would be a planner run per call. PostgreSQL's
// plan cache still re-plans when a table the statement reads changes shape. Call inside SPI.
SPIPlanPtr keep_plan(SPIPlanPtr &plan, const char *sql, int nargs, Oid *types);

}  // namespace commerce::pg
