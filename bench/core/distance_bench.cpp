// Throughput of the distance kernels against a plain scalar loop, in the same run.
// Reports bytes read per second (two float32 vectors per call) for common embedding sizes.
#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/vector/distance.h"

namespace {

using commerce::vector::cosine_distance;
using commerce::vector::inner_product;
using commerce::vector::l2_squared_distance;

struct Pair {
  std::vector<float> a, b;
  explicit Pair(std::size_t n) : a(n), b(n) {
    std::mt19937 rng(42);
    std::normal_distribution<float> normal;
    for (std::size_t i = 0; i < n; ++i) a[i] = normal(rng), b[i] = normal(rng);
  }
};

// The baseline: what a straightforward loop compiles to. Without reassociation the compiler
// must add in order, so this stays scalar even at -O2/-O3.
float scalar_l2_squared(const float *a, const float *b, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

float scalar_inner_product(const float *a, const float *b, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// The alternative we measured against: Eigen maps. Eigen vectorises with the ISA the file is
// compiled for (baseline SSE2 in a portable Debian build) and has no runtime dispatch.
float eigen_l2_squared(const float *a, const float *b, std::size_t n) {
  const Eigen::Map<const Eigen::VectorXf> x(a, static_cast<Eigen::Index>(n)),
      y(b, static_cast<Eigen::Index>(n));
  return (x - y).squaredNorm();
}

float eigen_inner_product(const float *a, const float *b, std::size_t n) {
  const Eigen::Map<const Eigen::VectorXf> x(a, static_cast<Eigen::Index>(n)),
      y(b, static_cast<Eigen::Index>(n));
  return x.dot(y);
}

template <typename Kernel>
void run(benchmark::State &state, Kernel kernel) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Pair p(n);
  for (auto _ : state) benchmark::DoNotOptimize(kernel(p.a.data(), p.b.data(), n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(2 * n * sizeof(float)));
}

void BM_L2Squared_Simd(benchmark::State &s) {
  run(s, l2_squared_distance);
}
void BM_L2Squared_Scalar(benchmark::State &s) {
  run(s, scalar_l2_squared);
}
void BM_L2Squared_Eigen(benchmark::State &s) {
  run(s, eigen_l2_squared);
}
void BM_InnerProduct_Eigen(benchmark::State &s) {
  run(s, eigen_inner_product);
}
void BM_InnerProduct_Simd(benchmark::State &s) {
  run(s, inner_product);
}
void BM_InnerProduct_Scalar(benchmark::State &s) {
  run(s, scalar_inner_product);
}
void BM_Cosine_Simd(benchmark::State &s) {
  run(s, cosine_distance);
}
void BM_Cosine_Reference(benchmark::State &s) {
  run(s, commerce::vector::reference::cosine_distance);
}

#define SIZES ->Arg(128)->Arg(384)->Arg(768)->Arg(1536)
BENCHMARK(BM_L2Squared_Simd) SIZES;
BENCHMARK(BM_L2Squared_Scalar) SIZES;
BENCHMARK(BM_L2Squared_Eigen) SIZES;
BENCHMARK(BM_InnerProduct_Simd) SIZES;
BENCHMARK(BM_InnerProduct_Eigen) SIZES;
BENCHMARK(BM_InnerProduct_Scalar) SIZES;
BENCHMARK(BM_Cosine_Simd) SIZES;
BENCHMARK(BM_Cosine_Reference) SIZES;

}  // namespace

BENCHMARK_MAIN();
