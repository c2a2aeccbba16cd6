// Blending of the history signals and the top-k selection with history masking.
#include "core/recs/scoring.h"

#include <algorithm>

#include "core/recs/sequences.h"

namespace commerce::recs {
namespace {

void add_scaled(std::span<float> source, float weight, std::span<float> scores) {
  scale_to_unit_max(source);
  for (std::size_t j = 0; j < scores.size(); ++j) scores[j] += weight * source[j];
}

}  // namespace

void scale_to_unit_max(std::span<float> scores) {
  float top = 0.0f;
  for (const float s : scores) top = std::max(top, s);
  if (!(top > 0.0f)) return;
  const float inverse = 1.0f / top;
  for (float &s : scores) s *= inverse;
}

void score_history(const ScoringSources &sources, const ScoringParams &params,
                   std::span<const std::int32_t> history, std::span<float> scores,
                   ScoringScratch &scratch) {
  std::fill(scores.begin(), scores.end(), 0.0f);
  scratch.source.resize(scores.size());
  std::span<float> source(scratch.source);
  const auto reset = [&] { std::fill(source.begin(), source.end(), 0.0f); };

  scratch.weights = recency_weights(history.size(), params.history_decay);
  if (params.collaborative_weight != 0.0f && (sources.ease_dense || sources.collaborative)) {
    reset();
    if (sources.ease_dense) {
      sources.ease_dense->accumulate(history, scratch.weights, source);
    } else {
      sources.collaborative->accumulate(history, scratch.weights, source);
    }
    add_scaled(source, params.collaborative_weight, scores);
  }
  if (params.cooccurrence_weight != 0.0f && sources.cooccurrence) {
    reset();
    sources.cooccurrence->accumulate(history, scratch.weights, source);
    add_scaled(source, params.cooccurrence_weight, scores);
  }
  if (params.transition_weight != 0.0f && sources.transitions && !history.empty()) {
    const std::size_t depth = std::min(params.transition_depth, history.size());
    const auto newest = history.subspan(history.size() - depth);
    const auto weights = recency_weights(depth, params.transition_decay);
    reset();
    sources.transitions->accumulate(newest, weights, source);
    add_scaled(source, params.transition_weight, scores);
  }
  if (params.popularity_weight != 0.0f && sources.popularity.size() == scores.size()) {
    std::copy(sources.popularity.begin(), sources.popularity.end(), source.begin());
    add_scaled(source, params.popularity_weight, scores);
  }
}

std::vector<Scored> top_k(std::span<const float> scores, std::size_t k,
                          std::span<const std::int32_t> exclude) {
  std::vector<std::int32_t> excluded(exclude.begin(), exclude.end());
  std::sort(excluded.begin(), excluded.end());
  const auto better = [](const Scored &a, const Scored &b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  // A bounded min-heap of the best k so far (front = worst kept).
  std::vector<Scored> heap;
  heap.reserve(k + 1);
  if (k == 0) return heap;
  for (std::size_t j = 0; j < scores.size(); ++j) {
    const Scored candidate{static_cast<std::int32_t>(j), scores[j]};
    if (candidate.score != candidate.score) continue;  // NaN never ranks
    if (heap.size() == k && !better(candidate, heap.front())) continue;
    if (std::binary_search(excluded.begin(), excluded.end(), candidate.item)) continue;
    heap.push_back(candidate);
    std::push_heap(heap.begin(), heap.end(), better);
    if (heap.size() > k) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.pop_back();
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

}  // namespace commerce::recs
