// MMR re-ranking; O(k x candidates) similarity calls, each candidate's largest similarity to the
// picked set updated incrementally as items are picked.
#include "core/recs/diversify.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace commerce::recs {

std::vector<Scored> diversify_mmr(
    std::span<const Scored> candidates, std::size_t k, float lambda,
    const std::function<float(std::size_t, std::size_t)> &similarity) {
  if (!(lambda >= 0.0f && lambda <= 1.0f)) {
    throw Error(sqlstate::kInvalidParameterValue, "diversity lambda must be between 0 and 1",
                "Use 1 for no diversification, about 0.7 for some, 0 for the most.");
  }
  float best = 0.0f;
  for (const Scored &c : candidates) best = std::max(best, std::fabs(c.score));
  const float scale = best > 0.0f ? 1.0f / best : 1.0f;
  std::vector<float> max_similarity(candidates.size(), 0.0f);
  std::vector<char> picked(candidates.size(), 0);
  std::vector<Scored> result;
  const std::size_t wanted = std::min(k, candidates.size());
  while (result.size() < wanted) {
    std::size_t choice = candidates.size();
    float choice_value = -std::numeric_limits<float>::infinity();
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      if (picked[c]) continue;
      const float value =
          lambda * candidates[c].score * scale - (1.0f - lambda) * max_similarity[c];
      if (value > choice_value) choice = c, choice_value = value;
    }
    if (choice == candidates.size()) break;  // only NaN scores remain
    picked[choice] = 1;
    result.push_back(candidates[choice]);
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      if (!picked[c]) max_similarity[c] = std::max(max_similarity[c], similarity(c, choice));
    }
  }
  return result;
}

}  // namespace commerce::recs
