// SPI reads of a trained model shared by recommend and recommend_candidates: the history items'
// neighbour lists and the popularity lists (cached per backend). Plain C with kept plans: call
// them while SPI is connected and no C++ object is alive in the calling frame.
#pragma once

#include <cstdint>
#include <vector>

#include "core/recs/blend.h"
#include "pg/pg_headers.h"
#include "pg/spi_plan.h"

extern "C" {
#include "executor/spi.h"
}

namespace commerce::pg::recs {

// Neighbour lists in flat arrays allocated with SPI_palloc (they outlive SPI_finish).
struct StoredLists {
  int rows;
  bool *transition;  // per row: a transition list (else collaborative)
  int64 *product;    // per row: whose list
  int *offset;       // per row: first entry
  int *count;        // per row: entries
  int64 *item;       // entries
  float4 *weight;
};

// A popularity list, best first, owned by the per-backend cache.
struct StoredPopularity {
  int rows;
  int64 *item;
  float4 *score;
};

// The collaborative and transition lists of the history items (a bigint[] datum).
StoredLists read_lists(int64 model_id, Datum history);

// The same from a per-backend cache keyed by (model_id, version, product), reading only the
// products it does not hold (see model_version for why an entry never goes stale). Rows come in
// index order, collaborative lists then transition lists by product, as read_lists returns them,
// so that the blend adds in the same order. The arrays are valid until the next call.
StoredLists read_lists_cached(int64 model_id, TransactionId version, const int64 *history,
                              int history_length);

// The xmin of the model's commerce.models row (InvalidTransactionId for an unknown model): with
// the model id it names one unchanging popularity table (see read_popularity).
TransactionId model_version(int64 model_id);

// The best `limit` items of the model's popularity for `segment` ('' = global), from a
// per-backend cache keyed by (model_id, version, segment, limit). The arrays stay valid until
// 15 other lists have been read.
StoredPopularity read_popularity(int64 model_id, TransactionId version, const char *segment,
                                 int limit);

// Views of the stored arrays for the core blend (call inside a guarded region).
std::vector<commerce::recs::HistoryList> history_lists(const StoredLists &lists);
commerce::recs::PopularityList popularity_list(const StoredPopularity &list);

}  // namespace commerce::pg::recs
