// The synthetic product text of the text-search speed benchmarks (bench_topk in memory,
// bench_bm25_sql through SQL), so both time the same kind of catalog: a Zipf-like (exponent 0.9)
// vocabulary of 50,000 filler words w0..w49999 with the words real queries use planted at random
// ranks among the 5,000 most popular (shopping words are ordinary product words, not rarities),
// so real queries hit long posting lists. Seeded: the same words give the same catalog.
#pragma once

#include <cstddef>
#include <random>
#include <string>
#include <vector>

namespace commerce::bench {

class SyntheticTitles {
 public:
  // `planted`: the query words, in the form the caller indexes them (duplicates ignored).
  explicit SyntheticTitles(const std::vector<std::string> &planted, unsigned seed = 42);

  // Words by popularity rank, most popular first.
  const std::vector<std::string> &vocabulary() const { return vocabulary_; }
  // The generator every draw uses, for callers that draw their queries from the same sequence.
  std::mt19937 &rng() { return rng_; }

  // The next word, drawn by popularity.
  const std::string &word() { return vocabulary_[pick_(rng_)]; }
  // The number of words of the next text, uniform in [low, high].
  int length(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  // The next text of `length(low, high)` words separated by spaces.
  std::string text(int low, int high);

  // Title length of the catalog: 6 to 14 words.
  static constexpr int kTitleMin = 6, kTitleMax = 14;

 private:
  std::mt19937 rng_;
  std::vector<std::string> vocabulary_;
  std::discrete_distribution<std::size_t> pick_;
};

// The query texts of a WANDS query.csv (query_id, query, query_class; tab-separated, one header
// line); empty when the file cannot be read.
std::vector<std::string> read_wands_queries(const std::string &path);

}  // namespace commerce::bench
