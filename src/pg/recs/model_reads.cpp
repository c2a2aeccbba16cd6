// SPI reads of neighbour lists and popularity for serving, with a per-backend popularity cache.
// Reading 2 x 500 popularity rows through the executor was a tenth of a call, hence the cache.
#include <cstring>
#include <vector>

#include "core/recs/blend.h"
#include "pg/recs/model_reads.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/hsearch.h"
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

// Per-backend cache of neighbour lists. A model's lists are written in the transaction that
// creates its commerce.models row and deleted only by retire_model, which updates that row; so,
// as for popularity, (model_id, xmin of the row) names lists that never change. Reading a
// history's lists through the executor (index probes, detoasting, decompression) was a fifth of
// a call. The cache holds at most kListCacheBytes of lists per backend (Beauty's 12,092 items,
// with 200 collaborative neighbours and a few transitions each, take about 31 MB) and is emptied
// when full, so a larger catalogue is served from its hot part.
constexpr Size kListCacheBytes = 64 * 1024 * 1024;

struct ListKey {
  int64 model_id;
  int64 product;
  TransactionId version;
};

struct ListEntry {
  ListKey key;   // must be first (dynahash)
  int count[2];  // collaborative, transition; 0 when the product has no such list
  int64 *item[2];
  float4 *weight[2];
};

HTAB *list_cache = nullptr;
MemoryContext list_cache_memory = nullptr;
Size list_cache_bytes = 0;

void reset_list_cache() {
  if (list_cache_memory == nullptr) {
    list_cache_memory =
        AllocSetContextCreate(TopMemoryContext, "commerce neighbour lists", ALLOCSET_DEFAULT_SIZES);
  } else {
    MemoryContextReset(list_cache_memory);
  }
  HASHCTL ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.keysize = sizeof(ListKey);
  ctl.entrysize = sizeof(ListEntry);
  ctl.hcxt = list_cache_memory;
  list_cache =
      hash_create("commerce neighbour lists", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
  list_cache_bytes = 0;
}

ListKey list_key(int64 model_id, TransactionId version, int64 product) {
  ListKey key;
  memset(&key, 0, sizeof(key));  // padding is hashed too
  key.model_id = model_id;
  key.version = version;
  key.product = product;
  return key;
}

// The lists of `products` through SPI (read_lists).
StoredLists read_missing_lists(int64 model_id, const int64 *products, int count) {
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * count));
  for (int i = 0; i < count; ++i) values[i] = Int64GetDatum(products[i]);
  ArrayType *array = construct_array(values, count, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
  return read_lists(model_id, PointerGetDatum(array));
}

// What the cache spends on these lists.
Size lists_bytes(const StoredLists &lists) {
  Size bytes = 0;
  for (int r = 0; r < lists.rows; ++r) {
    bytes += (sizeof(int64) + sizeof(float4)) * lists.count[r] + sizeof(ListEntry);
  }
  return bytes;
}

int compare_int64(const void *a, const void *b) {
  const int64 x = *static_cast<const int64 *>(a), y = *static_cast<const int64 *>(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace

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

StoredLists read_lists_cached(int64 model_id, TransactionId version, const int64 *history,
                              int history_length) {
  if (list_cache == nullptr) reset_list_cache();
  // The history's distinct products in ascending order (index order).
  int64 *products = static_cast<int64 *>(palloc(sizeof(int64) * (history_length + 1)));
  memcpy(products, history, sizeof(int64) * history_length);
  qsort(products, history_length, sizeof(int64), compare_int64);
  int n = 0;
  for (int i = 0; i < history_length; ++i) {
    if (n == 0 || products[n - 1] != products[i]) products[n++] = products[i];
  }
  int64 *missing = static_cast<int64 *>(palloc(sizeof(int64) * (n + 1)));
  int missing_count = 0;
  for (int i = 0; i < n; ++i) {
    const ListKey key = list_key(model_id, version, products[i]);
    if (hash_search(list_cache, &key, HASH_FIND, nullptr) == nullptr) {
      missing[missing_count++] = products[i];
    }
  }
  if (missing_count > 0) {
    StoredLists fresh = read_missing_lists(model_id, missing, missing_count);
    Size needed = lists_bytes(fresh);
    if (list_cache_bytes + needed > kListCacheBytes) {
      // Emptying the cache drops the entries found above too: read every product again.
      reset_list_cache();
      if (missing_count < n) {
        memcpy(missing, products, sizeof(int64) * n);
        missing_count = n;
        fresh = read_missing_lists(model_id, missing, missing_count);
        needed = lists_bytes(fresh);
      }
    }
    list_cache_bytes += needed;
    // An entry for every product read, also for those without lists.
    for (int i = 0; i < missing_count; ++i) {
      const ListKey key = list_key(model_id, version, missing[i]);
      ListEntry *e = static_cast<ListEntry *>(hash_search(list_cache, &key, HASH_ENTER, nullptr));
      for (int s = 0; s < 2; ++s) {
        e->count[s] = 0;
        e->item[s] = nullptr;
        e->weight[s] = nullptr;
      }
    }
    for (int r = 0; r < fresh.rows; ++r) {
      const ListKey key = list_key(model_id, version, fresh.product[r]);
      ListEntry *e = static_cast<ListEntry *>(hash_search(list_cache, &key, HASH_FIND, nullptr));
      const int s = fresh.transition[r] ? 1 : 0;
      const int count = fresh.count[r];
      e->item[s] =
          static_cast<int64 *>(MemoryContextAlloc(list_cache_memory, sizeof(int64) * (count + 1)));
      e->weight[s] = static_cast<float4 *>(
          MemoryContextAlloc(list_cache_memory, sizeof(float4) * (count + 1)));
      memcpy(e->item[s], fresh.item + fresh.offset[r], sizeof(int64) * count);
      memcpy(e->weight[s], fresh.weight + fresh.offset[r], sizeof(float4) * count);
      e->count[s] = count;
    }
  }
  // Collaborative lists by product, then transition lists by product: the index order.
  StoredLists out{};
  out.transition = static_cast<bool *>(palloc(sizeof(bool) * (2 * n + 1)));
  out.product = static_cast<int64 *>(palloc(sizeof(int64) * (2 * n + 1)));
  out.offset = static_cast<int *>(palloc(sizeof(int) * (2 * n + 1)));
  out.count = static_cast<int *>(palloc(sizeof(int) * (2 * n + 1)));
  ListEntry **entries = static_cast<ListEntry **>(palloc(sizeof(ListEntry *) * (n + 1)));
  int total = 0;
  for (int i = 0; i < n; ++i) {
    const ListKey key = list_key(model_id, version, products[i]);
    entries[i] = static_cast<ListEntry *>(hash_search(list_cache, &key, HASH_FIND, nullptr));
    total += entries[i]->count[0] + entries[i]->count[1];
  }
  out.item = static_cast<int64 *>(palloc(sizeof(int64) * (total + 1)));
  out.weight = static_cast<float4 *>(palloc(sizeof(float4) * (total + 1)));
  total = 0;
  for (int s = 0; s < 2; ++s) {
    for (int i = 0; i < n; ++i) {
      const ListEntry *e = entries[i];
      if (e->count[s] == 0) continue;
      const int r = out.rows++;
      out.transition[r] = s == 1;
      out.product[r] = products[i];
      out.offset[r] = total;
      out.count[r] = e->count[s];
      memcpy(out.item + total, e->item[s], sizeof(int64) * e->count[s]);
      memcpy(out.weight + total, e->weight[s], sizeof(float4) * e->count[s]);
      total += e->count[s];
    }
  }
  return out;
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
