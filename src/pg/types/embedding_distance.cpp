// Distances, norms and element-wise arithmetic on commerce.embedding: the functions behind the
// operators <->, <=>, <#>, <+>, +, - and *. The kernels live in src/core/vector/distance.cpp.
#include <cmath>

#include "core/vector/distance.h"
#include "core/vector/embedding.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

using commerce::pg::EmbeddingDatum;
using commerce::pg::guarded;
namespace vector = commerce::vector;

namespace {

// Reads two embedding arguments and checks that they have the same length.
struct Operands {
  const EmbeddingDatum *a;
  const EmbeddingDatum *b;
  std::size_t n;
};

Operands operands(FunctionCallInfo fcinfo) {
  Operands o{PG_GETARG_EMBEDDING_P(0), PG_GETARG_EMBEDDING_P(1), 0};
  guarded([&] { vector::check_same_dimensions(o.a->dim, o.b->dim); });
  o.n = static_cast<std::size_t>(o.a->dim);
  return o;
}

template <typename Op>
Datum elementwise(FunctionCallInfo fcinfo, Op op) {
  const Operands o = operands(fcinfo);
  EmbeddingDatum *result = commerce::pg::new_embedding(o.a->dim);
  guarded([&] {
    op(commerce::pg::values(o.a), commerce::pg::values(o.b), commerce::pg::values(result));
  });
  PG_RETURN_EMBEDDING_P(result);
}

}  // namespace

PGC_FUNCTION(embedding_l2_distance)
Datum embedding_l2_distance(PG_FUNCTION_ARGS) {
  const Operands o = operands(fcinfo);
  PG_RETURN_FLOAT8(
      std::sqrt(static_cast<double>(vector::l2_squared_distance(o.a->x, o.b->x, o.n))));
}

PGC_FUNCTION(embedding_l2_squared_distance)
Datum embedding_l2_squared_distance(PG_FUNCTION_ARGS) {
  const Operands o = operands(fcinfo);
  PG_RETURN_FLOAT8(static_cast<double>(vector::l2_squared_distance(o.a->x, o.b->x, o.n)));
}

PGC_FUNCTION(embedding_inner_product)
Datum embedding_inner_product(PG_FUNCTION_ARGS) {
  const Operands o = operands(fcinfo);
  PG_RETURN_FLOAT8(static_cast<double>(vector::inner_product(o.a->x, o.b->x, o.n)));
}

PGC_FUNCTION(embedding_negative_inner_product)
Datum embedding_negative_inner_product(PG_FUNCTION_ARGS) {
  const Operands o = operands(fcinfo);
  PG_RETURN_FLOAT8(-static_cast<double>(vector::inner_product(o.a->x, o.b->x, o.n)));
}

PGC_FUNCTION(embedding_cosine_distance)
Datum embedding_cosine_distance(PG_FUNCTION_ARGS) {
  const Operands o = operands(fcinfo);
  PG_RETURN_FLOAT8(vector::cosine_distance(o.a->x, o.b->x, o.n));
}

PGC_FUNCTION(embedding_l1_distance)
Datum embedding_l1_distance(PG_FUNCTION_ARGS) {
  const Operands o = operands(fcinfo);
  PG_RETURN_FLOAT8(static_cast<double>(vector::l1_distance(o.a->x, o.b->x, o.n)));
}

PGC_FUNCTION(embedding_dims)
Datum embedding_dims(PG_FUNCTION_ARGS) {
  PG_RETURN_INT32(PG_GETARG_EMBEDDING_P(0)->dim);
}

PGC_FUNCTION(embedding_norm)
Datum embedding_norm(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  PG_RETURN_FLOAT8(vector::norm(e->x, static_cast<std::size_t>(e->dim)));
}

PGC_FUNCTION(embedding_l2_normalize)
Datum embedding_l2_normalize(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  EmbeddingDatum *result = commerce::pg::new_embedding(e->dim);
  guarded([&] { vector::l2_normalize(commerce::pg::values(e), commerce::pg::values(result)); });
  PG_RETURN_EMBEDDING_P(result);
}

PGC_FUNCTION(embedding_add)
Datum embedding_add(PG_FUNCTION_ARGS) {
  return elementwise(fcinfo, vector::add);
}

PGC_FUNCTION(embedding_subtract)
Datum embedding_subtract(PG_FUNCTION_ARGS) {
  return elementwise(fcinfo, vector::subtract);
}

PGC_FUNCTION(embedding_multiply)
Datum embedding_multiply(PG_FUNCTION_ARGS) {
  return elementwise(fcinfo, vector::multiply);
}
