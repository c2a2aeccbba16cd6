// Units for the in-memory HNSW graph and the shared search code: recall against brute force,
// connectivity, determinism, the resumable search behind filtered index scans, and cancellation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/vector/hnsw/memory_graph.h"
#include "core/vector/hnsw/search.h"

namespace commerce::vector::hnsw {
namespace {

std::vector<float> random_data(std::size_t rows, std::size_t dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> data(rows * dims);
  for (float &x : data) x = normal(rng);
  return data;
}

MemoryGraph build(const std::vector<float> &data, std::size_t dims, Metric metric,
                  Params params = {}) {
  MemoryGraph graph(dims, metric, params);
  CancelCheck never;
  for (std::size_t i = 0; i < data.size() / dims; ++i) {
    graph.insert({&data[i * dims], dims}, never);
  }
  return graph;
}

// Exact top-k node ids under the graph's own metric.
std::vector<NodeId> exact(const MemoryGraph &graph, const float *query, std::size_t k) {
  std::vector<float> q(graph.dims());
  prepare_vector(graph.metric(), {query, graph.dims()}, q);
  std::vector<Candidate> all;
  for (NodeId i = 0; i < graph.size(); ++i)
    all.push_back({graph.distance(q.data(), graph.vector(i)), i});
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), Nearer{});
  std::vector<NodeId> ids;
  for (std::size_t i = 0; i < k; ++i) ids.push_back(all[i].id);
  return ids;
}

// How many nodes a walk along layer-0 links from the entry point reaches (the entry included).
std::size_t reachable_on_layer_zero(const MemoryGraph &graph) {
  std::vector<bool> seen(graph.size(), false);
  std::vector<NodeId> stack{*graph.entry_point()};
  seen[*graph.entry_point()] = true;
  std::size_t reached = 1;
  while (!stack.empty()) {
    const NodeId id = stack.back();
    stack.pop_back();
    graph.for_each_neighbor(id, 0, [&](NodeId n) {
      if (!seen[n]) {
        seen[n] = true;
        ++reached;
        stack.push_back(n);
      }
    });
  }
  return reached;
}

double recall_at_10(MemoryGraph &graph, const std::vector<float> &queries, std::size_t ef) {
  const std::size_t dims = graph.dims();
  CancelCheck never;
  std::size_t hits = 0, total = 0;
  for (std::size_t q = 0; q < queries.size() / dims; ++q) {
    const float *query = &queries[q * dims];
    const std::vector<NodeId> truth = exact(graph, query, 10);
    const std::vector<Candidate> found = graph.search({query, dims}, 10, ef, never);
    for (const Candidate &c : found) hits += std::count(truth.begin(), truth.end(), c.id);
    total += truth.size();
  }
  return static_cast<double>(hits) / static_cast<double>(total);
}

TEST(HnswGraph, RecallAgainstBruteForceL2) {
  const std::size_t dims = 24;
  const auto data = random_data(4000, dims, 1);
  const auto queries = random_data(100, dims, 2);
  MemoryGraph graph = build(data, dims, Metric::kL2);
  EXPECT_GE(recall_at_10(graph, queries, 64), 0.95);
  // A larger candidate list can only help on average.
  EXPECT_GE(recall_at_10(graph, queries, 200), recall_at_10(graph, queries, 16));
}

TEST(HnswGraph, RecallAgainstBruteForceCosineAndInnerProduct) {
  const std::size_t dims = 16;
  const auto data = random_data(3000, dims, 3);
  const auto queries = random_data(100, dims, 4);
  MemoryGraph cosine = build(data, dims, Metric::kCosine);
  EXPECT_GE(recall_at_10(cosine, queries, 64), 0.95);
  MemoryGraph ip = build(data, dims, Metric::kInnerProduct);
  // Inner product is not a metric, so HNSW is weaker there; it must still find most neighbours.
  EXPECT_GE(recall_at_10(ip, queries, 100), 0.85);
}

TEST(HnswGraph, EveryNodeReachableOnLayerZero) {
  const std::size_t dims = 8;
  const auto data = random_data(3000, dims, 5);
  MemoryGraph graph = build(data, dims, Metric::kL2, Params{});
  EXPECT_EQ(reachable_on_layer_zero(graph), graph.size());
}

