// BM25's two parameters and the IDF formula, shared by the index, the scorer and the SQL layer.
#pragma once
#include "core/pure_cpp.h"

#include <cmath>
#include <cstddef>

namespace commerce::text::bm25 {

struct Params {
  double k1 = 1.2;  // term-frequency saturation
  double b = 0.75;  // document-length normalisation
};

// Throws Error 22023 unless 0 <= k1 <= 100 and 0 <= b <= 1.
void check_params(const Params &params);

// Lucene's IDF, log(1 + (N - n + 0.5) / (n + 0.5)): always positive, so a term that occurs in
// most documents still adds a little instead of pushing the score below zero.
inline double idf(std::size_t documents, std::size_t containing) {
  const double n = static_cast<double>(containing);
  return std::log(1.0 + (static_cast<double>(documents) - n + 0.5) / (n + 0.5));
}

}  // namespace commerce::text::bm25
