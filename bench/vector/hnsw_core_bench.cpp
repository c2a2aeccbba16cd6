// The algorithmic ceiling of the HNSW code before any page overhead: builds the in-memory graph
// over the clustered synthetic set and Fashion-MNIST and prints, for ef_search in
// {20, 40, 100, 200}, recall@10 against brute-force ground truth, single-thread queries per
// second and median latency, next to brute-force exact search measured in the same run.
//
// Usage: bench_hnsw_core [fashion-mnist dir] [synthetic rows]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ann_data.h"
#include "core/cancel.h"
#include "core/vector/hnsw/memory_graph.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace hnsw = commerce::vector::hnsw;
using commerce::bench::AnnData;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void run(const AnnData &data) {
  std::printf("\n## %s, %zu queries, M=16, ef_construction=64, L2\n", data.name.c_str(),
              data.query_count());
  commerce::CancelCheck never;

  // Baseline first: brute-force exact search (also the ground truth).
  const auto exact_start = Clock::now();
  const auto truth = commerce::bench::exact_top_k(data, 10);
  const double exact_s = seconds_since(exact_start);

  hnsw::MemoryGraph graph(data.dims, hnsw::Metric::kL2, hnsw::Params{});
  const auto build_start = Clock::now();
  for (std::size_t i = 0; i < data.rows(); ++i)
    graph.insert({&data.base[i * data.dims], data.dims}, never);
  const double build_s = seconds_since(build_start);
  std::printf(
      "build: %.2f s (%.0f rows/s), graph memory %.1f MB, max level %d, %.0f distances/row\n",
      build_s, static_cast<double>(data.rows()) / build_s,
      static_cast<double>(graph.memory_bytes()) / 1e6, graph.max_level(),
      static_cast<double>(graph.build_distances()) / static_cast<double>(data.rows()));

  std::printf(
      "| search | recall@10 | q/s (1 thread) | median latency ms | distances/query |\n"
      "|---|---|---|---|---|\n");
  std::printf("| exact (brute force) | 1.000 | %.0f | %.3f | %zu |\n",
              static_cast<double>(data.query_count()) / exact_s,
              exact_s * 1e3 / static_cast<double>(data.query_count()), data.rows());
  for (std::size_t ef : {20, 40, 100, 200}) {
    std::vector<std::vector<int>> found(data.query_count());
    std::vector<double> latency_ms;
    const std::uint64_t distances_before = graph.search_distances();
    const auto start = Clock::now();
    for (std::size_t q = 0; q < data.query_count(); ++q) {
      const auto t0 = Clock::now();
      const auto result = graph.search({&data.queries[q * data.dims], data.dims}, 10, ef, never);
      latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      for (const auto &c : result) found[q].push_back(static_cast<int>(c.id));
    }
    const double total_s = seconds_since(start);
    std::printf(
        "| hnsw ef=%zu | %.3f | %.0f | %.3f | %.0f |\n", ef, commerce::bench::recall(found, truth),
        static_cast<double>(data.query_count()) / total_s, commerce::bench::median(latency_ms),
        static_cast<double>(graph.search_distances() - distances_before) /
            static_cast<double>(data.query_count()));
  }

  // The same build on two threads (what CREATE INDEX uses by default): its time, and its
  // recall, which differs slightly because the threads link in a varying order.
  hnsw::MemoryGraph parallel(data.dims, hnsw::Metric::kL2, hnsw::Params{});
  const auto parallel_start = Clock::now();
  for (std::size_t i = 0; i < data.rows(); ++i)
    parallel.add({&data.base[i * data.dims], data.dims});
  parallel.link(2, never);
  const double parallel_s = seconds_since(parallel_start);
  std::printf("build on 2 threads: %.2f s (%.2fx faster than on 1); recall@10", parallel_s,
              build_s / parallel_s);
  for (std::size_t ef : {20, 40, 100, 200}) {
    std::vector<std::vector<int>> found(data.query_count());
    for (std::size_t q = 0; q < data.query_count(); ++q) {
      for (const auto &c :
           parallel.search({&data.queries[q * data.dims], data.dims}, 10, ef, never))
        found[q].push_back(static_cast<int>(c.id));
    }
    std::printf(" ef %zu %.3f%s", ef, commerce::bench::recall(found, truth),
                ef == 200 ? "\n" : ",");
  }
}

}  // namespace

int main(int argc, char **argv) {
  const std::string mnist_dir = argc > 1 ? argv[1] : "/work/shared/data/ann/fashion-mnist";
  const std::size_t rows = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100000;
  std::printf(
      "HNSW in memory (src/core/vector/hnsw), no PostgreSQL. Shared 2-core machine: "
      "timings are noisy.\n");
  run(commerce::bench::clustered_synthetic(rows, 128, 1000));
  std::string why;
  if (auto mnist = commerce::bench::fashion_mnist(mnist_dir, 1000, why)) {
    run(*mnist);
  } else {
    std::printf("\n## fashion-mnist: not run (%s)\n", why.c_str());
  }
  return 0;
}
