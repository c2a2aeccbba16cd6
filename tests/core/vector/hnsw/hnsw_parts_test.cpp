// Units for the small parts of HNSW: level assignment, the neighbour-selection heuristic, the
// visited sets and the graph's distance kernels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/vector/distance.h"
#include "core/vector/hnsw/flat_map.h"
#include "core/vector/hnsw/level.h"
#include "core/vector/hnsw/metric.h"
#include "core/vector/hnsw/neighbor_selection.h"
#include "core/vector/hnsw/params.h"
#include "core/vector/hnsw/visited.h"
#include "pg/am/hnsw_visited.h"

namespace commerce::vector::hnsw {
namespace {

TEST(HnswLevel, DeterministicAndGeometric) {
  EXPECT_EQ(assign_level(1, 12345, 16), assign_level(1, 12345, 16));
  const int n = 200000;
  int level0 = 0, level1 = 0, max_level = 0;
  for (int i = 0; i < n; ++i) {
    const int l = assign_level(42, static_cast<std::uint64_t>(i), 16);
    level0 += l == 0;
    level1 += l == 1;
    max_level = std::max(max_level, l);
  }
  // P(level >= 1) = 1/m, P(level >= 2) = 1/m^2.
  EXPECT_NEAR(static_cast<double>(level0) / n, 15.0 / 16.0, 0.005);
  EXPECT_NEAR(static_cast<double>(level1) / n, 15.0 / 256.0, 0.003);
  EXPECT_GE(max_level, 3);
  EXPECT_LE(max_level, kMaxLevel);
}

struct Point {
  double x, y;
};

// Base at the origin. b sits right behind a (closer to a than to the base), so the heuristic
// drops it; c points the other way and is kept though it is farther than b.
TEST(HnswNeighborSelection, KeepsDiverseDirections) {
  const std::vector<Point> p = {{1.0, 0.0}, {1.2, 0.1}, {0.0, -1.5}, {-2.0, 0.0}};
  auto dist = [&](NodeId a, NodeId b) {
    return static_cast<float>(std::hypot(p[a].x - p[b].x, p[a].y - p[b].y));
  };
  std::vector<Candidate> sorted;
  for (NodeId i = 0; i < p.size(); ++i)
    sorted.push_back({static_cast<float>(std::hypot(p[i].x, p[i].y)), i});
  std::vector<Candidate> out;
  select_neighbors(sorted, 3, dist, false, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].id, 0u);
  EXPECT_EQ(out[1].id, 2u);
  EXPECT_EQ(out[2].id, 3u);

  // A limit of 2 stops after the first two kept.
  select_neighbors(sorted, 2, dist, false, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].id, 2u);

  // keep_pruned fills the free slot with the rejected b, and the result stays sorted; the
  // diverse output holds only what the heuristic kept.
  std::vector<Candidate> diverse;
  select_neighbors(sorted, 4, dist, true, out, &diverse);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].id, 1u);
  EXPECT_TRUE(std::is_sorted(out.begin(), out.end(), Nearer{}));
  ASSERT_EQ(diverse.size(), 3u);
  EXPECT_EQ(diverse[0].id, 0u);
  EXPECT_EQ(diverse[1].id, 2u);
  EXPECT_EQ(diverse[2].id, 3u);
}

// The index scan's bitmap (src/pg/am/hnsw_visited.h, pure C++) behaves as a set for every id,
// including those outside its range: offset 0, offsets beyond a page's capacity, and blocks
// added after the scan started (these go to its hash set).
TEST(HnswVisited, ScanBitmapAgreesWithHash) {
  commerce::pg::hnsw::ScanVisited bitmap(/*blocks=*/10, /*per_block=*/11);
  HashVisited hash;
  hash.reset(64);
  std::mt19937 rng(3);
  std::uniform_int_distribution<NodeId> block(0, 13), offset(0, 14);
  for (int i = 0; i < 2000; ++i) {
    const NodeId id = (block(rng) << 16) | offset(rng);
    ASSERT_EQ(bitmap.insert(id), hash.insert(id))
        << "block " << (id >> 16) << " offset " << (id & 0xffff);
  }
}

TEST(HnswVisited, DenseAndHashAgree) {
  DenseVisited dense;
  HashVisited hash;
  for (int round = 0; round < 3; ++round) {
    dense.reset(100);
    hash.reset(100);
    for (NodeId id : {5u, 7u, 5u, 99u, 7u}) EXPECT_EQ(dense.insert(id), hash.insert(id));
    EXPECT_EQ(hash.size(), 3u);
  }
}

}  // namespace
}  // namespace commerce::vector::hnsw

namespace commerce::vector::hnsw {
namespace {

// Grows past its initial size and keeps every entry, including id 0 and large block/offset ids.
TEST(HnswFlatMap, InsertFindAndGrow) {
  FlatMap<int> map(4);
  for (NodeId i = 0; i < 5000; ++i) {
    bool inserted = false;
    map.emplace(i * 65537, inserted) = static_cast<int>(i);
    EXPECT_TRUE(inserted);
  }
  EXPECT_EQ(map.size(), 5000u);
  for (NodeId i = 0; i < 5000; ++i) {
    const int *v = map.find(i * 65537);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(*v, static_cast<int>(i));
  }
  EXPECT_EQ(map.find(3), nullptr);
  bool inserted = true;
  EXPECT_EQ(map.emplace(65537, inserted), 1);
  EXPECT_FALSE(inserted);
  map.clear(10);
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.find(0), nullptr);
}

// graph_distance (its own AVX-512 kernels where the CPU has them) against the double-precision
// references, for every length up to 70 (main loop, the 16-wide step and the scalar tail) and
// the benchmarks' 128 and 784.
TEST(HnswMetric, GraphDistanceMatchesReference) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::size_t> lengths{128, 784};
  for (std::size_t n = 1; n <= 70; ++n) lengths.push_back(n);
  for (std::size_t n : lengths) {
    std::vector<float> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = normal(rng);
      b[i] = normal(rng);
    }
    const double l2 = reference::l2_squared_distance(a.data(), b.data(), n);
    const double dot = reference::inner_product(a.data(), b.data(), n);
    const double tolerance = 1e-5 * static_cast<double>(n);
    EXPECT_NEAR(graph_distance(Metric::kL2, a.data(), b.data(), n), l2, tolerance) << n;
    EXPECT_NEAR(graph_distance(Metric::kInnerProduct, a.data(), b.data(), n), -dot, tolerance) << n;
    EXPECT_NEAR(graph_distance(Metric::kCosine, a.data(), b.data(), n), 1.0 - dot, tolerance) << n;
  }
}

}  // namespace
}  // namespace commerce::vector::hnsw
