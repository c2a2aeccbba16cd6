// Whether the commerce tables a per-backend cache copies have changed. The caches of
// commerce.recommend (categories and rules, served model) and of the BM25 synonyms each watch
// their tables here: one relcache callback for all of them marks a watch changed when one of its
// tables is invalidated (commerce.invalidate_caches() on every change, DDL, ANALYZE) or when every
// relation is (a lost invalidation queue), and forgets the table ids, which differ after DROP
// EXTENSION and CREATE EXTENSION. Plain C on PostgreSQL: call outside guarded regions.
#pragma once

#include "pg/pg_headers.h"

extern "C" {
#include "utils/snapshot.h"
}

namespace commerce::pg {

constexpr int kMaxWatchedTables = 4;

struct TableWatch {
  const char *const *names;  // tables in schema commerce, in static storage
  int count;
  bool changed = true;    // nothing read yet
  bool resolved = false;  // relids are current
  bool listed = false;    // known to the callback
  Oid relids[kMaxWatchedTables] = {};
};

// Takes in pending invalidations and answers whether a watched table changed since the previous
// call that answered true (and clears that). While a table cannot be found no invalidation can be
// matched to it, so the answer is then always true. May raise ERROR.
bool take_changes(TableWatch *watch);

// The snapshot to read the watched tables with, after take_changes: the latest, so that every
// change committed before the invalidations just taken in is visible (and this transaction's own
// earlier commands). During a parallel query PostgreSQL allows no new snapshot: then
// InvalidSnapshot (the calling statement's), and the watch is marked changed, so that rows read
// with it serve this call only.
Snapshot snapshot_for_reading(TableWatch *watch);

}  // namespace commerce::pg
