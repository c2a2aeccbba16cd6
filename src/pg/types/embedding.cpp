// Allocation and typmod rules shared by every embedding function.
#include <string>

#include "core/error.h"
#include "core/vector/embedding.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

namespace commerce::pg {

EmbeddingDatum *new_embedding_or_throw(std::size_t dim) {
  vector::check_dimension_count(dim);
  auto *e = static_cast<EmbeddingDatum *>(palloc_or_throw(embedding_size(static_cast<int>(dim))));
  SET_VARSIZE(e, embedding_size(static_cast<int>(dim)));
  e->dim = static_cast<int16>(dim);
  return e;
}

EmbeddingDatum *new_embedding(int dim) {
  auto *e = static_cast<EmbeddingDatum *>(palloc0(embedding_size(dim)));
  SET_VARSIZE(e, embedding_size(dim));
  e->dim = static_cast<int16>(dim);
  return e;
}

void check_typmod(std::size_t dims, int32 typmod) {
  if (typmod != -1 && dims != static_cast<std::size_t>(typmod)) {
    throw Error(sqlstate::kStringDataLengthMismatch,
                "expected " + std::to_string(typmod) + " dimensions, not " + std::to_string(dims),
                "The type is embedding(" + std::to_string(typmod) + "): use vectors with exactly " +
                    std::to_string(typmod) + " dimensions.");
  }
}

}  // namespace commerce::pg
