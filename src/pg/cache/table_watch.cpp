// The one relcache callback behind every TableWatch (see table_watch.h).
#include "pg/cache/table_watch.h"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
}

namespace commerce::pg {
namespace {

// PostgreSQL allows few relcache callbacks per backend (10 in 15), so the watches share one.
TableWatch *watches[8];
int watch_count = 0;
bool registered = false;

void on_invalidation(Datum, Oid relid) {
  for (int i = 0; i < watch_count; ++i) {
    TableWatch *watch = watches[i];
    bool hit = relid == InvalidOid;
    for (int t = 0; t < watch->count && !hit; ++t) hit = watch->relids[t] == relid;
    if (hit) {
      watch->changed = true;
      watch->resolved = false;
    }
  }
}

}  // namespace

bool take_changes(TableWatch *watch) {
  if (!registered) {
    CacheRegisterRelcacheCallback(on_invalidation, static_cast<Datum>(0));
    registered = true;
  }
  if (!watch->listed) {
    if (watch_count == static_cast<int>(lengthof(watches)) || watch->count > kMaxWatchedTables)
      elog(ERROR, "too many per-backend cache watches");
    watches[watch_count++] = watch;
    watch->listed = true;
  }
  AcceptInvalidationMessages();
  if (!watch->resolved) {
    const Oid schema = get_namespace_oid("commerce", false);
    bool all_found = true;
    for (int t = 0; t < watch->count; ++t) {
      watch->relids[t] = get_relname_relid(watch->names[t], schema);
      all_found &= watch->relids[t] != InvalidOid;
    }
    watch->resolved = all_found;
    if (!all_found) watch->changed = true;
  }
  const bool changed = watch->changed;
  watch->changed = false;
  return changed;
}

Snapshot snapshot_for_reading(TableWatch *watch) {
  if (!IsInParallelMode()) return GetLatestSnapshot();
  watch->changed = true;
  return InvalidSnapshot;
}

}  // namespace commerce::pg
