// Immutable BM25 index segments: the byte format, its writer, and random-access reading.
//
// A segment is one byte stream (the PostgreSQL layer cuts it into pages; the tests keep it in a
// vector), laid out as
//   doc table   per document: key (int64, the heap TID) and length (double), 16 bytes each
//   postings    per term, in ascending byte order of terms:
//                 skip entries, one per block of up to 128 postings: last doc, offset and size of
//                 the block, and where the block's impacts end
//                 impacts: per block, its competitive (tf, length) pairs
//                 blocks: varint sizes of the next two parts, then per posting doc (first
//                 absolute, then deltas); per posting tf and length codes; then per posting the
//                 number of positions and their deltas
//   dictionary  per term: text, document frequency, postings offset, block count, and the
//               competitive (tf, length) pairs of all its postings
// Impacts (Lucene's name) are the skyline of a block's (tf, length) pairs, lengths rounded down to
// float: no kept pair has another with tf >= and length <= it, so every posting's score is at most
// the best pair's, and the block bound max over pairs of tf (k1 + 1) / (tf + norm(length)) is
// tight yet valid for any k1, b and average length: the corpus statistics come from outside at
// query time. Usually 1-5 pairs; a single (max tf, min length) pair is rarely one real document.
// Term frequencies and lengths are weighted sums (BM25F); integers take a varint, other values
// their exact float (tf) or double (length), so scores equal commerce.bm25_score's.
#pragma once
#include "core/pure_cpp.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/bm25/inverted_index.h"

namespace commerce::text::bm25 {

inline constexpr std::uint32_t kSegmentBlockSize = 128;

// Where a segment's bytes go while it is written.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const void *data, std::size_t size) = 0;
};

// Where a segment's bytes are read from (pages, or memory in tests).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual void read(std::uint64_t offset, void *dst, std::size_t size) const = 0;
};

class VectorSink final : public ByteSink {
 public:
  void write(const void *data, std::size_t size) override;
  std::vector<std::uint8_t> bytes;
};

class VectorSource final : public ByteSource {
 public:
  explicit VectorSource(const std::vector<std::uint8_t> &bytes) : bytes_(bytes) {}
  void read(std::uint64_t offset, void *dst, std::size_t size) const override;

 private:
  const std::vector<std::uint8_t> &bytes_;
};

// What the reader needs besides the bytes; kept by the PostgreSQL layer beside the segment.
struct SegmentHeader {
  std::uint32_t documents = 0;
  std::uint32_t terms = 0;
  double total_length = 0.0;
  std::uint64_t dictionary_offset = 0;
  std::uint64_t dictionary_bytes = 0;
  std::uint64_t total_bytes = 0;
};

struct SkipEntry {
  DocId last;
  std::uint32_t offset;  // from the term's postings offset
  std::uint32_t size;
  std::uint32_t impacts_end;  // the block's impacts are the term's [previous entry's end, this)
};
static_assert(sizeof(SkipEntry) == 16);

// A competitive (term frequency, document length) pair.
struct Impact {
  float tf;
  float length;  // rounded down, so a bound from it is never below a real document's score
};
static_assert(sizeof(Impact) == 8);

// The skyline of `pairs`: those no other pair dominates (tf >= and length <= it, one of them
// strictly, or equal and earlier), by ascending tf and length.
std::vector<Impact> competitive_impacts(std::vector<Impact> pairs);

// One term's postings in segment-local document ids, as the writer takes them.
struct TermPostings {
  std::span<const DocId> docs;
  std::span<const float> tfs;
  std::span<const std::uint32_t> pos_from;  // docs.size() + 1 entries into positions
  std::span<const std::uint32_t> positions;
};

class SegmentWriter {
 public:
  // Writes the doc table at once: keys and lengths of documents 0..n-1.
  SegmentWriter(ByteSink &sink, std::span<const std::int64_t> keys,
                std::span<const double> lengths);
  // Terms must come in strictly ascending byte order, each with at least one posting.
  void add_term(std::string_view term, const TermPostings &postings);
  SegmentHeader finish();

