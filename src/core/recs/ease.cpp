// EASE training (Gram matrix, in-place inverse, B from P) and dense scoring.
#include "core/recs/ease.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/recs/spd_inverse.h"

namespace commerce::recs {
namespace {

std::string megabytes(std::size_t bytes) {
  return std::to_string((bytes + (std::size_t{1} << 20) - 1) >> 20) + " MB";
}

void check_params(const SequenceSet &sequences, const EaseParams &params) {
  if (!(params.lambda > 0.0f) || !std::isfinite(params.lambda)) {
    throw Error(sqlstate::kInvalidParameterValue, "EASE lambda must be a positive number",
                "Pass a regularisation such as 50 (larger for denser data).",
                "got " + std::to_string(params.lambda));
  }
  const std::size_t needed = ease_bytes_needed(sequences.num_items());
  if (needed > params.max_bytes) {
    throw Error(sqlstate::kProgramLimitExceeded,
                "EASE needs " + megabytes(needed) + " for " +
                    std::to_string(sequences.num_items()) + " items, over the memory budget of " +
                    megabytes(params.max_bytes),
                "Raise the training memory budget, or train on fewer items (the most popular "
                "ones), or use the co-occurrence model, whose memory grows with the events.",
                "EASE holds a dense items x items float matrix");
  }
}

}  // namespace

std::size_t ease_bytes_needed(std::size_t num_items) {
  return sizeof(float) * (num_items * num_items + num_items * kPanel + 4 * num_items);
}

EaseModel train_ease(const SequenceSet &sequences, const EaseParams &params, CancelCheck &cancel) {
  check_params(sequences, params);
  const auto n = static_cast<Eigen::Index>(sequences.num_items());
  Eigen::MatrixXf m = Eigen::MatrixXf::Zero(n, n);
  std::vector<std::int32_t> items;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    const auto sequence = sequences[s];
    items.assign(sequence.begin(), sequence.end());
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    // Lower triangle only: items are sorted, so items[a] >= items[b] for a >= b.
    for (std::size_t a = 0; a < items.size(); ++a) {
      for (std::size_t b = 0; b <= a; ++b) m(items[a], items[b]) += 1.0f;
    }
    cancel.poll();
  }
  m.diagonal().array() += params.lambda;
  invert_spd_in_place(m, cancel);
  const Eigen::VectorXf diagonal = m.diagonal();
  for (Eigen::Index h = 0; h < n; ++h) {
    m.col(h) = -m.col(h).cwiseQuotient(diagonal);
    m(h, h) = 0.0f;
    cancel.poll();
  }
  return EaseModel(std::move(m));
}

void EaseModel::accumulate(std::span<const std::int32_t> history,
                           std::span<const float> history_weights, std::span<float> scores) const {
  Eigen::Map<Eigen::VectorXf> out(scores.data(), static_cast<Eigen::Index>(scores.size()));
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i] < 0 || history[i] >= weights_.cols()) continue;
    out.noalias() += history_weights[i] * weights_.col(history[i]);
  }
}

NeighborLists EaseModel::to_neighbors(std::size_t keep, CancelCheck &cancel) const {
  NeighborLists lists(num_items());
  std::vector<Neighbor> row;
  for (Eigen::Index h = 0; h < weights_.cols(); ++h) {
    row.clear();
    // Weights this far below the row's largest are rounding noise of an exact zero (float
    // inverse), not evidence: keeping them would pad short lists with arbitrary items.
    const float floor = 1e-5f * weights_.col(h).cwiseAbs().maxCoeff();
    for (Eigen::Index j = 0; j < weights_.rows(); ++j) {
      if (weights_(j, h) > floor) row.push_back({static_cast<std::int32_t>(j), weights_(j, h)});
    }
    lists.add_row(row, keep);
    cancel.poll();
  }
  return lists;
}

}  // namespace commerce::recs
