// Text and binary input/output of commerce.embedding, its type modifier, and the length
// coercion that enforces embedding(n) on assignment.
#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/vector/embedding.h"
#include "pg/guard.h"
#include "pg/types/embedding.h"

extern "C" {
#include "libpq/pqformat.h"
#include "utils/array.h"
}

using commerce::pg::EmbeddingDatum;
using commerce::pg::guarded;
namespace vector = commerce::vector;

PGC_FUNCTION(embedding_in)
Datum embedding_in(PG_FUNCTION_ARGS) {
  const char *text = PG_GETARG_CSTRING(0);
  const int32 typmod = PG_GETARG_INT32(2);
  EmbeddingDatum *result = nullptr;
  guarded([&] {
    const std::vector<float> parsed = vector::parse_embedding_text(text);
    commerce::pg::check_typmod(parsed.size(), typmod);
    result = commerce::pg::new_embedding_or_throw(parsed.size());
    std::copy(parsed.begin(), parsed.end(), result->x);
  });
  PG_RETURN_EMBEDDING_P(result);
}

PGC_FUNCTION(embedding_out)
Datum embedding_out(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  char *result = nullptr;
  guarded([&] {
    const std::string text = vector::format_embedding_text(commerce::pg::values(e));
    result = static_cast<char *>(commerce::pg::palloc_or_throw(text.size() + 1));
    std::copy(text.begin(), text.end(), result);
  });
  PG_RETURN_CSTRING(result);
}

PGC_FUNCTION(embedding_typmod_in)
Datum embedding_typmod_in(PG_FUNCTION_ARGS) {
  ArrayType *array = PG_GETARG_ARRAYTYPE_P(0);
  int count = 0;
  const int32 *mods = ArrayGetIntegerTypmods(array, &count);
  guarded([&] {
    if (count != 1) {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                            "invalid type modifier for embedding",
                            "Write the number of dimensions, e.g. embedding(384).");
    }
    if (mods[0] < 1 || static_cast<std::size_t>(mods[0]) > vector::kMaxDimensions) {
      throw commerce::Error(commerce::sqlstate::kInvalidParameterValue,
                            "dimensions for type embedding must be between 1 and " +
                                std::to_string(vector::kMaxDimensions),
                            "Write the number of dimensions, e.g. embedding(384).",
                            "got " + std::to_string(mods[0]));
    }
  });
  PG_RETURN_INT32(mods[0]);
}

// Binary form: int16 dimension count, int16 reserved (0), then float4 elements (pgvector's).
PGC_FUNCTION(embedding_recv)
Datum embedding_recv(PG_FUNCTION_ARGS) {
  StringInfo buffer = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
  const int32 typmod = PG_GETARG_INT32(2);
  const int16 dim = static_cast<int16>(pq_getmsgint(buffer, sizeof(int16)));
  const int16 unused = static_cast<int16>(pq_getmsgint(buffer, sizeof(int16)));
  guarded([&] {
    if (dim < 1 || static_cast<std::size_t>(dim) > vector::kMaxDimensions || unused != 0) {
      throw commerce::Error(
          commerce::sqlstate::kInvalidBinaryRepresentation,
          "invalid binary data for type embedding",
          "The binary form is int16 dimensions, int16 zero, then float4s.",
          "dimensions " + std::to_string(dim) + ", reserved field " + std::to_string(unused));
    }
    commerce::pg::check_typmod(static_cast<std::size_t>(dim), typmod);
  });
  EmbeddingDatum *result = commerce::pg::new_embedding(dim);
  for (int i = 0; i < dim; ++i) result->x[i] = pq_getmsgfloat4(buffer);
  guarded([&] { vector::check_finite(commerce::pg::values(result)); });
  PG_RETURN_EMBEDDING_P(result);
}

PGC_FUNCTION(embedding_send)
Datum embedding_send(PG_FUNCTION_ARGS) {
  const EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  StringInfoData buffer;
  pq_begintypsend(&buffer);
  pq_sendint(&buffer, e->dim, sizeof(int16));
  pq_sendint(&buffer, 0, sizeof(int16));
  for (int i = 0; i < e->dim; ++i) pq_sendfloat4(&buffer, e->x[i]);
  PG_RETURN_BYTEA_P(pq_endtypsend(&buffer));
}

// Length coercion: the cast PostgreSQL applies when a value is stored into embedding(n).
PGC_FUNCTION(embedding_coerce)
Datum embedding_coerce(PG_FUNCTION_ARGS) {
  EmbeddingDatum *e = PG_GETARG_EMBEDDING_P(0);
  const int32 typmod = PG_GETARG_INT32(1);
  guarded([&] { commerce::pg::check_typmod(static_cast<std::size_t>(e->dim), typmod); });
  PG_RETURN_EMBEDDING_P(e);
}
