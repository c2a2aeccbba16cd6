// commerce.fit_neighbor_lists: the C++ half of commerce.train_recommender. PL/pgSQL reads the
// events (ordered by actor, then time) into three arrays; this function maps product ids to dense
// indices, trains the models in the core and returns every item's neighbour list per relation.
// It never calls SPI: the arrays are read before the guarded region, the results are written
// into palloc'd buffers inside it, and the tuplestore is filled after it, so no PostgreSQL call
// that can raise ERROR runs while a C++ object is alive. Also commerce.ease_memory_bytes(items).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/recs/cooccurrence.h"
#include "core/recs/ease.h"
#include "core/recs/sequences.h"
#include "core/recs/transitions.h"
#include "pg/guard.h"

extern "C" {
#include "funcapi.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
}

namespace {

namespace recs = commerce::recs;

constexpr const char *kRelations[] = {"collaborative", "transition", "similar", "bought_together"};
constexpr int kRelationCount = 4;

// The rows to return, in palloc'd memory so that they outlive the guarded region.
struct FitOutput {
  std::int64_t rows;
  std::uint8_t *relation;
  std::int64_t *product;
  std::int64_t *offset;
  std::int32_t *count;
  std::int64_t *neighbor;
  float *weight;
};

struct FitInput {
  const char *kind;
  std::int64_t events;
  const bool *starts;
  const std::int64_t *products;
  const bool *purchases;
  float lambda;
  std::int32_t keep;
  std::int64_t max_bytes;
  std::int32_t window;
};

template <typename T>
T *alloc_array(std::int64_t n) {
  return static_cast<T *>(commerce::pg::palloc_or_throw(
      sizeof(T) * static_cast<std::size_t>(std::max<std::int64_t>(n, 1))));
}

// Builds one sequence per actor from the events that pass `keep_event`, dropping immediate
// repeats (a view, add to cart and purchase of one item are one step, not three).
template <typename Keep>
recs::SequenceSet build_sequences(const FitInput &in, const std::vector<std::int64_t> &catalogue,
                                  Keep keep_event) {
  recs::SequenceSet set(catalogue.size());
  std::vector<std::int32_t> sequence;
  for (std::int64_t e = 0; e <= in.events; ++e) {
    if (e == in.events || in.starts[e]) {
      if (!sequence.empty()) set.add(sequence);
      sequence.clear();
      if (e == in.events) break;
    }
    if (!keep_event(e)) continue;
    const auto index = static_cast<std::int32_t>(
        std::lower_bound(catalogue.begin(), catalogue.end(), in.products[e]) - catalogue.begin());
    if (sequence.empty() || sequence.back() != index) sequence.push_back(index);
  }
  return set;
}

FitOutput fit(const FitInput &in) {
  const std::string kind = in.kind;
  if (kind != "ease" && kind != "cooccurrence") {
    throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                          "unknown recommender kind \"" + kind + "\"",
                          "Use 'ease' or 'cooccurrence'.");
  }
  if (in.keep < 1 || in.keep > 10000) {
    throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                          "neighbors must be between 1 and 10000", "Keep about 100 to 200.");
  }
  commerce::CancelCheck cancel = commerce::pg::interrupt_check(1);
  std::vector<std::int64_t> catalogue(in.products, in.products + in.events);
  std::sort(catalogue.begin(), catalogue.end());
  catalogue.erase(std::unique(catalogue.begin(), catalogue.end()), catalogue.end());

  const auto all = build_sequences(in, catalogue, [](std::int64_t) { return true; });
  const auto bought =
      build_sequences(in, catalogue, [&](std::int64_t e) { return in.purchases[e]; });
  const auto keep = static_cast<std::size_t>(in.keep);

  recs::CooccurrenceParams cooc_params;
  cooc_params.keep = keep;
  recs::NeighborLists lists[kRelationCount];
  lists[2] = recs::train_cooccurrence(all, cooc_params, cancel);
  lists[3] = recs::train_cooccurrence(bought, cooc_params, cancel);
  recs::TransitionParams transition_params;
  transition_params.keep = keep;
  transition_params.window = static_cast<std::size_t>(std::max(in.window, 0));
  lists[1] = recs::train_transitions(all, transition_params, cancel);
  if (kind == "ease") {
    recs::EaseParams ease_params;
    ease_params.lambda = in.lambda;
    ease_params.max_bytes = static_cast<std::size_t>(std::max<std::int64_t>(in.max_bytes, 0));
    lists[0] = recs::train_ease(all, ease_params, cancel).to_neighbors(keep, cancel);
  } else {
    lists[0] = lists[2];
  }

  FitOutput out{};
  std::int64_t entries = 0;
  for (const auto &l : lists) {
    for (std::size_t i = 0; i < l.rows(); ++i) out.rows += l[i].empty() ? 0 : 1;
    entries += static_cast<std::int64_t>(l.num_entries());
  }
  out.relation = alloc_array<std::uint8_t>(out.rows);
  out.product = alloc_array<std::int64_t>(out.rows);
  out.offset = alloc_array<std::int64_t>(out.rows);
  out.count = alloc_array<std::int32_t>(out.rows);
  out.neighbor = alloc_array<std::int64_t>(entries);
  out.weight = alloc_array<float>(entries);
  std::int64_t row = 0, at = 0;
  for (int r = 0; r < kRelationCount; ++r) {
    for (std::size_t i = 0; i < lists[r].rows(); ++i) {
      const auto list = lists[r][i];
      if (list.empty()) continue;
      out.relation[row] = static_cast<std::uint8_t>(r);
      out.product[row] = catalogue[i];
      out.offset[row] = at;
      out.count[row] = static_cast<std::int32_t>(list.size());
      for (const auto &n : list) {
        out.neighbor[at] = catalogue[static_cast<std::size_t>(n.item)];
        out.weight[at] = n.weight;
        ++at;
      }
      ++row;
    }
  }
  return out;
}

