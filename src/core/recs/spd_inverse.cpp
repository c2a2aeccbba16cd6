// Blocked Cholesky, triangular inverse and L^-T L^-1, in place and in panels (see the header).
#include "core/recs/spd_inverse.h"

#include <algorithm>

#include "core/error.h"

namespace commerce::recs {
namespace {

using Matrix = Eigen::MatrixXf;
using Block = Eigen::Ref<Matrix>;
using Eigen::Index;

constexpr Index kPanelSize = static_cast<Index>(kPanel);
// Below this size the recursive steps switch to plain Eigen calls on the whole block.
constexpr Index kLeaf = 64;

// Right-looking blocked Cholesky: after the call the lower triangle of `a` holds L (A = L L^T).
void cholesky_in_place(Block a, CancelCheck &cancel) {
  const Index n = a.rows();
  for (Index k = 0; k < n; k += kPanelSize) {
    const Index b = std::min(kPanelSize, n - k);
    const Index rest = n - k - b;
    Block d = a.block(k, k, b, b);
    Eigen::LLT<Block, Eigen::Lower> diag(d);
    if (diag.info() != Eigen::Success) {
      throw Error(sqlstate::kInvalidParameterValue, "matrix is not positive definite",
                  "Use a larger regularisation (lambda > 0).");
    }
    if (rest > 0) {
      auto l11 = a.block(k, k, b, b).triangularView<Eigen::Lower>();
      auto a21 = a.block(k + b, k, rest, b);
      l11.transpose().solveInPlace<Eigen::OnTheRight>(a21);
      a.block(k + b, k + b, rest, rest).selfadjointView<Eigen::Lower>().rankUpdate(a21, -1.0f);
    }
    cancel.poll();
  }
}

// c <- c * t, with t lower triangular, one panel of rows of c at a time.
void multiply_right_lower(Block c, const Block &t, Matrix &scratch, CancelCheck &cancel) {
  for (Index r = 0; r < c.rows(); r += kPanelSize) {
    const Index b = std::min(kPanelSize, c.rows() - r);
    auto rows = c.middleRows(r, b);
    scratch.resize(b, c.cols());
    scratch.noalias() = rows * t.triangularView<Eigen::Lower>();
    rows = scratch;
    cancel.poll();
  }
}

// c <- scale * op(t) * c, with t lower triangular (op = transpose when `transposed`), one panel
// of columns of c at a time.
void multiply_left_lower(Block c, const Block &t, bool transposed, float scale, Matrix &scratch,
                         CancelCheck &cancel) {
  for (Index j = 0; j < c.cols(); j += kPanelSize) {
    const Index b = std::min(kPanelSize, c.cols() - j);
    auto cols = c.middleCols(j, b);
    scratch.resize(c.rows(), b);
    if (transposed) {
      scratch.noalias() = t.triangularView<Eigen::Lower>().transpose() * cols;
    } else {
      scratch.noalias() = t.triangularView<Eigen::Lower>() * cols;
    }
    cols = scale * scratch;
    cancel.poll();
  }
}

// Lower triangle of `l` <- its inverse. [A 0; C D]^-1 = [A^-1 0; -D^-1 C A^-1, D^-1].
void invert_lower_in_place(Block l, Matrix &scratch, CancelCheck &cancel) {
  const Index n = l.rows();
  if (n <= kLeaf) {
    const Matrix inverse = l.triangularView<Eigen::Lower>().solve(Matrix::Identity(n, n));
    l.triangularView<Eigen::Lower>() = inverse;
    return;
  }
  const Index n1 = n / 2;
  const Index n2 = n - n1;
  invert_lower_in_place(l.topLeftCorner(n1, n1), scratch, cancel);
  invert_lower_in_place(l.bottomRightCorner(n2, n2), scratch, cancel);
  multiply_right_lower(l.bottomLeftCorner(n2, n1), l.topLeftCorner(n1, n1), scratch, cancel);
  multiply_left_lower(l.bottomLeftCorner(n2, n1), l.bottomRightCorner(n2, n2), false, -1.0f,
                      scratch, cancel);
}

// Lower triangle of `l` <- lower triangle of L^T L. With L = [A 0; C D]:
// L^T L = [A^T A + C^T C, C^T D; D^T C, D^T D]; the order below reads each block before it is
// overwritten.
void lower_gram_in_place(Block l, Matrix &scratch, CancelCheck &cancel) {
  const Index n = l.rows();
  if (n <= kLeaf) {
    const Matrix lower = l.triangularView<Eigen::Lower>();
    const Matrix product = lower.transpose() * lower;
    l.triangularView<Eigen::Lower>() = product;
    return;
  }
  const Index n1 = n / 2;
  const Index n2 = n - n1;
  auto a = l.topLeftCorner(n1, n1);
  auto c = l.bottomLeftCorner(n2, n1);
  lower_gram_in_place(a, scratch, cancel);
  for (Index r = 0; r < n2; r += kPanelSize) {
    const Index b = std::min(kPanelSize, n2 - r);
    a.selfadjointView<Eigen::Lower>().rankUpdate(c.middleRows(r, b).transpose(), 1.0f);
    cancel.poll();
  }
  multiply_left_lower(c, l.bottomRightCorner(n2, n2), true, 1.0f, scratch, cancel);
  lower_gram_in_place(l.bottomRightCorner(n2, n2), scratch, cancel);
}

}  // namespace

void invert_spd_in_place(Eigen::Ref<Eigen::MatrixXf> m, CancelCheck &cancel) {
  const Index n = m.rows();
  if (n != m.cols()) {
    throw Error(sqlstate::kInvalidParameterValue, "matrix to invert is not square",
                "Pass an n x n matrix.");
  }
  Matrix scratch;
  cholesky_in_place(m, cancel);
  invert_lower_in_place(m, scratch, cancel);
  lower_gram_in_place(m, scratch, cancel);
  for (Index j = 1; j < n; ++j) {
    for (Index i = 0; i < j; ++i) m(i, j) = m(j, i);
  }
}

}  // namespace commerce::recs
