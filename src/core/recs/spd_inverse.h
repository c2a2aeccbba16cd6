// In-place inverse of a symmetric positive definite float matrix, the O(n^3) step of EASE.
//
// Eigen's llt.solve(Identity) costs about 2.3 n^3 flops because it treats the identity as a dense
// right-hand side. This file does what LAPACK's potrf + potri do: a blocked Cholesky factor
// (n^3/3), the inverse of the triangular factor (n^3/3) and the product L^-T L^-1 (n^3/3), each
// in place, so the whole inverse costs about n^3 flops and n^2 floats plus one n x kPanel scratch
// panel. Every step works in panels of kPanel columns and polls the CancelCheck between them, so
// a cancel is honoured within one panel's work (well under a second at n = 20,000).
#pragma once
#include "core/pure_cpp.h"

#include <Eigen/Dense>
#include <cstddef>

#include "core/cancel.h"

namespace commerce::recs {

inline constexpr std::size_t kPanel = 256;

// Replaces `m` (only its lower triangle is read) by its inverse, both triangles filled.
// Throws 22023 when `m` is not positive definite.
void invert_spd_in_place(Eigen::Ref<Eigen::MatrixXf> m, CancelCheck &cancel);

}  // namespace commerce::recs
