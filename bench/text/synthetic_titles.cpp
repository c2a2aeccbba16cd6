// The seeded Zipf-like vocabulary and text generator shared by the text-search speed benchmarks.
#include "synthetic_titles.h"

#include <cmath>
#include <fstream>
#include <set>

namespace commerce::bench {

SyntheticTitles::SyntheticTitles(const std::vector<std::string> &planted, unsigned seed)
    : rng_(seed) {
  for (int i = 0; i < 50000; ++i) vocabulary_.push_back("w" + std::to_string(i));
  std::set<std::string> seen;
  std::uniform_int_distribution<std::size_t> popular(0, 4999);
  for (const auto &word : planted)
    if (seen.insert(word).second) vocabulary_.insert(vocabulary_.begin() + popular(rng_), word);
  std::vector<double> weights;
  for (std::size_t i = 1; i <= vocabulary_.size(); ++i)
    weights.push_back(1.0 / std::pow(static_cast<double>(i), 0.9));
  pick_ = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
}

std::string SyntheticTitles::text(int low, int high) {
  std::string out;
  for (int i = length(low, high); i > 0; --i) {
    if (!out.empty()) out += ' ';
    out += word();
  }
  return out;
}

std::vector<std::string> read_wands_queries(const std::string &path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto a = line.find('\t'), b = line.find('\t', a + 1);
    if (a != std::string::npos) out.push_back(line.substr(a + 1, b - a - 1));
  }
  return out;
}

}  // namespace commerce::bench
