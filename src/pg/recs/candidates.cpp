// commerce.recommend_candidates: stage 1 of commerce.recommend alone, as a set-returning
// function (commerce.recommend itself runs it inside its own C call, src/pg/recs/recommend.cpp).
// Reads the history items' collaborative and transition lists and the global and segment
// popularity of one model through SPI (model_reads), then blends them in a guarded region
// (core/recs/blend): each source is scaled to a maximum of 1, weighted and summed; excluded
// items are dropped and the best `candidates` items are returned, best first.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/recs/blend.h"
#include "pg/guard.h"
#include "pg/recs/model_reads.h"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
}

namespace {

// The blended rows in flat palloc'd arrays, for building tuples after the guarded region.
struct Output {
  int rows;
  commerce::recs::BlendedItem *items;
};

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
  namespace reads = commerce::pg::recs;
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
  char *segment = text_to_cstring(PG_GETARG_TEXT_PP(3));
  ArrayType *weight_array = PG_GETARG_ARRAYTYPE_P(4);
  int history_length = 0, excluded_length = 0;
  const int64 *history = bigint_elements(history_array, &history_length, "history");
  const int64 *excluded = bigint_elements(excluded_array, &excluded_length, "excluded");
  if (ARR_NDIM(weight_array) != 1 || array_contains_nulls(weight_array) ||
      ARR_ELEMTYPE(weight_array) != FLOAT4OID ||
      ArrayGetNItems(ARR_NDIM(weight_array), ARR_DIMS(weight_array)) != 4) {
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("weights must be four real numbers"),
             errhint("Pass collaborative, transition, popularity and segment weights.")));
  }
  float4 weights[4];
  memcpy(weights, ARR_DATA_PTR(weight_array), sizeof(weights));
  const double history_decay = PG_GETARG_FLOAT8(5);
  const double transition_decay = PG_GETARG_FLOAT8(6);
  const int32 depth = PG_GETARG_INT32(7);
  const int32 candidates = PG_GETARG_INT32(8);

  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  const reads::StoredLists lists = reads::read_lists(model_id, PointerGetDatum(history_array));
  const TransactionId version = reads::model_version(model_id);
  const reads::StoredPopularity global =
      reads::read_popularity(model_id, version, "", weights[2] != 0.0f ? candidates : 0);
  const reads::StoredPopularity by_segment =
      reads::read_popularity(model_id, version, segment, weights[3] != 0.0f ? candidates : 0);
  SPI_finish();

  Output out{};
  commerce::pg::guarded([&] {
    commerce::recs::BlendParams params;
    params.history = {history, static_cast<std::size_t>(history_length)};
    params.excluded = {excluded, static_cast<std::size_t>(excluded_length)};
    for (int s = 0; s < 4; ++s) params.weights[s] = weights[s];
    params.history_decay = history_decay;
    params.transition_decay = transition_decay;
    params.transition_depth = depth;
    params.candidates = static_cast<std::size_t>(std::max(candidates, 0));
    const auto list_views = reads::history_lists(lists);
    const auto rows = commerce::recs::blend_history(list_views, reads::popularity_list(global),
                                                    reads::popularity_list(by_segment), params);
    out.rows = static_cast<int>(rows.size());
    out.items = static_cast<commerce::recs::BlendedItem *>(
        commerce::pg::palloc_or_throw(sizeof(commerce::recs::BlendedItem) * (rows.size() + 1)));
    std::copy(rows.begin(), rows.end(), out.items);
  });

  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  for (int r = 0; r < out.rows; ++r) {
    const commerce::recs::BlendedItem &b = out.items[r];
    Datum values[8] = {Int64GetDatum(b.item),     Float4GetDatum(b.part[0]),
                       Float4GetDatum(b.part[1]), Float4GetDatum(b.part[2]),
                       Float4GetDatum(b.part[3]), Float4GetDatum(b.base),
                       Int64GetDatum(b.from[0]),  Int64GetDatum(b.from[1])};
    bool nulls[8] = {false, false, false, false, false, false, !b.has_from[0], !b.has_from[1]};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return static_cast<Datum>(0);
}
