// commerce.recommend_candidates: stage 1 of commerce.recommend in C++. Reads the history items'
// collaborative and transition lists and the global and segment popularity of one model through
// SPI (plain C, before any C++ object exists, copied into the caller's memory; popularity is
// cached per backend, see read_popularity), then blends them
// in a guarded region: each source is scaled to a maximum of 1, weighted and summed; excluded
// items are dropped and the best `candidates` items are returned, best first. The same blend in
// SQL cost 3-5 ms per call; here it is a hash map over a few thousand entries.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "pg/guard.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
}

namespace {

// What SPI returned, in flat palloc'd arrays of the caller's context.
struct Lists {
  int rows;
  bool *transition;  // per row: a transition list (else collaborative)
  int64 *product;    // per row: whose list
  int *offset;       // per row: first entry
  int *count;        // per row: entries
  int64 *item;       // entries
  float4 *weight;
};

struct Popularity {
  int rows;
  int64 *item;
  float4 *score;
};

struct Output {
  int rows;
  int64 *item;
  float4 *part[4];  // collaborative, transition, popularity, segment (each scaled to max 1)
  float4 *base;
  // Per list source (collaborative, transition): the history item that contributed most to the
  // item's score, and whether there is one.
  int64 *from[2];
  bool *has_from[2];
};

SPIPlanPtr lists_plan = nullptr;
SPIPlanPtr popularity_plan = nullptr;
SPIPlanPtr model_version_plan = nullptr;

SPIPlanPtr keep_plan(SPIPlanPtr &plan, const char *sql, int nargs, Oid *types) {
  if (plan == nullptr) {
    SPIPlanPtr fresh = SPI_prepare(sql, nargs, types);
    if (fresh == nullptr) elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(fresh);
    plan = fresh;
  }
  return plan;
}

// Runs in C while SPI is connected; result arrays are allocated with SPI_palloc (upper context).
Lists read_lists(int64 model_id, Datum history) {
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
  Lists out{};
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
    out.count[r] = std::min(ArrayGetNItems(ARR_NDIM(ids[r]), ARR_DIMS(ids[r])),
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

Popularity query_popularity(int64 model_id, text *segment, int limit) {
  Oid types[3] = {INT8OID, TEXTOID, INT4OID};
  keep_plan(popularity_plan,
            "SELECT product_id, score FROM commerce.model_popularity"
            " WHERE model_id = $1 AND segment = $2 ORDER BY score DESC LIMIT $3",
            3, types);
  Datum values[3] = {Int64GetDatum(model_id), PointerGetDatum(segment), Int32GetDatum(limit)};
  if (SPI_execute_plan(popularity_plan, values, nullptr, true, 0) != SPI_OK_SELECT) {
    elog(ERROR, "reading popularity failed");
  }
  Popularity out{};
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

// The xmin of the model's commerce.models row (0 for an unknown model). A model's popularity rows
// are written in the transaction that creates that row and deleted only by retire_model, which
// updates the row in the same transaction; so (model_id, xmin) names one unchanging popularity
// table, and an update that does not touch popularity (activation) only costs a re-read.
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

// Per-backend cache of popularity lists, keyed by (model_id, model_version, segment, limit): see
// model_version for why an entry never goes stale. Reading 2 x 500 rows through the executor was
// a tenth of a call. Plain C memory in TopMemoryContext, least recently used entry replaced.
struct PopularityEntry {
  int64 model_id;
  TransactionId version;
  char *segment;  // NULL: empty slot
  int limit;
  uint64 used;
  Popularity list;
};
constexpr int kPopularitySlots = 16;
PopularityEntry popularity_cache[kPopularitySlots];
uint64 popularity_clock = 0;

// The returned arrays stay valid until kPopularitySlots - 1 other lists have been read.
Popularity read_popularity(int64 model_id, TransactionId version, text *segment, int limit) {
  char *name = text_to_cstring(segment);
  PopularityEntry *victim = &popularity_cache[0];
  for (PopularityEntry &e : popularity_cache) {
    if (e.segment != nullptr && e.model_id == model_id && e.version == version &&
        e.limit == limit && strcmp(e.segment, name) == 0) {
      e.used = ++popularity_clock;
      return e.list;
    }
    if (e.segment == nullptr || (victim->segment != nullptr && e.used < victim->used)) victim = &e;
  }
  const Popularity fresh = query_popularity(model_id, segment, limit);
  if (victim->segment != nullptr) {
    pfree(victim->segment);
    victim->segment = nullptr;
    pfree(victim->list.item);
    pfree(victim->list.score);
  }
  victim->model_id = model_id;
  victim->version = version;
  victim->segment = MemoryContextStrdup(TopMemoryContext, name);
  victim->limit = limit;
  victim->used = ++popularity_clock;
  victim->list = fresh;
  return fresh;
}

struct BlendInput {
  const int64 *history;
  int history_length;
  const int64 *excluded;
  int excluded_length;
  float weights[4];
  double history_decay, transition_decay;
  int depth, candidates;
};

Output blend(const Lists &lists, const Popularity &global, const Popularity &segment,
             const BlendInput &in) {
  std::unordered_map<int64, int> age;  // 1 = newest
  for (int i = 0; i < in.history_length; ++i) age.emplace(in.history[i], i + 1);
  // Per item: the four source scores, and per list source the history item that contributed
  // most (the reasons' "because" and "after"; ties go to the newer history item).
  struct Parts {
    std::array<double, 4> score{};
    std::array<double, 2> best{};
    std::array<int64, 2> from{};
    std::array<int, 2> from_age{};
  };
  std::unordered_map<int64, Parts> parts;
  parts.reserve(4096);
  double top[4] = {0, 0, 0, 0};
  for (int r = 0; r < lists.rows; ++r) {
    const auto found = age.find(lists.product[r]);
    if (found == age.end()) continue;
    const int source = lists.transition[r] ? 1 : 0;
    if (source == 1 && found->second > in.depth) continue;
    const double factor =
        std::pow(source == 1 ? in.transition_decay : in.history_decay, found->second - 1);
    for (int e = lists.offset[r]; e < lists.offset[r] + lists.count[r]; ++e) {
      Parts &p = parts[lists.item[e]];
      const double contribution = factor * lists.weight[e];
      p.score[source] += contribution;
      if (p.from_age[source] == 0 || contribution > p.best[source] ||
          (contribution == p.best[source] && found->second < p.from_age[source])) {
        p.best[source] = contribution;
        p.from[source] = lists.product[r];
        p.from_age[source] = found->second;
      }
    }
  }
  for (int r = 0; r < global.rows; ++r) parts[global.item[r]].score[2] = global.score[r];
  for (int r = 0; r < segment.rows; ++r) parts[segment.item[r]].score[3] = segment.score[r];
  for (const auto &[item, p] : parts) {
    for (int s = 0; s < 4; ++s) top[s] = std::max(top[s], p.score[s]);
  }
  std::unordered_set<int64> excluded(in.excluded, in.excluded + in.excluded_length);
  struct Row {
    int64 item;
    float part[4];
    float base;
    int64 from[2];
    bool has_from[2];
  };
  std::vector<Row> rows;
  rows.reserve(parts.size());
  for (const auto &[item, p] : parts) {
    if (excluded.count(item) != 0) continue;
    Row row{item, {}, 0.0f, {p.from[0], p.from[1]}, {p.from_age[0] != 0, p.from_age[1] != 0}};
    double base = 0.0;
    for (int s = 0; s < 4; ++s) {
      const double scaled = top[s] > 0.0 ? p.score[s] / top[s] : 0.0;
      row.part[s] = static_cast<float>(scaled);
      base += in.weights[s] * scaled;
    }
    row.base = static_cast<float>(base);
    rows.push_back(row);
  }
  const auto better = [](const Row &a, const Row &b) {
    return a.base != b.base ? a.base > b.base : a.item < b.item;
  };
  const std::size_t kept =
      std::min(rows.size(), static_cast<std::size_t>(std::max(in.candidates, 0)));
  std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(kept), rows.end(),
                    better);
  Output out{};
  out.rows = static_cast<int>(kept);
  out.item = static_cast<int64 *>(commerce::pg::palloc_or_throw(sizeof(int64) * (kept + 1)));
  for (auto &part : out.part) {
    part = static_cast<float4 *>(commerce::pg::palloc_or_throw(sizeof(float4) * (kept + 1)));
  }
  out.base = static_cast<float4 *>(commerce::pg::palloc_or_throw(sizeof(float4) * (kept + 1)));
  for (int s = 0; s < 2; ++s) {
    out.from[s] = static_cast<int64 *>(commerce::pg::palloc_or_throw(sizeof(int64) * (kept + 1)));
    out.has_from[s] = static_cast<bool *>(commerce::pg::palloc_or_throw(sizeof(bool) * (kept + 1)));
  }
  for (std::size_t i = 0; i < kept; ++i) {
    out.item[i] = rows[i].item;
    for (int s = 0; s < 4; ++s) out.part[s][i] = rows[i].part[s];
    out.base[i] = rows[i].base;
    for (int s = 0; s < 2; ++s) {
      out.from[s][i] = rows[i].from[s];
      out.has_from[s][i] = rows[i].has_from[s];
    }
  }
  return out;
}

// A one-dimensional bigint array without NULLs (checked before any C++ object exists).
const int64 *bigint_elements(ArrayType *a, int *length, const char *name) {
  if (ARR_NDIM(a) > 1 || array_contains_nulls(a) || ARR_ELEMTYPE(a) != INT8OID) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s must be a one-dimensional bigint array without nulls", name),
                    errhint("Pass product ids.")));
  }
  *length = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
  return reinterpret_cast<const int64 *>(ARR_DATA_PTR(a));
}

}  // namespace

