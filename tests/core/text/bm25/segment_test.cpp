// The segment format and the corpus search over it, against the in-memory index as reference:
// random multi-field corpora split into segments must give the same top-k (same documents, same
// scores) as score_all over one InvertedIndex of the same documents; merges that drop documents
// must give the statistics and results of an index built without them.
#include "core/text/bm25/corpus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "core/text/bm25/document.h"
#include "core/text/bm25/edit_distance.h"
#include "core/text/bm25/segment_merge.h"

namespace commerce::text::bm25 {
namespace {

struct Doc {
  std::vector<Token> title, body;
};

// (Appending instead of "w" + to_string avoids a GCC 12 -Wrestrict false positive.)
std::string word_name(std::size_t w) {
  std::string s = "w";
  s += std::to_string(w);
  return s;
}

std::vector<Token> random_tokens(std::mt19937 &rng, std::size_t vocabulary, std::size_t max_len) {
  std::uniform_int_distribution<std::size_t> len(0, max_len);
  // Zipf-like: the square of a uniform number favours small word numbers.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Token> out;
  const std::size_t n = len(rng);
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = static_cast<std::size_t>(u(rng) * u(rng) * static_cast<double>(vocabulary));
    out.push_back({word_name(w), static_cast<std::uint32_t>(i), 0, 0, false});
  }
  return out;
}

std::vector<Field> fields_of(const Doc &d, double title_weight) {
  return {Field{&d.title, title_weight}, Field{&d.body, 1.0}};
}

// A segment kept in memory, with what a scan needs to read it.
struct MemorySegment {
  VectorSink sink;
  std::unique_ptr<VectorSource> source;
  SegmentHeader header;
  SegmentView view() {
    if (!source) source = std::make_unique<VectorSource>(sink.bytes);
    return SegmentView{source.get(), header, std::make_shared<Dictionary>(*source, header), 0};
  }
};

// Writes docs [from, to) as one segment through an InvertedIndex (the build's path).
std::unique_ptr<MemorySegment> write(const std::vector<Doc> &docs, std::size_t from, std::size_t to,
                                     double title_weight) {
  InvertedIndex index;
  std::vector<std::int64_t> keys;
  for (std::size_t i = from; i < to; ++i) {
    index.add(static_cast<std::int64_t>(i), fields_of(docs[i], title_weight));
    keys.push_back(static_cast<std::int64_t>(i));
  }
  auto s = std::make_unique<MemorySegment>();
  s->header = write_segment(index, keys, s->sink);
  return s;
}

Query random_query(std::mt19937 &rng, std::size_t vocabulary) {
  std::uniform_int_distribution<std::size_t> words(1, 4), word(0, vocabulary / 3);
  std::uniform_int_distribution<int> kind(0, 9);
  Query q;
  const std::size_t n = words(rng);
  for (std::size_t i = 0; i < n; ++i) {
    Clause c;
    const int k = kind(rng);
    c.occur = k == 0 ? Occur::kMust : k == 1 ? Occur::kMustNot : Occur::kShould;
    Alternative a{{word_name(word(rng))}, {0}};
    if (k == 2) {  // a two-word phrase
      a.terms.push_back(word_name(word(rng)));
      a.offsets.push_back(1);
    }
    c.alternatives.push_back(a);
    if (k == 3) c.alternatives.push_back(Alternative{{word_name(word(rng))}, {0}, 0.5});
    q.clauses.push_back(c);
  }
  return q;
}

// The same score at every rank, and every returned document with its reference score. Documents
// whose scores differ only by rounding (the average length is summed per segment) may swap.
void expect_same_hits(const std::vector<Hit> &got, const std::vector<Hit> &want, std::size_t k) {
  const std::size_t n = std::min(k, want.size());
  ASSERT_EQ(got.size(), n);
  std::unordered_map<std::int64_t, double> reference;
  for (const Hit &h : want) reference[h.key] = h.score;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(got[i].score, want[i].score, 1e-9 * std::abs(want[i].score)) << "rank " << i;
    ASSERT_TRUE(reference.count(got[i].key)) << "rank " << i;
    EXPECT_NEAR(got[i].score, reference[got[i].key], 1e-9 * std::abs(got[i].score));
  }
}