 private:
  void put(const void *data, std::size_t size);
  ByteSink &sink_;
  std::vector<double> lengths_;
  std::vector<std::uint8_t> dictionary_;
  std::string last_term_;
  std::uint64_t offset_ = 0;
  std::uint32_t terms_ = 0;
  double total_length_ = 0.0;
  std::vector<std::uint8_t> block_, values_, positions_;  // one block's three parts
  std::vector<SkipEntry> skips_;
  std::vector<Impact> impacts_, pairs_;
};

// Writes every term of an in-memory index with live postings (the build's path). Document i of the
// segment is document i of the index, which must have no tombstones.
SegmentHeader write_segment(const InvertedIndex &index, std::span<const std::int64_t> keys,
                            ByteSink &sink);

// A segment's dictionary, loaded once and shared: segments are immutable, so it may be cached.
struct DictionaryEntry {
  std::uint32_t text_offset, text_size;
  std::uint32_t df;
  std::uint32_t blocks;
  std::uint64_t postings;
  std::uint32_t impacts_from, impacts_count;  // the term's impacts, in Dictionary::impacts
};

class Dictionary {
 public:
  Dictionary(const ByteSource &source, const SegmentHeader &header);
  const DictionaryEntry *find(std::string_view term) const;
  std::size_t size() const { return entries_.size(); }
  std::string_view text(const DictionaryEntry &e) const {
    return std::string_view(text_).substr(e.text_offset, e.text_size);
  }
  const std::vector<DictionaryEntry> &entries() const { return entries_; }
  // The competitive pairs over all of a term's postings (its global bound).
  std::span<const Impact> impacts(const DictionaryEntry &e) const {
    return std::span<const Impact>(impacts_).subspan(e.impacts_from, e.impacts_count);
  }
  std::size_t memory_bytes() const {
    return text_.size() + entries_.size() * sizeof(DictionaryEntry) +
           impacts_.size() * sizeof(Impact);
  }

 private:
  std::string text_;
  std::vector<DictionaryEntry> entries_;
  std::vector<Impact> impacts_;
};

// One segment as a scan sees it: bytes, header, dictionary and where its documents start in the
// corpus-wide numbering.
struct SegmentView {
  const ByteSource *bytes;
  SegmentHeader header;
  std::shared_ptr<const Dictionary> dictionary;
  DocId base = 0;
};

std::int64_t segment_key(const SegmentView &s, DocId local);
double segment_length(const SegmentView &s, DocId local);

// Decodes blocks of one term: the reusable arrays a cursor works on. Only the documents are
// decoded on load: a multi-word search moves through about half of the blocks it loads without
// scoring any of their postings.
class BlockDecoder {
 public:
  void load(const ByteSource &bytes, std::uint64_t postings, const SkipEntry &skip);
  std::size_t size() const { return docs.size(); }
  // Fills tfs and lengths for the loaded block (once).
  void decode_values();
  // Positions of posting i (decoded lazily: only phrases need them).
  std::span<const std::uint32_t> positions(std::size_t i);

  std::vector<DocId> docs;  // segment-local
  std::vector<float> tfs;   // tfs and lengths: after decode_values
  std::vector<double> lengths;

 private:
  std::vector<std::uint8_t> raw_;
  std::size_t values_at_ = 0, positions_at_ = 0;
  bool values_ready_ = false, positions_ready_ = false;
  std::vector<std::uint32_t> pos_from_, positions_;
};

// The skip entries of one term and its blocks' impacts, read without decoding a block.
struct TermSkips {
  std::vector<SkipEntry> entries;
  std::vector<Impact> impacts;
  std::span<const Impact> impacts_of(std::size_t block) const {
    const std::uint32_t from = block == 0 ? 0 : entries[block - 1].impacts_end;
    return std::span<const Impact>(impacts).subspan(from, entries[block].impacts_end - from);
  }
};
TermSkips read_skips(const ByteSource &bytes, const DictionaryEntry &entry);

}  // namespace commerce::text::bm25
