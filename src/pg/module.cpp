// The module's identity: the magic block PostgreSQL checks when it loads pg_commerce.so, and
// _PG_init, which runs once per backend at load.
#include "pg/am/hnsw_am.h"  // (includes core headers: first)
#include "pg/am/bm25_am.h"
#include "pg/pg_headers.h"

extern "C" {
#include "utils/guc.h"

PG_MODULE_MAGIC;

// PostgreSQL 15's fmgr.h does not declare _PG_init (F1).
PGDLLEXPORT void _PG_init(void);
}

void _PG_init(void) {
  // Settings live under "commerce." (e.g. commerce.hnsw_ef_search); reserving the prefix makes a
  // mistyped setting an error instead of a silently ignored placeholder.
  commerce::pg::hnsw::init();
  commerce::pg::bm25::init();
  MarkGUCPrefixReserved("commerce");
}
