// SPI reads of neighbour lists and popularity for serving, with a per-backend popularity cache.
// Reading 2 x 500 popularity rows through the executor was a tenth of a call, hence the cache.
#include <cstring>
#include <vector>

#include "core/recs/blend.h"
#include "pg/recs/model_reads.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/memutils.h"
}

namespace commerce::pg::recs {
namespace {

SPIPlanPtr lists_plan = nullptr;
SPIPlanPtr popularity_plan = nullptr;
SPIPlanPtr model_version_plan = nullptr;

StoredPopularity query_popularity(int64 model_id, const char *segment, int limit) {
  Oid types[3] = {INT8OID, TEXTOID, INT4OID};
  keep_plan(popularity_plan,
            "SELECT product_id, score FROM commerce.model_popularity"
            " WHERE model_id = $1 AND segment = $2 ORDER BY score DESC LIMIT $3",
            3, types);
  Datum values[3] = {Int64GetDatum(model_id), CStringGetTextDatum(segment), Int32GetDatum(limit)};
  if (SPI_execute_plan(popularity_plan, values, nullptr, true, 0) != SPI_OK_SELECT) {
    elog(ERROR, "reading popularity failed");
  }
  StoredPopularity out{};
  out.rows = static_cast<int>(SPI_processed);
  out.item =
      static_cast<int64 *>(MemoryContextAlloc(TopMemoryContext, sizeof(int64) * (out.rows + 1)));
  out.score =
      static_cast<float4 *>(MemoryContextAlloc(TopMemoryContext, sizeof(float4) * (out.rows + 1)));
  for (int r = 0; r < out.rows; ++r) {
    bool isnull = false;
    out.item[r] =
        DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
    out.score[r] =
        DatumGetFloat4(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull));
  }
  return out;
}

// Per-backend cache of popularity lists. A model's popularity rows are written in the
// transaction that creates its commerce.models row and deleted only by retire_model, which
// updates that row in the same transaction; so (model_id, xmin of the row) names one unchanging
// popularity table, and an update that does not touch popularity (activation) only costs a
// re-read. Plain C memory in TopMemoryContext, least recently used entry replaced.
struct PopularityEntry {
  int64 model_id;
  TransactionId version;
  char *segment;  // NULL: empty slot
  int limit;
  uint64 used;
  StoredPopularity list;
};
constexpr int kPopularitySlots = 16;
PopularityEntry popularity_cache[kPopularitySlots];
uint64 popularity_clock = 0;

}  // namespace

SPIPlanPtr keep_plan(SPIPlanPtr &plan, const char *sql, int nargs, Oid *types) {
  if (plan == nullptr) {
    // A generic plan: re-planning per call (what the plan cache did for the availability view
    // and the partitioned events table) cost more than executing.
    SPIPlanPtr fresh = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);
    if (fresh == nullptr) elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(fresh);
    plan = fresh;
  }
  return plan;
}