// Documents whose body holds "common" once and a word of their own; those in [from, to) also
// hold "common" `title_times` times in the title.
std::vector<Doc> common_word_docs(std::size_t n, std::size_t from, std::size_t to,
                                  std::uint32_t title_times) {
  std::vector<Doc> docs(n);
  for (std::size_t i = 0; i < n; ++i) {
    docs[i].body = {{"common", 0, 0, 0, false}, {word_name(i), 1, 0, 0, false}};
    if (i >= from && i < to)
      for (std::uint32_t t = 0; t < title_times; ++t)
        docs[i].title.push_back({"common", t, 0, 0, false});
  }
  return docs;
}

Query common_word_query() {
  Query q;
  q.clauses.push_back(Clause{Occur::kShould, {Alternative{{"common"}, {0}}}});
  return q;
}

TEST(Bm25Segments, CorpusTopKEqualsTheInMemoryReference) {
  std::mt19937 rng(7);
  for (int round = 0; round < 12; ++round) {
    const std::size_t vocabulary = 30 + 40 * static_cast<std::size_t>(round);
    const std::size_t n = 50 + 150 * static_cast<std::size_t>(round);
    const double title_weight = round % 2 == 0 ? 3.0 : 1.7;  // integer and non-integer weights
    std::vector<Doc> docs(n);
    for (Doc &d : docs) {
      d.title = random_tokens(rng, vocabulary, 8);
      d.body = random_tokens(rng, vocabulary, round % 3 == 0 ? 300 : 30);
    }
    InvertedIndex reference;
    for (std::size_t i = 0; i < n; ++i)
      reference.add(static_cast<std::int64_t>(i), fields_of(docs[i], title_weight));
    // 1, 2 or 3 segments.
    std::vector<std::unique_ptr<MemorySegment>> parts;
    const std::size_t pieces = 1 + static_cast<std::size_t>(round) % 3;
    for (std::size_t p = 0; p < pieces; ++p)
      parts.push_back(write(docs, n * p / pieces, n * (p + 1) / pieces, title_weight));
    std::vector<SegmentView> views;
    for (auto &p : parts) views.push_back(p->view());
    const Corpus corpus(views);
    EXPECT_EQ(corpus.documents(), reference.live_documents());
    EXPECT_NEAR(corpus.average_length(), reference.average_length(), 1e-9);
    const Params params{round % 4 == 0 ? 0.9 : 1.2, round % 5 == 0 ? 0.3 : 0.75};
    for (int qn = 0; qn < 40; ++qn) {
      const Query q = random_query(rng, vocabulary);
      CancelCheck cancel;
      const std::vector<Hit> want = score_all(reference, q, params, cancel);
      for (std::size_t k : {std::size_t{1}, std::size_t{10}, std::size_t{100000}}) {
        SCOPED_TRACE(describe(q) + " k=" + std::to_string(k));
        expect_same_hits(corpus_top_k(corpus, q, k, params, cancel), want, k);
      }
    }
  }
}

// A one-word query scores its blocks best bound first: with every document holding the word
// once and six documents of the last segment holding it three times in the title, the top five
// come from one block, and the search decodes only that block besides the first (which the
// cursor loads when it opens); the answer is the reference's, for any k.
TEST(Bm25Segments, OneWordQueriesDecodeTheirBestBlocksFirst) {
  constexpr std::size_t kDocs = 6000;
  const std::vector<Doc> docs = common_word_docs(kDocs, 5900, 5906, 3);
  InvertedIndex reference;
  for (std::size_t i = 0; i < kDocs; ++i)
    reference.add(static_cast<std::int64_t>(i), fields_of(docs[i], 3.0));
  std::vector<std::unique_ptr<MemorySegment>> parts;
  for (std::size_t p = 0; p < 3; ++p)
    parts.push_back(write(docs, kDocs * p / 3, kDocs * (p + 1) / 3, 3.0));
  std::vector<SegmentView> views;
  for (auto &p : parts) views.push_back(p->view());
  const Corpus corpus(views);
  const Query q = common_word_query();
  const Params params{1.2, 0.75};
  CancelCheck cancel;
  const std::vector<Hit> want = score_all(reference, q, params, cancel);
  SearchStats stats;
  const std::vector<Hit> top5 = corpus_top_k(corpus, q, 5, params, cancel, &stats);
  expect_same_hits(top5, want, 5);
  for (const Hit &h : top5) EXPECT_GE(h.key, 5900);
  EXPECT_EQ(stats.blocks_decoded, 2u);
  for (std::size_t k : {std::size_t{1}, std::size_t{6}, std::size_t{7}, std::size_t{500}, kDocs})
    expect_same_hits(corpus_top_k(corpus, q, k, params, cancel), want, k);
}