// A one-dimensional array without NULLs, or an error that names the argument.
void check_array(ArrayType *a, const char *name, int expected_length) {
  if (ARR_NDIM(a) > 1 || array_contains_nulls(a) ||
      (expected_length >= 0 && ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)) != expected_length)) {
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
             errmsg("%s must be a one-dimensional array without nulls, as long as products", name),
             errhint("Pass one element per event.")));
  }
}

}  // namespace

PGC_FUNCTION(fit_neighbor_lists)
Datum fit_neighbor_lists(PG_FUNCTION_ARGS) {
  for (int i = 0; i < 8; ++i) {
    if (PG_ARGISNULL(i)) {
      ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                      errmsg("arguments of fit_neighbor_lists must not be null"),
                      errhint("Pass every argument; see docs/recommendations.md.")));
    }
  }
  const char *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
  ArrayType *starts = PG_GETARG_ARRAYTYPE_P(1);
  ArrayType *products = PG_GETARG_ARRAYTYPE_P(2);
  ArrayType *purchases = PG_GETARG_ARRAYTYPE_P(3);
  check_array(products, "products", -1);
  const int events = ArrayGetNItems(ARR_NDIM(products), ARR_DIMS(products));
  check_array(starts, "starts", events);
  check_array(purchases, "purchases", events);
  FitInput in{kind,
              events,
              reinterpret_cast<const bool *>(ARR_DATA_PTR(starts)),
              reinterpret_cast<const std::int64_t *>(ARR_DATA_PTR(products)),
              reinterpret_cast<const bool *>(ARR_DATA_PTR(purchases)),
              PG_GETARG_FLOAT4(4),
              PG_GETARG_INT32(5),
              PG_GETARG_INT64(6),
              PG_GETARG_INT32(7)};
  FitOutput out{};
  commerce::pg::guarded([&] { out = fit(in); });

  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  int16 int8_len, float4_len;
  bool int8_byval, float4_byval;
  char int8_align, float4_align;
  get_typlenbyvalalign(INT8OID, &int8_len, &int8_byval, &int8_align);
  get_typlenbyvalalign(FLOAT4OID, &float4_len, &float4_byval, &float4_align);
  for (std::int64_t row = 0; row < out.rows; ++row) {
    const int n = out.count[row];
    Datum *ids = static_cast<Datum *>(palloc(sizeof(Datum) * n));
    Datum *ws = static_cast<Datum *>(palloc(sizeof(Datum) * n));
    for (int j = 0; j < n; ++j) {
      ids[j] = Int64GetDatum(out.neighbor[out.offset[row] + j]);
      ws[j] = Float4GetDatum(out.weight[out.offset[row] + j]);
    }
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    values[0] = CStringGetTextDatum(kRelations[out.relation[row]]);
    values[1] = Int64GetDatum(out.product[row]);
    values[2] = PointerGetDatum(construct_array(ids, n, INT8OID, int8_len, int8_byval, int8_align));
    values[3] =
        PointerGetDatum(construct_array(ws, n, FLOAT4OID, float4_len, float4_byval, float4_align));
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    pfree(ids);
    pfree(ws);
  }
  return static_cast<Datum>(0);
}

PGC_FUNCTION(ease_memory_bytes)
Datum ease_memory_bytes(PG_FUNCTION_ARGS) {
  const int32 items = PG_GETARG_INT32(0);
  int64 bytes = 0;
  commerce::pg::guarded([&] {
    if (items < 0) {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                            "item count must not be negative", "Pass the number of products.");
    }
    bytes = static_cast<int64>(commerce::recs::ease_bytes_needed(static_cast<std::size_t>(items)));
  });
  PG_RETURN_INT64(bytes);
}
