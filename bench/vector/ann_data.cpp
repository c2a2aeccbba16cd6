// Data sets and ground truth for the HNSW benchmarks (see ann_data.h).
#include "ann_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sys/stat.h>

#include "core/vector/distance.h"

namespace commerce::bench {

namespace {

float round_like_text(float x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(x));
  return std::strtof(buf, nullptr);
}

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Reads a whole IDX file, decompressing .gz through gzip (no zlib dependency for a benchmark).
std::optional<std::vector<unsigned char>> read_idx(const std::string &dir, const std::string &name,
                                                   std::string &why) {
  std::string command;
  if (exists(dir + "/" + name)) {
    command = "cat '" + dir + "/" + name + "'";
  } else if (exists(dir + "/" + name + ".gz")) {
    command = "gzip -dc '" + dir + "/" + name + ".gz'";
  } else {
    why = dir + "/" + name + "[.gz] is absent";
    return std::nullopt;
  }
  FILE *pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    why = "cannot run: " + command;
    return std::nullopt;
  }
  std::vector<unsigned char> bytes;
  unsigned char buf[1 << 16];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;)
    bytes.insert(bytes.end(), buf, buf + n);
  if (pclose(pipe) != 0 || bytes.size() < 16) {
    why = "could not read " + name;
    return std::nullopt;
  }
  return bytes;
}

std::uint32_t big_endian(const unsigned char *p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

// IDX3 (magic 0x00000803): count, rows, cols, then count*rows*cols unsigned bytes.
bool images(const std::vector<unsigned char> &idx, std::size_t limit, std::size_t &dims,
            std::vector<float> &out) {
  if (big_endian(idx.data()) != 0x803) return false;
  const std::size_t count = std::min<std::size_t>(big_endian(idx.data() + 4), limit);
  dims = std::size_t{big_endian(idx.data() + 8)} * big_endian(idx.data() + 12);
  if (idx.size() < 16 + count * dims) return false;
  out.assign(idx.begin() + 16, idx.begin() + 16 + static_cast<std::ptrdiff_t>(count * dims));
  return true;
}

}  // namespace

AnnData clustered_synthetic(std::size_t rows, std::size_t dims, std::size_t queries,
                            unsigned seed) {
  constexpr std::size_t kClusters = 100;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::lognormal_distribution<double> weight(0.0, 1.0);
  std::vector<float> centres(kClusters * dims);
  for (float &x : centres) x = normal(rng);
  std::vector<double> weights(kClusters);
  for (double &w : weights) w = weight(rng);
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  std::normal_distribution<float> spread(0.0f, 0.35f);

  AnnData data;
  data.name =
      "synthetic " + std::to_string(rows) + " x " + std::to_string(dims) + " (100 clusters)";
  data.dims = dims;
  auto draw = [&](std::vector<float> &out, std::size_t count) {
    out.resize(count * dims);
    for (std::size_t i = 0; i < count; ++i) {
      const float *c = &centres[pick(rng) * dims];
      for (std::size_t d = 0; d < dims; ++d)
        out[i * dims + d] = round_like_text(c[d] + spread(rng));
    }
  };
  draw(data.base, rows);
  draw(data.queries, queries);
  return data;
}

std::optional<AnnData> fashion_mnist(const std::string &dir, std::size_t queries,
                                     std::string &why) {
  const auto train = read_idx(dir, "train-images-idx3-ubyte", why);
  if (!train) return std::nullopt;
  const auto test = read_idx(dir, "t10k-images-idx3-ubyte", why);
  if (!test) return std::nullopt;
  AnnData data;
  std::size_t test_dims = 0;
  if (!images(*train, SIZE_MAX, data.dims, data.base) ||
      !images(*test, queries, test_dims, data.queries) || test_dims != data.dims) {
    why = "malformed IDX image files in " + dir;
    return std::nullopt;
  }
  data.name = "fashion-mnist " + std::to_string(data.rows()) + " x " + std::to_string(data.dims);
  return data;
}

std::vector<std::vector<int>> exact_top_k(const AnnData &data, std::size_t k) {
  std::vector<std::vector<int>> truth(data.query_count());
  std::vector<std::pair<float, int>> scored(data.rows());
  for (std::size_t q = 0; q < data.query_count(); ++q) {
    const float *query = &data.queries[q * data.dims];
    for (std::size_t i = 0; i < data.rows(); ++i) {
      scored[i] = {vector::l2_squared_distance(&data.base[i * data.dims], query, data.dims),
                   static_cast<int>(i)};
    }
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(k),
                      scored.end());
    for (std::size_t i = 0; i < k; ++i) truth[q].push_back(scored[i].second);
  }
  return truth;
}

double recall(const std::vector<std::vector<int>> &found,
              const std::vector<std::vector<int>> &truth) {
  std::size_t hits = 0, total = 0;
  for (std::size_t q = 0; q < truth.size(); ++q) {
    for (int id : found[q])
      hits += static_cast<std::size_t>(std::count(truth[q].begin(), truth[q].end(), id));
    total += truth[q].size();
  }
  return total == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(total);
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace commerce::bench
