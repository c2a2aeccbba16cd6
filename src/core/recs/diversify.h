// Maximal marginal relevance (Carbonell & Goldstein 1998) over a ranked candidate list: picks,
// one at a time, the candidate maximising
//   lambda * relevance - (1 - lambda) * (largest similarity to anything already picked),
// where relevance is the candidate's score divided by the best score (so lambda means the same
// whatever the score scale). lambda = 1 keeps the input order; lower values trade relevance for
// variety. The similarity is a callback so the caller decides what "alike" means (same
// category, co-occurrence cosine, embedding distance).
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "core/recs/scoring.h"

namespace commerce::recs {

// similarity(a, b) receives indices into `candidates` and should return a value in [0, 1].
// Throws 22023 for lambda outside [0, 1].
std::vector<Scored> diversify_mmr(std::span<const Scored> candidates, std::size_t k, float lambda,
                                  const std::function<float(std::size_t, std::size_t)> &similarity);

}  // namespace commerce::recs
