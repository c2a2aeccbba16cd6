// avg(embedding) and sum(embedding). The transition state is a float8[] holding the row count
// followed by the running sums, accumulated in double so that averaging many float4 vectors
// does not lose precision. Parallel aggregation combines states with embedding_combine.
#include <string>

#include "core/error.h"
#include "core/vector/embedding.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
}

using commerce::Error;
using commerce::pg::EmbeddingDatum;
using commerce::pg::guarded;
namespace vector = commerce::vector;

namespace {

// Validates and unpacks a state array: data[0] is the count, data[1..dim] the sums.
float8 *state_values(ArrayType *state, int *dim) {
  const int n = ARR_NDIM(state) == 1 ? ARR_DIMS(state)[0] : 0;
  guarded([&] {
    if (ARR_ELEMTYPE(state) != FLOAT8OID || n < 1 || array_contains_nulls(state)) {
      throw Error(commerce::sqlstate::kDataException, "invalid embedding aggregate state",
                  "The state is an internal float8[] of the form {count, sum1, ...}.");
    }
  });
  *dim = n - 1;
  return reinterpret_cast<float8 *>(ARR_DATA_PTR(state));
}

ArrayType *new_state(int dim) {
  Datum *elements = static_cast<Datum *>(palloc(sizeof(Datum) * (dim + 1)));
  for (int i = 0; i <= dim; ++i) elements[i] = Float8GetDatum(0.0);
  return construct_array(elements, dim + 1, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
                         TYPALIGN_DOUBLE);
}

// Turns a finished state into an embedding: sums divided by `divisor` (1 for sum, count for avg).
Datum finish(ArrayType *state, bool average) {
  int dim = 0;
  const float8 *data = state_values(state, &dim);
  if (data[0] == 0.0) return PointerGetDatum(nullptr);  // no rows: the caller returns NULL
  EmbeddingDatum *result = commerce::pg::new_embedding(dim);
  guarded([&] {
    const double divisor = average ? data[0] : 1.0;
    for (int i = 0; i < dim; ++i) result->x[i] = vector::narrow_to_float4(data[i + 1] / divisor, i);
  });
  return PointerGetDatum(result);
}

}  // namespace

PGC_FUNCTION(embedding_accum)
Datum embedding_accum(PG_FUNCTION_ARGS) {
  ArrayType *state = PG_GETARG_ARRAYTYPE_P(0);
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(1);
  int dim = 0;
  state_values(state, &dim);
  // Inside an aggregate the state belongs to us and may be updated in place; the first row
  // replaces the {0} initial state with one sized for its dimensions.
  const bool in_place = AggCheckCallContext(fcinfo, nullptr) != 0 && dim > 0;
  if (dim == 0) {
    state = new_state(e->dim);
    dim = e->dim;
  } else if (!in_place) {
    state = reinterpret_cast<ArrayType *>(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0)));
  }
  float8 *data = reinterpret_cast<float8 *>(ARR_DATA_PTR(state));
  guarded([&] {
    vector::check_same_dimensions(static_cast<std::size_t>(dim), static_cast<std::size_t>(e->dim));
    data[0] += 1.0;
    for (int i = 0; i < dim; ++i) data[i + 1] += e->x[i];
  });
  PG_RETURN_ARRAYTYPE_P(state);
}

PGC_FUNCTION(embedding_combine)
Datum embedding_combine(PG_FUNCTION_ARGS) {
  ArrayType *left = PG_GETARG_ARRAYTYPE_P(0);
  ArrayType *right = PG_GETARG_ARRAYTYPE_P(1);
  int left_dim = 0, right_dim = 0;
  const float8 *left_data = state_values(left, &left_dim);
  const float8 *right_data = state_values(right, &right_dim);
  if (left_data[0] == 0.0) PG_RETURN_ARRAYTYPE_P(PG_GETARG_ARRAYTYPE_P_COPY(1));
  if (right_data[0] == 0.0) PG_RETURN_ARRAYTYPE_P(PG_GETARG_ARRAYTYPE_P_COPY(0));
  ArrayType *result = new_state(left_dim);
  float8 *out = reinterpret_cast<float8 *>(ARR_DATA_PTR(result));
  guarded([&] {
    vector::check_same_dimensions(static_cast<std::size_t>(left_dim),
                                  static_cast<std::size_t>(right_dim));
    for (int i = 0; i <= left_dim; ++i) out[i] = left_data[i] + right_data[i];
  });
  PG_RETURN_ARRAYTYPE_P(result);
}

PGC_FUNCTION(embedding_avg)
Datum embedding_avg(PG_FUNCTION_ARGS) {
  const Datum result = finish(PG_GETARG_ARRAYTYPE_P(0), true);
  if (DatumGetPointer(result) == nullptr) PG_RETURN_NULL();
  return result;
}

PGC_FUNCTION(embedding_sum)
Datum embedding_sum(PG_FUNCTION_ARGS) {
  const Datum result = finish(PG_GETARG_ARRAYTYPE_P(0), false);
  if (DatumGetPointer(result) == nullptr) PG_RETURN_NULL();
  return result;
}