TEST(HnswGraph, LinksRespectLimitsAndPointToRealNodes) {
  const std::size_t dims = 8;
  const auto data = random_data(1500, dims, 6);
  const Params params{.m = 6, .ef_construction = 24};
  MemoryGraph graph = build(data, dims, Metric::kL2, params);
  for (NodeId id = 0; id < graph.size(); ++id) {
    for (int level = 0; level <= graph.level(id); ++level) {
      const auto links = graph.neighbors(id, level);
      EXPECT_LE(links.size(), static_cast<std::size_t>(params.max_links(level)));
      std::set<std::uint32_t> unique(links.begin(), links.end());
      EXPECT_EQ(unique.size(), links.size()) << "duplicate link at node " << id;
      for (std::uint32_t n : links) {
        EXPECT_NE(n, id);
        ASSERT_LT(n, graph.size());
        EXPECT_GE(graph.level(n), level) << "link to a node that does not reach level " << level;
      }
    }
  }
  EXPECT_EQ(graph.level(*graph.entry_point()), graph.max_level());
}

TEST(HnswGraph, LinkingOnThreadsKeepsTheGraphValid) {
  const std::size_t dims = 16;
  const auto data = random_data(6000, dims, 11);
  const auto queries = random_data(100, dims, 12);
  MemoryGraph graph(dims, Metric::kL2, Params{});
  for (std::size_t i = 0; i < 6000; ++i) ASSERT_TRUE(graph.add({&data[i * dims], dims}));
  CancelCheck never;
  std::size_t progress_calls = 0;
  graph.link(2, never, [&](std::size_t done) {
    EXPECT_LE(done, graph.size());
    ++progress_calls;
  });
  EXPECT_GT(progress_calls, 0u);
  EXPECT_GE(recall_at_10(graph, queries, 64), 0.95);
  for (NodeId id = 0; id < graph.size(); ++id) {
    for (int level = 0; level <= graph.level(id); ++level) {
      const auto links = graph.neighbors(id, level);
      ASSERT_LE(links.size(), static_cast<std::size_t>(Params{}.max_links(level)));
      EXPECT_EQ(std::set<std::uint32_t>(links.begin(), links.end()).size(), links.size());
    }
  }
  const std::size_t reached = reachable_on_layer_zero(graph);
  // The heuristic's pruning can leave a node without in-links on 16-d gaussian data whether one
  // thread links or two (one thread: 5998 of these 6000 reached). Two threads interleave
  // differently from run to run: as few as 5993 were reached in 40 runs, so the bound leaves room
  // for that spread; links lost to a race would strand far more than 30 nodes.
  EXPECT_GE(reached * 1000, graph.size() * 995);
  EXPECT_EQ(graph.level(*graph.entry_point()), graph.max_level());
}

TEST(HnswGraph, SameInputSameGraph) {
  const std::size_t dims = 8;
  const auto data = random_data(800, dims, 7);
  MemoryGraph a = build(data, dims, Metric::kL2);
  MemoryGraph b = build(data, dims, Metric::kL2);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(*a.entry_point(), *b.entry_point());
  for (NodeId id = 0; id < a.size(); ++id) {
    ASSERT_EQ(a.level(id), b.level(id));
    for (int level = 0; level <= a.level(id); ++level) {
      const auto la = a.neighbors(id, level), lb = b.neighbors(id, level);
      EXPECT_TRUE(std::equal(la.begin(), la.end(), lb.begin(), lb.end()));
    }
  }
  // A different seed draws different levels.
  MemoryGraph c = build(data, dims, Metric::kL2, Params{.seed = 99});
  std::size_t differing = 0;
  for (NodeId id = 0; id < a.size(); ++id) differing += a.level(id) != c.level(id);
  EXPECT_GT(differing, 0u);
}

TEST(HnswGraph, ZeroVectorIsNotPlacedUnderCosine) {
  MemoryGraph graph(3, Metric::kCosine, Params{});
  CancelCheck never;
  const float zero[3] = {0, 0, 0}, one[3] = {1, 0, 0};
  EXPECT_FALSE(graph.insert(zero, never).has_value());
  EXPECT_EQ(graph.insert(one, never), NodeId{0});
  EXPECT_EQ(graph.size(), 1u);
}

TEST(HnswGraph, WrongDimensionsAndBadParamsAreErrors) {
  MemoryGraph graph(3, Metric::kL2, Params{});
  CancelCheck never;
  const float two[2] = {1, 2};
  EXPECT_THROW(graph.insert(two, never), Error);
  try {
    MemoryGraph bad(3, Metric::kL2, Params{.m = 1});
    FAIL() << "m = 1 accepted";
  } catch (const Error &e) {
    EXPECT_STREQ(e.sqlstate(), "22023");
    EXPECT_FALSE(e.hint().empty());
  }
  EXPECT_THROW(MemoryGraph(3, Metric::kL2, Params{.m = 16, .ef_construction = 20}), Error);
  EXPECT_THROW(MemoryGraph(3, Metric::kL2, Params{.m = 16, .ef_construction = 5000}), Error);
}

