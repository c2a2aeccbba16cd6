// Block bounds from impacts: the skyline builder, and that a segment cursor's block bound is at
// least every posting's score in the block for any k1, b and average length, yet tight (the best
// real posting's score, up to rounding of lengths), where a (max tf, min length) bound is not.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "core/text/bm25/corpus.h"
#include "core/text/bm25/segment.h"

namespace commerce::text::bm25 {
namespace {

bool dominates(const Impact &a, const Impact &b) {
  return a.tf >= b.tf && a.length <= b.length;
}

TEST(Bm25Impacts, SkylineKeepsOnlyCompetitivePairs) {
  const std::vector<Impact> kept = competitive_impacts(
      {{1, 9}, {3, 40}, {1, 5}, {2, 30}, {3, 12}, {2, 5}, {3, 12}, {1, 20}, {4, 60}});
  // (1, *) and (2, 30) lose to (2, 5); (3, 40) and the second (3, 12) to the first (3, 12).
  const std::vector<std::pair<float, float>> want = {{2, 5}, {3, 12}, {4, 60}};
  ASSERT_EQ(kept.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(kept[i].tf, want[i].first);
    EXPECT_EQ(kept[i].length, want[i].second);
  }
}

TEST(Bm25Impacts, RandomSkylinesDominateEveryPairAndNoKeptPairDominatesAnother) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> tf(1, 6), length(1, 40), size(1, 128);
  for (int round = 0; round < 200; ++round) {
    std::vector<Impact> pairs(static_cast<std::size_t>(size(rng)));
    for (Impact &p : pairs) p = {static_cast<float>(tf(rng)), static_cast<float>(length(rng))};
    const std::vector<Impact> kept = competitive_impacts(pairs);
    ASSERT_FALSE(kept.empty());
    for (const Impact &p : pairs)
      EXPECT_TRUE(
          std::any_of(kept.begin(), kept.end(), [&](const Impact &k) { return dominates(k, p); }));
    for (std::size_t i = 1; i < kept.size(); ++i) {
      EXPECT_LT(kept[i - 1].tf, kept[i].tf);
      EXPECT_LT(kept[i - 1].length, kept[i].length);
    }
  }
}

// (Appending instead of "w" + to_string avoids a GCC 12 -Wrestrict false positive.)
std::string word_name(int w) {
  std::string s = "w";
  s += std::to_string(w);
  return s;
}

std::vector<Token> tokens(const std::vector<std::string> &words) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out.push_back({words[i], static_cast<std::uint32_t>(i), 0, 0, false});
  return out;
}

// Documents of title and body word lists, written as one in-memory segment.
struct Segment {
  VectorSink sink;
  std::unique_ptr<VectorSource> source;
  SegmentHeader header;

  Segment(const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> &docs,
          double title_weight, std::int64_t first_key) {
    InvertedIndex index;
    std::vector<std::int64_t> keys;
    for (const auto &[title, body] : docs) {
      const std::vector<Token> t = tokens(title), b = tokens(body);
      keys.push_back(first_key + static_cast<std::int64_t>(keys.size()));
      index.add(keys.back(), {Field{&t, title_weight}, Field{&b, 1.0}});
    }
    header = write_segment(index, keys, sink);
    source = std::make_unique<VectorSource>(sink.bytes);
  }
  SegmentView view() const {
    return SegmentView{source.get(), header, std::make_shared<Dictionary>(*source, header), 0};
  }
};

Query word_query(const std::string &word) {
  Query q;
  q.clauses.push_back({Occur::kShould, {Alternative{{word}, {0}}}});
  return q;
}

// Walks the word's cursor, checking each posting's score against its block's bound; returns the
// largest ratio of a block's bound to its best posting's score.
double check_blocks(const Corpus &corpus, const std::string &word, const Params &params) {
  OpenedQuery o = open_query(corpus, word_query(word), params);
  if (o.should.empty()) return 1.0;
  Cursor &c = *o.should[0];
  double worst_ratio = 1.0, block_best = 0.0, bound = 0.0;
  DocId block_last = kNoDoc;
  auto close_block = [&] {
    if (block_best > 0.0) worst_ratio = std::max(worst_ratio, bound / block_best);
  };
  for (; c.doc() != kNoDoc; c.next()) {
    if (block_last == kNoDoc || c.doc() > block_last) {
      close_block();
      bound = c.block_bound(c.doc(), &block_last);
      block_best = 0.0;
    }
    EXPECT_GE(bound, c.score()) << word << " doc " << c.doc();
    EXPECT_GE(c.max_score(), c.score()) << word << " doc " << c.doc();
    block_best = std::max(block_best, c.score());
  }
  close_block();
  return worst_ratio;
}

TEST(Bm25Impacts, BlockBoundCoversEveryScoreAndIsTightForAnyParameters) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> word(0, 24), title_len(0, 8), body_len(0, 60), pad(0, 400);
  std::uniform_real_distribution<double> k1(0.0, 3.0), b(0.0, 1.0);
  for (int round = 0; round < 8; ++round) {
    std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> docs(900),
        filler(20);
    for (auto &[title, body] : docs) {
      for (int i = title_len(rng); i > 0; --i) title.push_back(word_name(word(rng)));
      for (int i = body_len(rng); i > 0; --i) body.push_back(word_name(word(rng)));
    }
    // Documents of another word only, so the average length varies from round to round.
    for (auto &[title, body] : filler) body.assign(static_cast<std::size_t>(pad(rng)), "pad");
    const Segment words(docs, round % 2 == 0 ? 3.0 : 1.7, 0), padding(filler, 1.0, 10000);
    const Corpus corpus({words.view(), padding.view()});
    const Params params{k1(rng), b(rng)};
    for (int w = 0; w < 25; ++w) {
      const double ratio = check_blocks(corpus, word_name(w), params);
      // Lengths are rounded down to float, so the bound may exceed the best score slightly.
      EXPECT_LT(ratio, 1.0 + 1e-6) << "w" << w << " round " << round;
    }
  }
}

TEST(Bm25Impacts, BoundIsBelowTheMaxTfMinLengthBound) {
  // One block: a long document with the word in its title (tf 3) and a short one with it once in
  // its body (tf 1). The old bound paired tf 3 with length 1, which no document has.
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> docs;
  docs.push_back({{"x"}, std::vector<std::string>(100, "y")});
  docs.push_back({{}, {"x"}});
  for (int i = 0; i < 40; ++i) docs.push_back({{"y"}, std::vector<std::string>(50, "y")});
  const Segment segment(docs, 3.0, 0);
  const Corpus corpus({segment.view()});
  const Params params;
  OpenedQuery o = open_query(corpus, word_query("x"), params);
  ASSERT_EQ(o.should.size(), 1u);
  Cursor &c = *o.should[0];
  DocId last;
  const double bound = c.block_bound(0, &last);
  double best = 0.0;
  for (; c.doc() != kNoDoc; c.next()) best = std::max(best, c.score());
  const double weight = idf(corpus.documents(), 2) * (params.k1 + 1.0);
  const double short_norm = params.k1 * (1.0 - params.b + params.b / corpus.average_length());
  const double old_bound = weight * 3.0 / (3.0 + short_norm);
  EXPECT_GE(bound, best);
  EXPECT_LT(bound, best * (1.0 + 1e-9));
  EXPECT_LT(bound, 0.9 * old_bound);
}

}  // namespace
}  // namespace commerce::text::bm25
