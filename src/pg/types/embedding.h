// The on-disk and in-memory layout of commerce.embedding, and the helpers that every function
// taking or returning one uses. The layout matches pgvector's `vector` (header, int16 dimension
// count, int16 reserved, float4 elements), so a value moves between the two with a text cast.
#pragma once

#include <cstddef>
#include <span>

#include "pg/pg_headers.h"

namespace commerce::pg {

struct EmbeddingDatum {
  int32 vl_len_;  // varlena header: never touch directly
  int16 dim;      // number of elements, 1..kMaxDimensions
  int16 unused;   // reserved, always 0
  float4 x[FLEXIBLE_ARRAY_MEMBER];
};

inline Size embedding_size(int dim) {
  return offsetof(EmbeddingDatum, x) + sizeof(float4) * dim;
}

inline std::span<const float> values(const EmbeddingDatum *e) {
  return {e->x, static_cast<std::size_t>(e->dim)};
}
inline std::span<float> values(EmbeddingDatum *e) {
  return {e->x, static_cast<std::size_t>(e->dim)};
}

// Allocates a zeroed embedding of `dim` elements in CurrentMemoryContext. The _or_throw variant
// is for guarded regions; new_embedding is for plain PostgreSQL code.
EmbeddingDatum *new_embedding_or_throw(std::size_t dim);
EmbeddingDatum *new_embedding(int dim);

// Throws 22026 when a value's dimension count does not match the column's typmod (-1 = any).
void check_typmod(std::size_t dims, int32 typmod);

}  // namespace commerce::pg

#define DatumGetEmbeddingP(d) \
  (reinterpret_cast<commerce::pg::EmbeddingDatum *>(PG_DETOAST_DATUM(d)))
#define PG_GETARG_EMBEDDING_P(n) DatumGetEmbeddingP(PG_GETARG_DATUM(n))
#define PG_RETURN_EMBEDDING_P(e) PG_RETURN_POINTER(e)
