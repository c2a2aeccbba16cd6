#include "core/vector/hnsw/params.h"

#include <string>

#include "core/error.h"

namespace commerce::vector::hnsw {

void validate(const Params &params) {
  if (params.m < kMinM || params.m > kMaxM) {
    throw Error(sqlstate::kInvalidParameterValue,
                "m must be between " + std::to_string(kMinM) + " and " + std::to_string(kMaxM),
                "Use m = 16 unless recall is too low; larger m costs memory and build time.",
                "got " + std::to_string(params.m));
  }
  if (params.ef_construction < kMinEfConstruction || params.ef_construction > kMaxEfConstruction) {
    throw Error(sqlstate::kInvalidParameterValue,
                "ef_construction must be between " + std::to_string(kMinEfConstruction) + " and " +
                    std::to_string(kMaxEfConstruction),
                "Use ef_construction = 64; raise it for better recall at the cost of build time.",
                "got " + std::to_string(params.ef_construction));
  }
  if (params.ef_construction < 2 * params.m) {
    throw Error(sqlstate::kInvalidParameterValue, "ef_construction must be at least twice m",
                "Raise ef_construction to " + std::to_string(2 * params.m) + " or lower m.",
                "m " + std::to_string(params.m) + ", ef_construction " +
                    std::to_string(params.ef_construction));
  }
}

}  // namespace commerce::vector::hnsw
