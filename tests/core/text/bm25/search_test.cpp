// BM25 scoring and top-k search: exact scores on a hand-checked corpus, and block-max WAND and
// the required-clause driver against the exhaustive scorer on random Zipf-distributed corpora.
#include "core/text/bm25/search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "core/error.h"

namespace commerce::text::bm25 {
namespace {

std::vector<Token> tokens_of(const std::vector<std::string> &words) {
  std::vector<Token> out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out.push_back({words[i], static_cast<std::uint32_t>(i), 0, 0, false});
  return out;
}

DocId add(InvertedIndex &index, std::int64_t key, const std::vector<std::string> &words) {
  const std::vector<Token> tokens = tokens_of(words);
  return index.add(key, {Field{&tokens, 1.0}});
}

Query terms_query(const std::vector<std::pair<Occur, std::string>> &items) {
  Query q;
  for (const auto &[occur, term] : items) q.clauses.push_back({occur, {Alternative{{term}, {0}}}});
  return q;
}

double bm25(double tf, double df, double n, double len, double avg, Params p = {}) {
  const double idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  return idf * tf * (p.k1 + 1) / (tf + p.k1 * (1 - p.b + p.b * len / avg));
}

TEST(Bm25Search, ScoresMatchTheFormula) {
  InvertedIndex index;
  add(index, 10, {"red", "shoe", "red"});
  add(index, 11, {"blue", "shoe"});
  add(index, 12, {"green", "hat", "wool", "winter"});
  CancelCheck cancel;
  const auto hits = top_k(index, terms_query({{Occur::kShould, "red"}, {Occur::kShould, "shoe"}}),
                          10, Params{}, cancel);
  ASSERT_EQ(hits.size(), 2u);
  const double avg = 9.0 / 3.0;
  EXPECT_EQ(hits[0].key, 10);
  EXPECT_NEAR(hits[0].score, bm25(2, 1, 3, 3, avg) + bm25(1, 2, 3, 3, avg), 1e-9);
  EXPECT_EQ(hits[1].key, 11);
  EXPECT_NEAR(hits[1].score, bm25(1, 2, 3, 2, avg), 1e-9);
}

TEST(Bm25Search, FieldWeightsScaleFrequencyAndLength) {
  InvertedIndex index;
  const auto title = tokens_of({"lamp"});
  const auto body = tokens_of({"desk", "lamp", "brass"});
  index.add(1, {Field{&title, 2.0}, Field{&body, 1.0}});
  add(index, 2, {"chair"});
  CancelCheck cancel;
  const auto hits = top_k(index, terms_query({{Occur::kShould, "lamp"}}), 5, Params{}, cancel);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NEAR(hits[0].score, bm25(3, 1, 2, 5, 3), 1e-9);  // tf 2x1+1, length 2x1+3, avg (5+1)/2
}

TEST(Bm25Search, RequiredExcludedAndPhrase) {
  InvertedIndex index;
  add(index, 1, {"noise", "cancelling", "headphones"});
  add(index, 2, {"cancelling", "noise", "headphones"});
  add(index, 3, {"wireless", "headphones"});
  add(index, 4, {"noise", "machine"});
  CancelCheck cancel;
  auto keys = [&](const Query &q) {
    std::vector<std::int64_t> out;
    for (const Hit &h : top_k(index, q, 10, Params{}, cancel)) out.push_back(h.key);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(keys(terms_query({{Occur::kMust, "headphones"}, {Occur::kShould, "noise"}})),
            (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(keys(terms_query({{Occur::kShould, "noise"}, {Occur::kMustNot, "machine"}})),
            (std::vector<std::int64_t>{1, 2}));
  Query phrase;
  phrase.clauses.push_back({Occur::kMust, {Alternative{{"noise", "cancelling"}, {0, 1}}}});
  EXPECT_EQ(keys(phrase), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(keys(terms_query({{Occur::kMust, "absent"}, {Occur::kShould, "noise"}})).empty());
}

TEST(Bm25Search, RemovedDocumentsNeitherMatchNorCount) {
  InvertedIndex index;
  add(index, 1, {"apple", "pie"});
  const DocId gone = add(index, 2, {"apple", "tart", "apple"});
  add(index, 3, {"cherry", "pie"});
  index.remove(gone);
  index.remove(gone);  // idempotent
  EXPECT_EQ(index.live_documents(), 2u);
  EXPECT_DOUBLE_EQ(index.average_length(), 2.0);
  EXPECT_EQ(index.postings(*index.find("apple")).live_docs, 1u);
  CancelCheck cancel;
  const auto hits = top_k(index, terms_query({{Occur::kShould, "apple"}}), 5, Params{}, cancel);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].key, 1);
  EXPECT_NEAR(hits[0].score, bm25(1, 1, 2, 2, 2), 1e-9);
  EXPECT_TRUE(top_k(index, terms_query({{Occur::kShould, "tart"}}), 5, Params{}, cancel).empty());
}

TEST(Bm25Search, RejectsBadParameters) {
  InvertedIndex index;
  CancelCheck cancel;
  const Query q = terms_query({{Occur::kShould, "x"}});
  EXPECT_THROW(top_k(index, q, 5, Params{-1.0, 0.75}, cancel), Error);
  EXPECT_THROW(top_k(index, q, 5, Params{1.2, 1.5}, cancel), Error);
  EXPECT_TRUE(top_k(index, q, 5, Params{}, cancel).empty());
}

// --- random corpora: pruned top-k must equal the exhaustive ranking --------------------------

struct Corpus {
  InvertedIndex index{16};  // small blocks, so block skipping is exercised
  std::vector<std::string> vocabulary;
};

std::string word(int i) {
  return "w" + std::to_string(i);
}

void fill(Corpus &c, std::mt19937 &rng, int documents, int vocabulary) {
  // Zipf-like term popularity, as in real text: a few very common terms, a long tail.
  std::vector<double> weights;
  for (int i = 1; i <= vocabulary; ++i) weights.push_back(1.0 / i);
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::uniform_int_distribution<int> length(1, 40);
  for (int i = 0; i < vocabulary; ++i) c.vocabulary.push_back(word(i));
  for (int d = 0; d < documents; ++d) {
    std::vector<std::string> words;
    const int n = length(rng);
    for (int i = 0; i < n; ++i) words.push_back(word(pick(rng)));
    add(c.index, 1000 + d, words);
  }
}

Query random_query(std::mt19937 &rng, int vocabulary, bool with_must, bool with_not,
                   bool with_phrase) {
  std::uniform_int_distribution<int> term(0, std::min(vocabulary - 1, 60));
  std::uniform_int_distribution<int> count(1, 5);
  Query q;
  const int n = count(rng);
  for (int i = 0; i < n; ++i)
    q.clauses.push_back({Occur::kShould, {Alternative{{word(term(rng))}, {0}}}});
  if (with_must) {
    Clause must{Occur::kMust, {Alternative{{word(term(rng))}, {0}}}};
    must.alternatives.push_back(Alternative{{word(term(rng))}, {0}, 0.5});  // e.g. a typo variant
    q.clauses.push_back(must);
  }
  if (with_not) q.clauses.push_back({Occur::kMustNot, {Alternative{{word(term(rng))}, {0}}}});
  if (with_phrase) {
    q.clauses.push_back(
        {Occur::kShould, {Alternative{{word(term(rng) % 5), word(term(rng) % 5)}, {0, 1}}}});
  }
  return q;
}

void expect_same_ranking(const std::vector<Hit> &pruned, const std::vector<Hit> &all, std::size_t k,
                         const std::string &what) {
  ASSERT_EQ(pruned.size(), std::min(k, all.size())) << what;
  for (std::size_t i = 0; i < pruned.size(); ++i) {
    // Equal scores may tie-break differently only if they are equal; compare scores by rank and
    // check that each returned document really has the score reported.
    EXPECT_NEAR(pruned[i].score, all[i].score, 1e-9) << what << " rank " << i;
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const Hit &h) { return h.doc == pruned[i].doc; });
    ASSERT_NE(it, all.end()) << what;
    EXPECT_NEAR(it->score, pruned[i].score, 1e-9) << what;
  }
}

TEST(Bm25Search, TopKEqualsExhaustiveOnRandomCorpora) {
  std::mt19937 rng(20261121);
  int checked = 0;
  for (int round = 0; round < 12; ++round) {
    Corpus c;
    fill(c, rng, 300 + 150 * round, 50 + 40 * round);
    if (round % 3 == 2) {  // delete a tenth of the documents
      for (DocId d = 0; d < c.index.document_slots(); d += 10) c.index.remove(d);
    }
    const Params params{round % 2 ? 0.9 : 1.2, round % 4 == 3 ? 0.3 : 0.75};
    for (int q = 0; q < 40; ++q) {
      const Query query = random_query(rng, static_cast<int>(c.vocabulary.size()), q % 4 == 1,
                                       q % 3 == 2, q % 5 == 4);
      CancelCheck cancel;
      const auto all = score_all(c.index, query, params, cancel);
      for (std::size_t k : {1u, 10u, 50u}) {
        const auto pruned = top_k(c.index, query, k, params, cancel);
        expect_same_ranking(pruned, all, k,
                            "round " + std::to_string(round) + " query " + std::to_string(q) + " " +
                                describe(query));
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 12 * 40 * 3);
}

TEST(Bm25Search, BlockMaxWandScoresFewerDocumentsThanMatch) {
  std::mt19937 rng(7);
  Corpus c;
  fill(c, rng, 20000, 2000);
  // A common term and a rarer one: most matches come only from the common term and can be
  // skipped once the top 10 hold documents with both.
  const Query q = terms_query({{Occur::kShould, word(0)}, {Occur::kShould, word(40)}});
  CancelCheck cancel;
  SearchStats stats;
  const auto pruned = top_k(c.index, q, 10, Params{}, cancel, &stats);
  const auto all = score_all(c.index, q, Params{}, cancel);
  expect_same_ranking(pruned, all, 10, "skewed");
  EXPECT_LT(stats.scored * 4, all.size()) << "scored " << stats.scored << " of " << all.size();
}

TEST(Bm25Search, HonoursCancellation) {
  std::mt19937 rng(3);
  Corpus c;
  fill(c, rng, 5000, 100);
  CancelCheck cancel([] { return true; }, 1);
  EXPECT_THROW(score_all(c.index, terms_query({{Occur::kShould, word(0)}}), Params{}, cancel),
               Cancelled);
}

}  // namespace
}  // namespace commerce::text::bm25
