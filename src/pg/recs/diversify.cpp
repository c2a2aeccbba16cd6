// commerce.diversify_order(scores, groups, k, lambda): the MMR step of commerce.recommend. The
// candidates arrive as parallel arrays (score and a group number, e.g. the category's rank, NULL
// = no group); two candidates are alike (similarity 1) when they share a group. Returns the
// 1-based positions of the chosen candidates in presentation order.
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/recs/diversify.h"
#include "pg/guard.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
}

PGC_FUNCTION(diversify_order)
Datum diversify_order(PG_FUNCTION_ARGS) {
  ArrayType *scores = PG_GETARG_ARRAYTYPE_P(0);
  ArrayType *groups = PG_GETARG_ARRAYTYPE_P(1);
  const int32 k = PG_GETARG_INT32(2);
  const float4 lambda = PG_GETARG_FLOAT4(3);
  Datum *score_values = nullptr, *group_values = nullptr;
  bool *score_nulls = nullptr, *group_nulls = nullptr;
  int n = 0, group_count = 0;
  deconstruct_array(scores, FLOAT4OID, 4, true, TYPALIGN_INT, &score_values, &score_nulls, &n);
  deconstruct_array(groups, INT4OID, 4, true, TYPALIGN_INT, &group_values, &group_nulls,
                    &group_count);
  int32 *order = static_cast<int32 *>(palloc(sizeof(int32) * static_cast<std::size_t>(n + 1)));
  int chosen = 0;
  commerce::pg::guarded([&] {
    if (group_count != n) {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                            "scores and groups must have the same length",
                            "Pass one group (or NULL) per candidate.");
    }
    if (k < 0) {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue, "k must not be negative",
                            "Pass how many candidates to keep.");
    }
    std::vector<commerce::recs::Scored> candidates(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const float s = score_nulls[i] ? 0.0f : DatumGetFloat4(score_values[i]);
      candidates[static_cast<std::size_t>(i)] = {i, s};
    }
    const auto alike = [&](std::size_t a, std::size_t b) {
      return !group_nulls[a] && !group_nulls[b] && group_values[a] == group_values[b] ? 1.0f : 0.0f;
    };
    const auto picked =
        commerce::recs::diversify_mmr(candidates, static_cast<std::size_t>(k), lambda, alike);
    for (const auto &p : picked) order[chosen++] = p.item + 1;
  });
  Datum *out = static_cast<Datum *>(palloc(sizeof(Datum) * static_cast<std::size_t>(chosen + 1)));
  for (int i = 0; i < chosen; ++i) out[i] = Int32GetDatum(order[i]);
  PG_RETURN_ARRAYTYPE_P(construct_array(out, chosen, INT4OID, 4, true, TYPALIGN_INT));
}
