// Total order on commerce.embedding (element by element, then shorter first), so that values
// work with DISTINCT, GROUP BY, UNION, ORDER BY e and a btree index. It says nothing about
// similarity: use the distance operators for that.
#include <algorithm>

#include "pg/pg_headers.h"
#include "pg/types/embedding.h"

using commerce::pg::EmbeddingDatum;

namespace {

int compare(FunctionCallInfo fcinfo) {
  const EmbeddingDatum *a = PG_GETARG_EMBEDDING_P(0);
  const EmbeddingDatum *b = PG_GETARG_EMBEDDING_P(1);
  const int common = std::min(a->dim, b->dim);
  for (int i = 0; i < common; ++i) {
    if (a->x[i] < b->x[i]) return -1;
    if (a->x[i] > b->x[i]) return 1;
  }
  return (a->dim > b->dim) - (a->dim < b->dim);
}

}  // namespace

PGC_FUNCTION(embedding_cmp)
Datum embedding_cmp(PG_FUNCTION_ARGS) {
  PG_RETURN_INT32(compare(fcinfo));
}

PGC_FUNCTION(embedding_lt)
Datum embedding_lt(PG_FUNCTION_ARGS) {
  PG_RETURN_BOOL(compare(fcinfo) < 0);
}

PGC_FUNCTION(embedding_le)
Datum embedding_le(PG_FUNCTION_ARGS) {
  PG_RETURN_BOOL(compare(fcinfo) <= 0);
}

PGC_FUNCTION(embedding_eq)
Datum embedding_eq(PG_FUNCTION_ARGS) {
  PG_RETURN_BOOL(compare(fcinfo) == 0);
}

PGC_FUNCTION(embedding_ne)
Datum embedding_ne(PG_FUNCTION_ARGS) {
  PG_RETURN_BOOL(compare(fcinfo) != 0);
}

PGC_FUNCTION(embedding_ge)
Datum embedding_ge(PG_FUNCTION_ARGS) {
  PG_RETURN_BOOL(compare(fcinfo) >= 0);
}

PGC_FUNCTION(embedding_gt)
Datum embedding_gt(PG_FUNCTION_ARGS) {
  PG_RETURN_BOOL(compare(fcinfo) > 0);
}
