// EASE (Steck, WWW 2019): the closed-form item-item linear model
//   B = I - P diag(1 / diag(P)),  P = (X^T X + lambda I)^-1,  diag(B) = 0,
// where X is the binary user x item matrix. Training is one dense n x n inverse, so memory is
// n^2 floats and time about n^3 flops: both are checked against a byte budget before anything is
// allocated, and an item count over the budget is a clear 54000 error, not an out-of-memory kill.
#pragma once
#include "core/pure_cpp.h"

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/cancel.h"
#include "core/recs/neighbors.h"
#include "core/recs/sequences.h"

namespace commerce::recs {

struct EaseParams {
  float lambda = 50.0f;
  std::size_t max_bytes = std::size_t{1} << 30;
};

// Peak bytes train_ease allocates for `num_items` items (the matrix and one scratch panel).
std::size_t ease_bytes_needed(std::size_t num_items);

class EaseModel {
 public:
  EaseModel() = default;
  explicit EaseModel(Eigen::MatrixXf weights) : weights_(std::move(weights)) {}

  std::size_t num_items() const noexcept { return static_cast<std::size_t>(weights_.cols()); }

  // scores += sum over i of history_weights[i] * B(history[i], :).
  void accumulate(std::span<const std::int32_t> history, std::span<const float> history_weights,
                  std::span<float> scores) const;

  // B(i, j) for the serving path: each item's `keep` largest positive weights.
  NeighborLists to_neighbors(std::size_t keep, CancelCheck &cancel) const;

  // Column h holds row h of B (B is not symmetric; this layout makes scoring read contiguously).
  const Eigen::MatrixXf &weights() const noexcept { return weights_; }

 private:
  Eigen::MatrixXf weights_;
};

// Trains on the set of items in each sequence (order and repeats ignored). Throws 22023 for a
// lambda that is not positive and finite, 54000 when ease_bytes_needed exceeds max_bytes.
EaseModel train_ease(const SequenceSet &sequences, const EaseParams &params, CancelCheck &cancel);

}  // namespace commerce::recs
