// Data sets for the HNSW benchmarks, shared by the in-memory (core) and the SQL benchmark so
// both measure the same vectors: a seeded clustered synthetic set, Fashion-MNIST read from its
// IDX files, and exact top-k ground truth computed here by brute force.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace commerce::bench {

struct AnnData {
  std::string name;
  std::size_t dims = 0;
  std::vector<float> base;     // rows x dims
  std::vector<float> queries;  // queries x dims
  std::size_t rows() const { return base.size() / dims; }
  std::size_t query_count() const { return queries.size() / dims; }
};

// `rows` points around 100 gaussian cluster centres of uneven size (weights drawn from a
// log-normal), plus `queries` points from the same mixture, from a fixed seed. Every value is
// rounded to the 6 significant digits of the embedding text form, so a server loaded through
// text holds exactly these floats.
AnnData clustered_synthetic(std::size_t rows, std::size_t dims, std::size_t queries,
                            unsigned seed = 20261121);

// Fashion-MNIST from `dir` (train-images-idx3-ubyte[.gz] as the base, the first `queries` test
// images as queries; pixels 0..255 as floats). nullopt, with the reason in `why`, when absent.
std::optional<AnnData> fashion_mnist(const std::string &dir, std::size_t queries, std::string &why);

// Exact top-k row numbers (0-based) per query under squared L2, by brute force.
std::vector<std::vector<int>> exact_top_k(const AnnData &data, std::size_t k);

// Mean recall of `found` (row numbers per query) against `truth`.
double recall(const std::vector<std::vector<int>> &found,
              const std::vector<std::vector<int>> &truth);

double median(std::vector<double> values);

}  // namespace commerce::bench
