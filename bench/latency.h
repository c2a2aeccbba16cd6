// Latency summaries the benchmarks print: percentiles and means of per-call milliseconds.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace commerce::bench {

// The value at fraction `p` (0..1) of the sorted sample, nearest rank below; 0 for no sample.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

inline double mean(const std::vector<double> &v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace commerce::bench