// Cursors keep the last block bound they gave (WAND asks for it again and again); a seek
// backwards must not leave a later block's bound in place of the earlier block's.
TEST(Bm25Segments, BlockBoundsFollowASeekBackwards) {
  constexpr std::size_t kDocs = 2000;
  auto segment = write(common_word_docs(kDocs, 1900, 1901, 2), 0, kDocs, 3.0);
  const Corpus corpus({segment->view()});
  OpenedQuery o = open_query(corpus, common_word_query(), Params{});
  ASSERT_EQ(o.should.size(), 1u);
  Cursor &c = *o.should[0];
  DocId far_last = 0, first_last = 0;
  const double far = c.block_bound(1900, &far_last);
  EXPECT_GE(far_last, 1900u);
  c.seek(0);
  EXPECT_EQ(c.doc(), 0u);
  const double first = c.block_bound(0, &first_last);
  EXPECT_LT(first_last, 1900u);  // block 0, not the block of document 1900
  EXPECT_LT(first, far);         // only body occurrences in block 0
  // And forwards again, the far block's bound as before.
  DocId again_last = 0;
  EXPECT_EQ(c.block_bound(1900, &again_last), far);
  EXPECT_EQ(again_last, far_last);
}

TEST(Bm25Segments, TypoVariantsComeFromEverySegment) {
  std::vector<Doc> docs(3);
  docs[0].title = {{"wireless", 0, 0, 0, false}};
  docs[1].title = {{"wirelass", 0, 0, 0, false}};
  docs[2].title = {{"wireless", 0, 0, 0, false}, {"speaker", 1, 0, 0, false}};
  InvertedIndex reference;
  for (std::size_t i = 0; i < docs.size(); ++i)
    reference.add(static_cast<std::int64_t>(i), fields_of(docs[i], 1.0));
  auto a = write(docs, 0, 1, 1.0), b = write(docs, 1, 3, 1.0);
  const Corpus corpus({a->view(), b->view()});
  Query q1 = parse_query("wirelesss", cached_analyzer("simple"));
  Query q2 = q1;
  expand_typos(q1, reference, TypoOptions{});
  expand_typos(q2, CorpusVocabulary(corpus), TypoOptions{});
  EXPECT_EQ(describe(q1), describe(q2));
  CancelCheck cancel;
  expect_same_hits(corpus_top_k(corpus, q2, 10, Params{}, cancel),
                   score_all(reference, q1, Params{}, cancel), 10);
  EXPECT_EQ(corpus_top_k(corpus, q2, 10, Params{}, cancel).size(), 3u);
}

