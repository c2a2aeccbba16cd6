// The commerce_bm25 index as the C++ side sees it: segments written to and read from pages, the
// pending list, and the corpus a scan searches. Everything here runs inside guarded regions and
// reaches PostgreSQL only through call_pg.
//
// Segments are immutable, so each backend caches a segment's page list and dictionary (keyed by
// database, relfilenode and segment id): a scan then only reads the postings blocks it needs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/cancel.h"
#include "core/text/bm25/corpus.h"
#include "core/text/bm25/document.h"
#include "core/text/bm25/expansion.h"
#include "core/text/bm25/segment.h"
#include "pg/am/bm25_page.h"

namespace commerce::pg::bm25 {

namespace core = commerce::text::bm25;

// Writes a segment's byte stream as data pages (4 per WAL record) and then its directory.
class PageSink final : public core::ByteSink {
 public:
  PageSink(Relation index, std::uint32_t segment);
  void write(const void *data, std::size_t size) override;
  // Flushes the last data page and writes the directory; returns the segment's reference.
  SegmentRef finish(const core::SegmentHeader &header);
  // Blocks written so far (to mark deleted when the segment is not used).
  std::vector<BlockNumber> written() const;

 private:
  void flush_batch();
  Relation index_;
  std::uint32_t segment_;
  std::vector<char> images_;  // up to 4 pages
  int pages_ = 0;             // complete or partial pages in images_
  std::size_t used_ = 0;      // bytes used in the last page
  std::vector<BlockNumber> blocks_, directory_;
};

// What a scan (or a stats function) reads: the meta page as of its start, the segments, and the
// pending documents as one more in-memory segment at the end.
class IndexSnapshot {
 public:
  // `extra` documents join the pending segment (a flush of a document too long for the list).
  IndexSnapshot(Relation index, bool with_pending,
                const std::vector<core::AnalysedDocument> *extra = nullptr);
  ~IndexSnapshot();
  const MetaData &meta() const { return meta_; }
  const core::Corpus &corpus() const { return *corpus_; }
  // Views of segments [from, to) of the meta page's list, and the pending segment (or nullptr).
  std::vector<core::SegmentView> views(std::uint32_t from, std::uint32_t to) const;
  const core::SegmentView *pending() const;
  // The pending list's pages, in chain order.
  const std::vector<BlockNumber> &pending_blocks() const { return pending_blocks_; }
  // The vocabulary for typo expansion: each segment's (built once per backend and segment) and
  // the pending documents'.
  std::vector<const core::TypoIndex *> typo_parts() const;
  // Every page of segment i (directory and data).
  std::vector<BlockNumber> segment_blocks(std::uint32_t i) const;

 private:
  struct Impl;
  MetaData meta_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<core::Corpus> corpus_;
  std::vector<BlockNumber> pending_blocks_;
};

// Replaces segments [from, to) of the snapshot's meta page (and the pending list when
// take_pending) by one segment holding their documents minus those dead(key) says, then marks the
// replaced pages deleted (or, with free_now, while building, frees them for the next segments).
// Call under the writers' lock. Returns the documents dropped.
std::uint64_t replace_segments(Relation index, const IndexSnapshot &snapshot, std::uint32_t from,
                               std::uint32_t to, bool take_pending,
                               const std::function<bool(std::int64_t)> &dead,
                               commerce::CancelCheck &cancel, bool free_now = false);

// Moves the pending list (plus `extra` documents, e.g. one too long for it) into a new segment,
// merged with the trailing segments that are not much larger (a logarithmic number of segments).
// Call under the writers' lock.
void flush_pending(Relation index, const std::vector<core::AnalysedDocument> &extra,
                   commerce::CancelCheck &cancel);

// Writes the documents as one new segment appended to the meta page (the build's path).
void append_segment(Relation index, MetaData &meta, const core::InvertedIndex &documents,
                    const std::vector<std::int64_t> &keys);

// Heap TIDs travel through the core as int64 keys.
std::int64_t tid_key(ItemPointerData tid);
ItemPointerData key_tid(std::int64_t key);

// Pending list flush threshold in bytes of encoded documents.
inline constexpr std::uint64_t kPendingLimit = 256 * 1024;

}  // namespace commerce::pg::bm25
