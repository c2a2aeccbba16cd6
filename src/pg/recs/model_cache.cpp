// The per-backend cache of served model versions and the trigger that invalidates it (see
// model_cache.h).
#include <cstring>

#include "pg/recs/model_cache.h"
#include "pg/cache/table_watch.h"
#include "pg/spi_plan.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
}

namespace commerce::pg::recs {
namespace {

// A few recommenders (names) and pinned versions per backend; the oldest entry is replaced.
constexpr int kSlots = 8;

struct Entry {
  bool used;
  bool by_id;
  int64 model_id;  // the key when by_id
  char *name;      // the key otherwise (TopMemoryContext), its length in name_length
  int name_length;
  ServedModel model;
};

Entry entries[kSlots];
int next_victim = 0;
const char *const kModelTables[] = {"models"};
TableWatch models{kModelTables, 1};

SPIPlanPtr by_id_plan = nullptr;
SPIPlanPtr by_name_plan = nullptr;

void clear() {
  for (Entry &e : entries) {
    if (e.name != nullptr) pfree(e.name);
    e = Entry{};
  }
  next_victim = 0;
}

bool matches(const Entry &e, bool by_id, int64 model_id, const text *name) {
  if (!e.used || e.by_id != by_id) return false;
  if (by_id) return e.model_id == model_id;
  return e.name_length == static_cast<int>(VARSIZE_ANY_EXHDR(name)) &&
         memcmp(e.name, VARDATA_ANY(name), e.name_length) == 0;
}

// Visible to the calling statement as committed: the lookup under its snapshot finds this same
// row version (a newer version would have emptied the cache), and with it the model's lists.
bool visible(const ServedModel &model) {
  return !TransactionIdIsCurrentTransactionId(model.version) &&
         !XidInMVCCSnapshot(model.version, GetActiveSnapshot());
}

// The lookup with the latest snapshot, after pending invalidations were taken in: a cached
// answer is never older than the last committed change this backend was told about (see
// snapshot_for_reading for parallel queries).
bool look_up(bool by_id, int64 model_id, const text *name, ServedModel *out) {
  return find_model(by_id, model_id, name, snapshot_for_reading(&models), out);
}

}  // namespace

bool find_model(bool by_id, int64 model_id, const text *name, Snapshot snapshot, ServedModel *out) {
  // By id any model but a retired one; by name only the active one.
  Oid types[1] = {by_id ? Oid{INT8OID} : Oid{TEXTOID}};
  Datum values[1] = {by_id ? Int64GetDatum(model_id) : PointerGetDatum(name)};
  const SPIPlanPtr plan =
      commerce::pg::keep_plan(by_id ? by_id_plan : by_name_plan,
                              by_id ? "SELECT m.model_id, m.xmin FROM commerce.models m"
                                      " WHERE m.model_id = $1 AND m.status <> 'retired'"
                                    : "SELECT m.model_id, m.xmin FROM commerce.models m"
                                      " WHERE m.name = $1 AND m.status = 'active'",
                              1, types);
  if (SPI_execute_snapshot(plan, values, nullptr, snapshot, InvalidSnapshot, true, false, 1) !=
      SPI_OK_SELECT) {
    elog(ERROR, "reading the model failed");
  }
  if (SPI_processed == 0) return false;
  bool isnull = false;
  out->id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  out->version = DatumGetTransactionId(
      SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
  return true;
}

bool cached_serving_model(bool by_id, int64 model_id, const text *name, ServedModel *out) {
  if (!by_id && name == nullptr) return false;
  if (take_changes(&models)) clear();
  for (const Entry &e : entries) {
    if (matches(e, by_id, model_id, name)) {
      *out = e.model;
      return visible(e.model);
    }
  }
  ServedModel found;
  if (!look_up(by_id, model_id, name, &found)) return false;
  Entry &e = entries[next_victim];
  next_victim = (next_victim + 1) % kSlots;
  if (e.name != nullptr) pfree(e.name);
  e = Entry{};
  e.by_id = by_id;
  e.model_id = model_id;
  if (!by_id) {
    e.name_length = static_cast<int>(VARSIZE_ANY_EXHDR(name));
    e.name = static_cast<char *>(MemoryContextAlloc(TopMemoryContext, e.name_length + 1));
    memcpy(e.name, VARDATA_ANY(name), e.name_length);
  }
  e.model = found;
  e.used = true;
  *out = found;
  return visible(found);
}

}  // namespace commerce::pg::recs
