// The shared invalidation of per-backend caches (see invalidate.h) and the generic statement
// trigger commerce.invalidate_caches() that sends it.
#include "pg/cache/invalidate.h"

extern "C" {
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "nodes/makefuncs.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/regproc.h"
}

PGC_FUNCTION(commerce_invalidate_caches)

namespace commerce::pg {

void invalidate_relations(const char *const *names, int count) {
  for (int i = 0; i < count; ++i) {
    RangeVar *relation = makeRangeVarFromNameList(stringToQualifiedNameList(names[i]));
    if (relation->schemaname == nullptr) relation->schemaname = pstrdup("commerce");
    const Oid relid = RangeVarGetRelid(relation, NoLock, true);
    if (relid != InvalidOid) CacheInvalidateRelcacheByRelid(relid);
  }
}

}  // namespace commerce::pg

// Statement trigger: invalidates the relcache entry of the table it fired on and of every relation
// named in its arguments, which makes the per-backend caches of those tables stale. The rows are
// not looked at. E.g. FOR EACH STATEMENT EXECUTE FUNCTION commerce.invalidate_caches() on the
// table that is cached, or commerce.invalidate_caches('synonyms') on a table behind a view.
Datum commerce_invalidate_caches(PG_FUNCTION_ARGS) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("commerce.invalidate_caches() is a trigger function"),
                    errhint("Attach it with CREATE TRIGGER; do not call it directly.")));
  }
  const TriggerData *data = reinterpret_cast<const TriggerData *>(fcinfo->context);
  CacheInvalidateRelcacheByRelid(RelationGetRelid(data->tg_relation));
  commerce::pg::invalidate_relations(data->tg_trigger->tgargs, data->tg_trigger->tgnargs);
  return PointerGetDatum(nullptr);
}