bool cancel_now() {
  return true;
}

TEST(HnswGraph, InsertHonoursCancellation) {
  const std::size_t dims = 8;
  const auto data = random_data(200, dims, 8);
  MemoryGraph graph = build(data, dims, Metric::kL2);
  CancelCheck cancel(&cancel_now, 1);
  EXPECT_THROW(graph.insert({data.data(), dims}, cancel), Cancelled);
  EXPECT_THROW(graph.search({data.data(), dims}, 10, 40, cancel), Cancelled);
}

// The search behind filtered scans: the first batch is the ordinary answer, and resuming returns
// every reachable node exactly once.
TEST(HnswResumableSearch, FirstBatchMatchesSearchAndResumingExhaustsTheGraph) {
  const std::size_t dims = 8;
  const auto data = random_data(2000, dims, 9);
  MemoryGraph graph = build(data, dims, Metric::kL2);
  const float *query = &data[17 * dims];
  CancelCheck never;
  const std::vector<Candidate> plain = graph.search({query, dims}, 40, 40, never);

  auto to_query = [&](NodeId id) { return graph.distance(query, graph.vector(id)); };
  const Candidate entry =
      descend(graph, to_query, *graph.entry_point(), graph.max_level(), 0, never);
  DenseVisited visited;
  visited.reset(graph.size());
  ResumableSearch search(graph, to_query, visited, never);
  search.start(entry);
  std::vector<Candidate> batch;
  ASSERT_TRUE(search.next_batch(40, batch));
  ASSERT_EQ(batch.size(), plain.size());
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch[i].id, plain[i].id);
  EXPECT_EQ(batch.front().id, NodeId{17});

  std::set<NodeId> returned;
  for (const Candidate &c : batch) returned.insert(c.id);
  std::size_t total = batch.size();
  for (std::vector<Candidate> more; search.next_batch(40, more); more.clear()) {
    EXPECT_TRUE(std::is_sorted(more.begin(), more.end(), Nearer{}));
    for (const Candidate &c : more) returned.insert(c.id);
    total += more.size();
  }
  EXPECT_EQ(total, graph.size()) << "a node was returned twice or never";
  EXPECT_EQ(returned.size(), graph.size());
}

// With a filter keeping 10% of nodes, resuming until 10 pass finds nearly the true filtered
// top-10 (what the index scan does under a selective WHERE).
TEST(HnswResumableSearch, FilteredRecall) {
  const std::size_t dims = 16;
  const auto data = random_data(5000, dims, 10);
  const auto queries = random_data(50, dims, 11);
  MemoryGraph graph = build(data, dims, Metric::kL2);
  CancelCheck never;
  auto keep = [](NodeId id) { return id % 10 == 3; };
  std::size_t hits = 0, total = 0;
  for (std::size_t q = 0; q < 50; ++q) {
    const float *query = &queries[q * dims];
    std::vector<Candidate> all;
    for (NodeId i = 0; i < graph.size(); ++i) {
      if (keep(i)) all.push_back({graph.distance(query, graph.vector(i)), i});
    }
    std::partial_sort(all.begin(), all.begin() + 10, all.end(), Nearer{});
    std::set<NodeId> truth;
    for (int i = 0; i < 10; ++i) truth.insert(all[static_cast<std::size_t>(i)].id);

    auto to_query = [&](NodeId id) { return graph.distance(query, graph.vector(id)); };
    const Candidate entry =
        descend(graph, to_query, *graph.entry_point(), graph.max_level(), 0, never);
    DenseVisited visited;
    visited.reset(graph.size());
    ResumableSearch search(graph, to_query, visited, never);
    search.start(entry);
    std::vector<NodeId> passed;
    for (std::vector<Candidate> batch; passed.size() < 10 && search.next_batch(40, batch);
         batch.clear()) {
      for (const Candidate &c : batch) {
        if (keep(c.id) && passed.size() < 10) passed.push_back(c.id);
      }
    }
    ASSERT_EQ(passed.size(), 10u);
    for (NodeId id : passed) hits += truth.count(id);
    total += 10;
  }
  EXPECT_GE(static_cast<double>(hits) / static_cast<double>(total), 0.95);
}

}  // namespace
}  // namespace commerce::vector::hnsw