TEST(Bm25Segments, MergeDropsDocumentsAndKeepsStatisticsExact) {
  std::mt19937 rng(11);
  const std::size_t n = 900, vocabulary = 200;
  std::vector<Doc> docs(n);
  for (Doc &d : docs) {
    d.title = random_tokens(rng, vocabulary, 6);
    d.body = random_tokens(rng, vocabulary, 40);
  }
  auto a = write(docs, 0, 400, 2.0), b = write(docs, 400, 900, 2.0);
  auto dead = [](std::int64_t key) { return key % 7 == 3; };
  MemorySegment merged;
  CancelCheck cancel;
  const MergeResult r = merge_segments({a->view(), b->view()}, dead, merged.sink, cancel);
  merged.header = r.header;
  InvertedIndex reference;
  std::size_t removed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (dead(static_cast<std::int64_t>(i))) {
      ++removed;
      continue;
    }
    reference.add(static_cast<std::int64_t>(i), fields_of(docs[i], 2.0));
  }
  EXPECT_EQ(r.removed, removed);
  const Corpus corpus({merged.view()});
  EXPECT_EQ(corpus.documents(), reference.live_documents());
  EXPECT_NEAR(corpus.total_length(), reference.average_length() * reference.live_documents(), 1e-6);
  EXPECT_EQ(corpus.df("w1"), reference.postings(*reference.find("w1")).live_docs);
  EXPECT_EQ(segment_keys(corpus.segments()[0]).size(), reference.live_documents());
  for (int qn = 0; qn < 50; ++qn) {
    const Query q = random_query(rng, vocabulary);
    SCOPED_TRACE(describe(q));
    expect_same_hits(corpus_top_k(corpus, q, 10, Params{}, cancel),
                     score_all(reference, q, Params{}, cancel), 10);
  }
}

TEST(Bm25Segments, PendingDocumentsRoundTrip) {
  const std::vector<Token> title{{"brass", 0, 0, 0, false}, {"lamp", 1, 0, 0, false}};
  const std::vector<Token> body{{"lamp", 0, 0, 0, false}, {"shade", 2, 0, 0, false}};
  const AnalysedDocument doc = analyse_document(42, {Field{&title, 2.5}, Field{&body, 1.0}});
  std::vector<std::uint8_t> bytes;
  encode_document(doc, bytes);
  const AnalysedDocument back = decode_document(bytes);
  EXPECT_EQ(back.key, 42);
  EXPECT_DOUBLE_EQ(back.length, doc.length);
  ASSERT_EQ(back.terms.size(), 3u);
  EXPECT_EQ(back.terms[1].term, "lamp");
  EXPECT_FLOAT_EQ(back.terms[1].tf, 3.5f);
  EXPECT_EQ(back.terms[1].positions,
            (std::vector<std::uint32_t>{1, 17}));  // last title position + 16
  bytes.pop_back();
  EXPECT_THROW(decode_document(bytes), Error);
}

TEST(Bm25Segments, CorruptedBytesAreAnErrorNotACrash) {
  std::vector<Doc> docs(2);
  docs[0].title = {{"lamp", 0, 0, 0, false}};
  docs[1].title = {{"lamp", 0, 0, 0, false}};
  auto s = write(docs, 0, 2, 1.0);
  SegmentHeader header = s->header;
  header.dictionary_bytes += 100;  // reads past the end
  VectorSource source(s->sink.bytes);
  EXPECT_THROW(Dictionary(source, header), Error);
}

}  // namespace
}  // namespace commerce::text::bm25

namespace commerce::text::bm25 {
namespace {

class ListVocabulary final : public Vocabulary {
 public:
  std::vector<std::pair<std::string, std::uint64_t>> terms;
  void for_each(const Visit &visit) const override {
    for (const auto &[t, df] : terms) visit(t, df);
  }
};

TEST(Bm25Segments, TypoDeletionIndexFindsWhatAScanFinds) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> letter(0, 5), length(3, 11);
  auto random_word = [&] {
    std::string w(static_cast<std::size_t>(length(rng)), 'a');
    for (char &c : w) c = static_cast<char>('a' + letter(rng));
    return w;
  };
  ListVocabulary vocabulary;
  for (int i = 0; i < 3000; ++i) vocabulary.terms.emplace_back(random_word(), 1 + i % 7);
  vocabulary.terms.emplace_back("ábcdé", 3);  // code points, not bytes
  const TypoIndex scan(vocabulary, false), deletions(vocabulary, true);
  for (int i = 0; i < 300; ++i) {
    const std::string w = i == 0 ? "abcde" : random_word();
    for (int edits : {1, 2}) {
      std::unordered_map<std::string, std::pair<int, std::uint64_t>> a, b;
      const TypoWord word{code_points(w), code_points(w + "x"), edits, edits};
      scan.find(w, word, a);
      deletions.find(w, word, b);
      EXPECT_EQ(a, b) << w;
    }
  }
}

}  // namespace
}  // namespace commerce::text::bm25
