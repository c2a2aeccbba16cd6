// Validation of BM25 parameters.
#include "core/text/bm25/params.h"

#include <string>

#include "core/error.h"

namespace commerce::text::bm25 {

void check_params(const Params &params) {
  if (!(params.k1 >= 0.0 && params.k1 <= 100.0)) {
    throw Error(sqlstate::kInvalidParameterValue, "k1 must be between 0 and 100",
                "Use k1 = 1.2 unless relevance tests show a better value.",
                "got " + std::to_string(params.k1));
  }
  if (!(params.b >= 0.0 && params.b <= 1.0)) {
    throw Error(sqlstate::kInvalidParameterValue, "b must be between 0 and 1",
                "Use b = 0.75; 0 turns length normalisation off, 1 applies it fully.",
                "got " + std::to_string(params.b));
  }
}

}  // namespace commerce::text::bm25
