// Whether the commerce tables a per-backend cache copies have changed. The caches of
// commerce.recommend (categories and rules, served model) and of the BM25 synonyms each watch
// their tables here: one relcache callback for all of them marks a watch changed when one of its
// tables is invalidated (commerce.invalidate_caches() on every change, DDL, ANALYZE) or when every
// relation is (a lost invalidation queue), and forgets the table ids, which differ after DROP
// EXTENSION and CREATE EXTENSION. Plain C on PostgreSQL: call outside guarded regions.
#pragma once

#include "pg/pg_headers.h"

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

// Makes the next take_changes answer true, e.g. after rows were read that must not be kept.
inline void mark_changed(TableWatch *watch) {
  watch->changed = true;
}

}  // namespace commerce::pg
