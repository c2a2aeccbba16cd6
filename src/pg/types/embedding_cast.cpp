// Casts between commerce.embedding and real[], double precision[] and integer[].
#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/vector/embedding.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
}

using commerce::Error;
using commerce::pg::EmbeddingDatum;
using commerce::pg::guarded;
namespace sqlstate = commerce::sqlstate;
namespace vector = commerce::vector;

// array_to_embedding(anyarray, typmod, explicit): one C function behind the three casts.
PGC_FUNCTION(array_to_embedding)
Datum array_to_embedding(PG_FUNCTION_ARGS) {
  ArrayType *array = PG_GETARG_ARRAYTYPE_P(0);
  const int32 typmod = PG_GETARG_INT32(1);
  const Oid element_type = ARR_ELEMTYPE(array);
  const int ndim = ARR_NDIM(array);
  const int count = ndim == 0 ? 0 : ArrayGetNItems(ndim, ARR_DIMS(array));
  const bool has_nulls = array_contains_nulls(array);
  const char *data = ARR_DATA_PTR(array);
  EmbeddingDatum *result = nullptr;
  guarded([&] {
    if (ndim > 1) {
      throw Error(sqlstate::kArraySubscriptError, "array must be one-dimensional",
                  "Cast one row of the array at a time, e.g. arr[1:1][:].",
                  "got " + std::to_string(ndim) + " dimensions");
    }
    if (has_nulls) {
      throw Error(sqlstate::kNullValueNotAllowed, "array must not contain nulls",
                  "Replace NULL elements (e.g. with 0) before casting.");
    }
    vector::check_dimension_count(static_cast<std::size_t>(count));
    commerce::pg::check_typmod(static_cast<std::size_t>(count), typmod);
    result = commerce::pg::new_embedding_or_throw(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      switch (element_type) {
        case FLOAT4OID:
          result->x[i] = vector::narrow_to_float4(reinterpret_cast<const float4 *>(data)[i], i);
          break;
        case FLOAT8OID:
          result->x[i] = vector::narrow_to_float4(reinterpret_cast<const float8 *>(data)[i], i);
          break;
        case INT4OID:
          result->x[i] = static_cast<float>(reinterpret_cast<const int32 *>(data)[i]);
          break;
        default:
          throw Error(sqlstate::kDataException, "unsupported array element type for embedding",
                      "Cast from real[], double precision[] or integer[].");
      }
    }
  });
  PG_RETURN_EMBEDDING_P(result);
}

PGC_FUNCTION(embedding_to_float4_array)
Datum embedding_to_float4_array(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  Datum *elements = static_cast<Datum *>(palloc(sizeof(Datum) * e->dim));
  for (int i = 0; i < e->dim; ++i) elements[i] = Float4GetDatum(e->x[i]);
  PG_RETURN_ARRAYTYPE_P(
      construct_array(elements, e->dim, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT));
}

PGC_FUNCTION(embedding_to_float8_array)
Datum embedding_to_float8_array(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  Datum *elements = static_cast<Datum *>(palloc(sizeof(Datum) * e->dim));
  for (int i = 0; i < e->dim; ++i) elements[i] = Float8GetDatum(static_cast<double>(e->x[i]));
  PG_RETURN_ARRAYTYPE_P(construct_array(elements, e->dim, FLOAT8OID, sizeof(float8),
                                        FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

// Rounds to the nearest integer, as float4 -> integer casts do.
PGC_FUNCTION(embedding_to_int4_array)
Datum embedding_to_int4_array(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  Datum *elements = static_cast<Datum *>(palloc(sizeof(Datum) * e->dim));
  guarded([&] {
    for (int i = 0; i < e->dim; ++i) {
      const double rounded = std::rint(static_cast<double>(e->x[i]));
      if (rounded < std::numeric_limits<int32>::min() ||
          rounded > std::numeric_limits<int32>::max()) {
        throw Error(sqlstate::kNumericValueOutOfRange, "integer out of range",
                    "Only embeddings whose elements fit in integer can be cast to integer[].",
                    "element " + std::to_string(i + 1));
      }
      elements[i] = Int32GetDatum(static_cast<int32>(rounded));
    }
  });
  PG_RETURN_ARRAYTYPE_P(
      construct_array(elements, e->dim, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}
