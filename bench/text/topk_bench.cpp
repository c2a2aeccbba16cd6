// Top-10 latency of the core BM25 search over synthetic product titles: block-max WAND (top_k)
// against scoring every match (score_all, what a scan without the index has to do), on the same
// in-memory index and the same queries, in the same run.
//
//   bench_topk [rows] [wands-query.csv]
//
// Titles are 6 to 14 words from the shared synthetic catalog (synthetic_titles.h: Zipf-like over
// 50,000 synthetic words plus the WANDS shopping queries' words among the 5,000 most popular), so
// the real queries hit long posting lists; bench_bm25_sql times the same catalog through SQL.
// "Score every match" is the core's exhaustive scorer: it walks every posting of every query term
// (and clears per-document arrays), which is what a search that must rank all matches pays; it is
// not PostgreSQL's ts_rank. Queries are the WANDS queries (OR semantics, no typos); without the
// file, two- and three-word queries drawn from the same vocabulary.
// A second table searches the index's own format: products as bench_bm25_sql builds them (name
// 6-14 words weighted 3, description 12-30 words weighted 1) written as one segment, with one-word
// queries from the 2,000 most popular words and the WANDS queries, and counts the posting blocks
// each query decodes: the work block-max bounds exist to save.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/text/analyzer.h"
#include "core/text/bm25/corpus.h"
#include "core/text/bm25/inverted_index.h"
#include "core/text/bm25/query.h"
#include "core/text/bm25/search.h"
#include "latency.h"
#include "synthetic_titles.h"

namespace bm25 = commerce::text::bm25;
using Clock = std::chrono::steady_clock;
using commerce::bench::percentile;

// Top-10 over a segment of `rows` products for one-word queries and `others`, against
// scoring every match of the same segment; prints latencies and the blocks decoded per query.
void segment_queries(std::size_t rows, commerce::bench::SyntheticTitles &catalog,
                     const char *others_name, const std::vector<bm25::Query> &others) {
  bm25::InvertedIndex index;
  std::vector<commerce::text::Token> name, description;
  std::vector<std::int64_t> keys(rows);
  auto fill = [&](std::vector<commerce::text::Token> &tokens, int low, int high) {
    tokens.clear();
    const int n = catalog.length(low, high);
    for (int i = 0; i < n; ++i)
      tokens.push_back({catalog.word(), static_cast<std::uint32_t>(i), 0, 0, false});
  };
  for (std::size_t d = 0; d < rows; ++d) {
    fill(name, catalog.kTitleMin, catalog.kTitleMax);
    fill(description, 12, 30);
    keys[d] = static_cast<std::int64_t>(d);
    index.add(keys[d], {bm25::Field{&name, 3.0}, bm25::Field{&description, 1.0}});
  }
  bm25::VectorSink sink;
  const bm25::SegmentHeader header = bm25::write_segment(index, keys, sink);
  index = bm25::InvertedIndex();
  const bm25::VectorSource source(sink.bytes);
  const bm25::Corpus corpus(
      {bm25::SegmentView{&source, header, std::make_shared<bm25::Dictionary>(source, header), 0}});

  std::uniform_int_distribution<std::size_t> top(0, 1999);
  std::vector<bm25::Query> one_word(480);
  for (bm25::Query &q : one_word)
    q.clauses.push_back(
        {bm25::Occur::kShould, {{{catalog.vocabulary()[top(catalog.rng())]}, {0}}}});
  std::printf("\ntop-10 over one segment of %zu products (name x3 + description)\n", rows);
  std::printf("%-36s %10s %10s %14s %14s %10s\n", "queries", "median ms", "p95 ms", "median blocks",
              "mean blocks", "matches");
  commerce::CancelCheck cancel;
  const bm25::Params params{};
  auto run = [&](const char *what, const std::vector<bm25::Query> &queries) {
    std::vector<double> pruned_ms, full_ms, blocks, all_blocks, matches;
    for (const bm25::Query &q : queries) {
      bm25::SearchStats stats, all_stats;
      auto t0 = Clock::now();
      const auto hits = bm25::corpus_top_k(corpus, q, 10, params, cancel, &stats);
      auto t1 = Clock::now();
      const auto all = bm25::corpus_top_k(corpus, q, rows, params, cancel, &all_stats);
      auto t2 = Clock::now();
      for (std::size_t r = 0; r < hits.size(); ++r)
        if (hits[r].score != all[r].score) {
          std::fprintf(stderr, "segment mismatch at rank %zu\n", r);
          std::exit(1);
        }
      pruned_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      full_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
      blocks.push_back(static_cast<double>(stats.blocks_decoded));
      all_blocks.push_back(static_cast<double>(all_stats.blocks_decoded));
      matches.push_back(static_cast<double>(all.size()));
    }
    if (queries.empty()) return;
    auto row = [&](const std::string &label, const std::vector<double> &ms,
                   const std::vector<double> &b) {
      double sum = 0.0;
      for (double x : b) sum += x;
      std::printf("%-36s %10.3f %10.3f %14.0f %14.1f %10.0f\n", label.c_str(), percentile(ms, 0.5),
                  percentile(ms, 0.95), percentile(b, 0.5), sum / static_cast<double>(b.size()),
                  percentile(matches, 0.5));
    };
    row(std::string(what) + ", block-max WAND", pruned_ms, blocks);
    row(std::string(what) + ", every match (k = rows)", full_ms, all_blocks);
  };
  run("1 word", one_word);
  run(others_name, others);
}