// recommend_candidates(model_id, history, excluded, segment, weights real[4], history_decay,
//                      transition_decay, depth, candidates)
PGC_FUNCTION(recommend_candidates)
Datum recommend_candidates(PG_FUNCTION_ARGS) {
  for (int i = 0; i < 9; ++i) {
    if (PG_ARGISNULL(i)) {
      ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                      errmsg("arguments of recommend_candidates must not be null"),
                      errhint("Pass every argument; commerce.recommend shows how.")));
    }
  }
  const int64 model_id = PG_GETARG_INT64(0);
  ArrayType *history_array = PG_GETARG_ARRAYTYPE_P(1);
  ArrayType *excluded_array = PG_GETARG_ARRAYTYPE_P(2);
  text *segment = PG_GETARG_TEXT_PP(3);
  ArrayType *weight_array = PG_GETARG_ARRAYTYPE_P(4);
  BlendInput in{};
  in.history = bigint_elements(history_array, &in.history_length, "history");
  in.excluded = bigint_elements(excluded_array, &in.excluded_length, "excluded");
  if (ARR_NDIM(weight_array) != 1 || array_contains_nulls(weight_array) ||
      ARR_ELEMTYPE(weight_array) != FLOAT4OID ||
      ArrayGetNItems(ARR_NDIM(weight_array), ARR_DIMS(weight_array)) != 4) {
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("weights must be four real numbers"),
             errhint("Pass collaborative, transition, popularity and segment weights.")));
  }
  memcpy(in.weights, ARR_DATA_PTR(weight_array), sizeof(in.weights));
  in.history_decay = PG_GETARG_FLOAT8(5);
  in.transition_decay = PG_GETARG_FLOAT8(6);
  in.depth = PG_GETARG_INT32(7);
  in.candidates = PG_GETARG_INT32(8);

  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  const Lists lists = read_lists(model_id, PointerGetDatum(history_array));
  text *global_segment = cstring_to_text("");
  const int pop_limit = in.weights[2] != 0.0f ? in.candidates : 0;
  const int seg_limit = in.weights[3] != 0.0f ? in.candidates : 0;
  const TransactionId version = model_version(model_id);
  const Popularity global = read_popularity(model_id, version, global_segment, pop_limit);
  const Popularity by_segment = read_popularity(model_id, version, segment, seg_limit);
  SPI_finish();

  Output out{};
  commerce::pg::guarded([&] { out = blend(lists, global, by_segment, in); });

  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  for (int r = 0; r < out.rows; ++r) {
    Datum values[8] = {Int64GetDatum(out.item[r]),     Float4GetDatum(out.part[0][r]),
                       Float4GetDatum(out.part[1][r]), Float4GetDatum(out.part[2][r]),
                       Float4GetDatum(out.part[3][r]), Float4GetDatum(out.base[r]),
                       Int64GetDatum(out.from[0][r]),  Int64GetDatum(out.from[1][r])};
    bool nulls[8] = {
        false, false, false, false, false, false, !out.has_from[0][r], !out.has_from[1][r]};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return static_cast<Datum>(0);
}