StoredLists read_lists(int64 model_id, Datum history) {
  Oid types[2] = {INT8OID, INT8ARRAYOID};
  keep_plan(lists_plan,
            "SELECT relation = 'transition', product_id, neighbors, weights"
            "  FROM commerce.model_neighbors"
            " WHERE model_id = $1 AND relation IN ('collaborative', 'transition')"
            "   AND product_id = ANY ($2)",
            2, types);
  Datum values[2] = {Int64GetDatum(model_id), history};
  if (SPI_execute_plan(lists_plan, values, nullptr, true, 0) != SPI_OK_SELECT) {
    elog(ERROR, "reading neighbour lists failed");
  }
  StoredLists out{};
  out.rows = static_cast<int>(SPI_processed);
  out.transition = static_cast<bool *>(SPI_palloc(sizeof(bool) * (out.rows + 1)));
  out.product = static_cast<int64 *>(SPI_palloc(sizeof(int64) * (out.rows + 1)));
  out.offset = static_cast<int *>(SPI_palloc(sizeof(int) * (out.rows + 1)));
  out.count = static_cast<int *>(SPI_palloc(sizeof(int) * (out.rows + 1)));
  ArrayType **ids = static_cast<ArrayType **>(palloc(sizeof(ArrayType *) * (out.rows + 1)));
  ArrayType **ws = static_cast<ArrayType **>(palloc(sizeof(ArrayType *) * (out.rows + 1)));
  int total = 0;
  for (int r = 0; r < out.rows; ++r) {
    HeapTuple tuple = SPI_tuptable->vals[r];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool isnull = false;
    out.transition[r] = DatumGetBool(SPI_getbinval(tuple, desc, 1, &isnull));
    out.product[r] = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
    ids[r] = DatumGetArrayTypeP(SPI_getbinval(tuple, desc, 3, &isnull));
    ws[r] = DatumGetArrayTypeP(SPI_getbinval(tuple, desc, 4, &isnull));
    out.count[r] = Min(ArrayGetNItems(ARR_NDIM(ids[r]), ARR_DIMS(ids[r])),
                       ArrayGetNItems(ARR_NDIM(ws[r]), ARR_DIMS(ws[r])));
    out.offset[r] = total;
    total += out.count[r];
  }
  out.item = static_cast<int64 *>(SPI_palloc(sizeof(int64) * (total + 1)));
  out.weight = static_cast<float4 *>(SPI_palloc(sizeof(float4) * (total + 1)));
  for (int r = 0; r < out.rows; ++r) {
    memcpy(out.item + out.offset[r], ARR_DATA_PTR(ids[r]), sizeof(int64) * out.count[r]);
    memcpy(out.weight + out.offset[r], ARR_DATA_PTR(ws[r]), sizeof(float4) * out.count[r]);
  }
  return out;
}

TransactionId model_version(int64 model_id) {
  Oid types[1] = {INT8OID};
  keep_plan(model_version_plan, "SELECT xmin FROM commerce.models WHERE model_id = $1", 1, types);
  Datum values[1] = {Int64GetDatum(model_id)};
  if (SPI_execute_plan(model_version_plan, values, nullptr, true, 1) != SPI_OK_SELECT) {
    elog(ERROR, "reading the model failed");
  }
  if (SPI_processed == 0) return InvalidTransactionId;
  bool isnull = false;
  return DatumGetTransactionId(
      SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

StoredPopularity read_popularity(int64 model_id, TransactionId version, const char *segment,
                                 int limit) {
  PopularityEntry *victim = &popularity_cache[0];
  for (PopularityEntry &e : popularity_cache) {
    if (e.segment != nullptr && e.model_id == model_id && e.version == version &&
        e.limit == limit && strcmp(e.segment, segment) == 0) {
      e.used = ++popularity_clock;
      return e.list;
    }
    if (e.segment == nullptr || (victim->segment != nullptr && e.used < victim->used)) victim = &e;
  }
  const StoredPopularity fresh = query_popularity(model_id, segment, limit);
  if (victim->segment != nullptr) {
    pfree(victim->segment);
    victim->segment = nullptr;
    pfree(victim->list.item);
    pfree(victim->list.score);
  }
  victim->model_id = model_id;
  victim->version = version;
  victim->segment = MemoryContextStrdup(TopMemoryContext, segment);
  victim->limit = limit;
  victim->used = ++popularity_clock;
  victim->list = fresh;
  return fresh;
}

std::vector<commerce::recs::HistoryList> history_lists(const StoredLists &lists) {
  std::vector<commerce::recs::HistoryList> out;
  out.reserve(static_cast<std::size_t>(lists.rows));
  for (int r = 0; r < lists.rows; ++r) {
    const auto n = static_cast<std::size_t>(lists.count[r]);
    out.push_back({lists.product[r],
                   lists.transition[r],
                   {lists.item + lists.offset[r], n},
                   {lists.weight + lists.offset[r], n}});
  }
  return out;
}

commerce::recs::PopularityList popularity_list(const StoredPopularity &list) {
  const auto n = static_cast<std::size_t>(list.rows);
  return {{list.item, n}, {list.score, n}};
}

}  // namespace commerce::pg::recs