int main(int argc, char **argv) {
  const std::size_t rows = argc > 1 ? std::stoul(argv[1]) : 1000000;
  std::vector<std::string> queries =
      argc > 2 ? commerce::bench::read_wands_queries(argv[2]) : std::vector<std::string>{};
  const bool wands = !queries.empty();
  auto &analyzer = commerce::text::cached_analyzer("english");

  // The catalog plants the analysed query words, since this index holds analysed terms.
  std::vector<std::string> planted;
  for (const auto &q : queries)
    for (const auto &t : analyzer.analyze(q)) planted.push_back(t.term);
  commerce::bench::SyntheticTitles catalog(planted);
  const auto &vocabulary = catalog.vocabulary();

  const auto build_start = Clock::now();
  bm25::InvertedIndex index;
  std::vector<commerce::text::Token> tokens;
  for (std::size_t d = 0; d < rows; ++d) {
    tokens.clear();
    const int n = catalog.length(catalog.kTitleMin, catalog.kTitleMax);
    for (int i = 0; i < n; ++i)
      tokens.push_back({catalog.word(), static_cast<std::uint32_t>(i), 0, 0, false});
    index.add(static_cast<std::int64_t>(d), {bm25::Field{&tokens, 1.0}});
  }
  index.prepare(bm25::Params{});
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();

  if (queries.empty()) {
    std::uniform_int_distribution<std::size_t> top(0, 1999);
    auto &rng = catalog.rng();
    for (int i = 0; i < 480; ++i)
      queries.push_back(vocabulary[top(rng)] + " " + vocabulary[top(rng)] +
                        (i % 2 ? " " + vocabulary[top(rng)] : std::string()));
  }

  std::vector<double> pruned_ms, full_ms;
  std::uint64_t scored = 0, matched = 0;
  commerce::CancelCheck cancel;
  for (const auto &text : queries) {
    const bm25::Query q = bm25::parse_words(text, analyzer);
    if (q.clauses.empty()) continue;
    bm25::SearchStats stats;
    auto t0 = Clock::now();
    const auto top = bm25::top_k(index, q, 10, bm25::Params{}, cancel, &stats);
    auto t1 = Clock::now();
    const auto all = bm25::score_all(index, q, bm25::Params{}, cancel);
    auto t2 = Clock::now();
    if (!top.empty() && std::abs(top[0].score - all[0].score) > 1e-9) {
      std::fprintf(stderr, "mismatch on query \"%s\"\n", text.c_str());
      return 1;
    }
    pruned_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    full_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    scored += stats.scored;
    matched += all.size();
  }
  std::printf("rows %zu, vocabulary %zu, build %.1f s, %zu queries\n", rows, vocabulary.size(),
              build_s, pruned_ms.size());
  std::printf("%-28s %10s %10s\n", "top-10", "median ms", "p95 ms");
  std::printf("%-28s %10.3f %10.3f\n", "block-max WAND (top_k)", percentile(pruned_ms, 0.5),
              percentile(pruned_ms, 0.95));
  std::printf("%-28s %10.3f %10.3f\n", "score every match", percentile(full_ms, 0.5),
              percentile(full_ms, 0.95));
  std::printf("median speed-up %.1fx; documents fully scored: %.2f%% of matches (%llu of %llu)\n",
              percentile(full_ms, 0.5) / percentile(pruned_ms, 0.5),
              100.0 * static_cast<double>(scored) / static_cast<double>(matched),
              static_cast<unsigned long long>(scored), static_cast<unsigned long long>(matched));
  index = bm25::InvertedIndex();
  std::vector<bm25::Query> parsed;
  for (const auto &text : queries)
    if (bm25::Query q = bm25::parse_words(text, analyzer); !q.clauses.empty()) parsed.push_back(q);
  segment_queries(rows, catalog, wands ? "WANDS" : "2-3 words", parsed);
  return 0;
}
