// Segments on pages, the per-backend segment cache, the pending list, and segment replacement.
#include "pg/am/bm25_storage.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

#include "core/error.h"
#include "core/text/bm25/segment_merge.h"
#include "pg/guard.h"

extern "C" {
#include "access/generic_xlog.h"
#include "storage/bufpage.h"
#include "utils/rel.h"
}

namespace commerce::pg::bm25 {
namespace {

[[noreturn]] void recycled() {
  throw Error(sqlstate::kSerializationFailure,
              "commerce_bm25 index page was reused while a scan read it",
              "Retry the query. On a standby, turn on hot_standby_feedback.");
}

[[noreturn]] void corrupted(const char *what) {
  throw Error(sqlstate::kIndexCorrupted, std::string("commerce_bm25 index is corrupted: ") + what,
              "REINDEX the index.");
}

struct CachedSegment {
  std::vector<BlockNumber> data, directory;
  // The buffer that last held each data page (see copy_data), kept with the backend's cache.
  mutable std::vector<Buffer> hints;
  std::shared_ptr<const core::Dictionary> dictionary;
  // Built by the first search with typos; a segment of many terms gets the deletion index.
  mutable std::shared_ptr<const core::TypoIndex> typos;
};

// Below this many terms a typo lookup scans the segment's vocabulary instead of building the
// deletion index (freshly flushed segments are small, and replaced often).
constexpr std::size_t kTypoIndexFrom = 4096;

class PageSource final : public core::ByteSource {
 public:
  PageSource(Relation index, std::uint32_t segment, std::shared_ptr<const CachedSegment> blocks)
      : index_(index), segment_(segment), segment_blocks_(std::move(blocks)) {}
  PageSource(Relation index, std::uint32_t segment, const std::vector<BlockNumber> *blocks)
      : index_(index), segment_(segment), blocks_(blocks) {}

  void read(std::uint64_t offset, void *dst, std::size_t size) const override {
    const std::vector<BlockNumber> &blocks = blocks_ != nullptr ? *blocks_ : segment_blocks_->data;
    Buffer *hints = blocks_ != nullptr ? nullptr : segment_blocks_->hints.data();
    char *out = static_cast<char *>(dst);
    while (size > 0) {
      const std::uint64_t page = offset / kPayload;
      const std::size_t within = static_cast<std::size_t>(offset % kPayload);
      const std::size_t chunk = std::min(size, kPayload - within);
      if (page >= blocks.size()) corrupted("segment read past its pages");
      const BlockNumber block = blocks[page];
      Buffer *hint = hints != nullptr ? hints + page : nullptr;
      if (!call_pg([&] { return copy_data(index_, block, segment_, within, out, chunk, hint); }))
        recycled();
      out += chunk;
      offset += chunk;
      size -= chunk;
    }
  }

 private:
  Relation index_;
  std::uint32_t segment_;
  std::shared_ptr<const CachedSegment> segment_blocks_;
  const std::vector<BlockNumber> *blocks_ = nullptr;
};

using CacheKey = std::tuple<Oid, Oid, std::uint32_t>;  // database, relfilenode, segment id

std::map<CacheKey, std::shared_ptr<const CachedSegment>> &segment_cache() {
  static std::map<CacheKey, std::shared_ptr<const CachedSegment>> cache;
  return cache;
}

// Dictionaries of segments no longer listed by this index's meta page are dropped; the rest of
// the cache is dropped when it grows past this.
constexpr std::size_t kCacheLimitBytes = std::size_t{512} << 20;

std::shared_ptr<const CachedSegment> load_segment(Relation index, const SegmentRef &ref) {
  auto segment = std::make_shared<CachedSegment>();
  std::vector<BlockNumber> entries(kDirectoryEntries);
  BlockNumber block = ref.directory;
  while (block != InvalidBlockNumber) {
    if (segment->directory.size() > ref.directory_pages) corrupted("directory chain too long");
    BlockNumber next = InvalidBlockNumber;
    const int n =
        call_pg([&] { return read_directory(index, block, ref.id, entries.data(), &next); });
    if (n < 0) recycled();
    segment->directory.push_back(block);
    segment->data.insert(segment->data.end(), entries.begin(), entries.begin() + n);
    block = next;
  }
  if (segment->data.size() != ref.data_pages) corrupted("segment page count");
  segment->hints.assign(segment->data.size(), InvalidBuffer);
  PageSource source(index, ref.id, &segment->data);
  segment->dictionary = std::make_shared<core::Dictionary>(source, ref.header);
  return segment;
}

std::shared_ptr<const CachedSegment> cached_segment(Relation index, const SegmentRef &ref) {
  auto &cache = segment_cache();
  const CacheKey key{index->rd_node.dbNode, index->rd_node.relNode, ref.id};
  if (auto it = cache.find(key); it != cache.end()) {
    // A relfilenode can be reused once a dropped index's file is gone (after OID wrap-around),
    // and its segment ids start again at 1: an entry whose pages are not this segment's is stale.
    const CachedSegment &cached = *it->second;
    if (!cached.directory.empty() && cached.directory.front() == ref.directory &&
        cached.data.size() == ref.data_pages) {
      return it->second;
    }
    cache.erase(it);
  }
  std::size_t bytes = 0;
  for (const auto &[k, v] : cache)
    bytes += v->dictionary->memory_bytes() + (v->typos ? v->typos->memory_bytes() : 0);
  if (bytes > kCacheLimitBytes) cache.clear();
  auto segment = load_segment(index, ref);
  cache.emplace(key, segment);
  return segment;
}

void forget_other_segments(Relation index, const MetaData &meta) {
  auto &cache = segment_cache();
  for (auto it = cache.begin(); it != cache.end();) {
    const auto &[db, rel, id] = it->first;
    bool listed = false;
    for (std::uint32_t i = 0; i < meta.segment_count; ++i) listed |= meta.segments[i].id == id;
    if (db == index->rd_node.dbNode && rel == index->rd_node.relNode && !listed) {
      it = cache.erase(it);
    } else {
      ++it;
    }
  }
}

void mark_all_deleted(Relation index, const std::vector<BlockNumber> &blocks) {
  for (std::size_t i = 0; i < blocks.size(); i += 4) {
    const int n = static_cast<int>(std::min<std::size_t>(4, blocks.size() - i));
    call_pg([&] { mark_deleted(index, blocks.data() + i, n); });
  }
}

}  // namespace

std::int64_t tid_key(ItemPointerData tid) {
  return (static_cast<std::int64_t>(ItemPointerGetBlockNumberNoCheck(&tid)) << 16) |
         ItemPointerGetOffsetNumberNoCheck(&tid);
}

ItemPointerData key_tid(std::int64_t key) {
  ItemPointerData tid;
  ItemPointerSet(&tid, static_cast<BlockNumber>(key >> 16),
                 static_cast<OffsetNumber>(key & 0xffff));
  return tid;
}

PageSink::PageSink(Relation index, std::uint32_t segment) : index_(index), segment_(segment) {}

void PageSink::write(const void *data, std::size_t size) {
  const char *in = static_cast<const char *>(data);
  while (size > 0) {
    if (pages_ == 0 || used_ == kPayload) {
      if (pages_ == MAX_GENERIC_XLOG_PAGES) flush_batch();
      images_.resize(static_cast<std::size_t>(pages_ + 1) * BLCKSZ);
      init_page_image(images_.data() + static_cast<std::size_t>(pages_) * BLCKSZ, kDataPage,
                      segment_, InvalidBlockNumber);
      ++pages_;
      used_ = 0;
    }
    char *image = images_.data() + static_cast<std::size_t>(pages_ - 1) * BLCKSZ;
    const std::size_t chunk = std::min(size, kPayload - used_);
    std::memcpy(page_payload(image) + used_, in, chunk);
    used_ += chunk;
    set_payload_used(image, used_);
    in += chunk;
    size -= chunk;
  }
}

void PageSink::flush_batch() {
  if (pages_ == 0) return;
  BlockNumber blocks[MAX_GENERIC_XLOG_PAGES];
  const int n = pages_;
  call_pg([&] { write_new_pages(index_, images_.data(), n, blocks); });
  blocks_.insert(blocks_.end(), blocks, blocks + n);
  pages_ = 0;
  images_.clear();
  used_ = kPayload;
}

std::vector<BlockNumber> PageSink::written() const {
  std::vector<BlockNumber> all = blocks_;
  all.insert(all.end(), directory_.begin(), directory_.end());
  return all;
}

SegmentRef PageSink::finish(const core::SegmentHeader &header) {
  flush_batch();
  std::vector<char> image(BLCKSZ);
  const std::size_t pages =
      std::max<std::size_t>(1, (blocks_.size() + kDirectoryEntries - 1) / kDirectoryEntries);
  // Last directory page first, so that each page knows the block of the next.
  BlockNumber next = InvalidBlockNumber;
  for (std::size_t d = pages; d-- > 0;) {
    const std::size_t from = d * kDirectoryEntries;
    const auto count =
        static_cast<std::uint32_t>(std::min(kDirectoryEntries, blocks_.size() - from));
    init_page_image(image.data(), kDirectoryPage, segment_, next);
    char *payload = page_payload(image.data());
    std::memcpy(payload, &count, sizeof(count));
    std::memcpy(payload + sizeof(count), blocks_.data() + from, count * sizeof(BlockNumber));
    set_payload_used(image.data(), sizeof(count) + count * sizeof(BlockNumber));
    BlockNumber block;
    call_pg([&] { write_new_pages(index_, image.data(), 1, &block); });
    directory_.push_back(block);
    next = block;
  }
  SegmentRef ref{};
  ref.id = segment_;
  ref.directory = next;
  ref.data_pages = static_cast<std::uint32_t>(blocks_.size());
  ref.directory_pages = static_cast<std::uint32_t>(pages);
  ref.header = header;
  return ref;
}

struct IndexSnapshot::Impl {
  std::vector<std::shared_ptr<const CachedSegment>> segments;
  std::vector<std::unique_ptr<PageSource>> sources;
  std::vector<core::SegmentView> views;
  core::VectorSink pending_bytes;
  std::unique_ptr<core::VectorSource> pending_source;
  std::unique_ptr<core::SegmentView> pending;
  mutable std::unique_ptr<core::TypoIndex> pending_typos;
};

IndexSnapshot::IndexSnapshot(Relation index, bool with_pending,
                             const std::vector<core::AnalysedDocument> *extra)
    : impl_(std::make_unique<Impl>()) {
  call_pg([&] { read_meta(index, &meta_); });
  if (meta_.segment_count > kMaxSegments) corrupted("segment count");
  forget_other_segments(index, meta_);
  for (std::uint32_t i = 0; i < meta_.segment_count; ++i) {
    const SegmentRef &ref = meta_.segments[i];
    impl_->segments.push_back(cached_segment(index, ref));
    impl_->sources.push_back(std::make_unique<PageSource>(index, ref.id, impl_->segments.back()));
    impl_->views.push_back(core::SegmentView{impl_->sources.back().get(), ref.header,
                                             impl_->segments.back()->dictionary, 0});
  }
  core::InvertedIndex pending(core::kSegmentBlockSize);
  std::vector<std::int64_t> keys;
  // An empty list costs nothing: no relation size lookup (a system call) on every scan.
  if (with_pending && meta_.pending_head != InvalidBlockNumber) {
    const BlockNumber limit = call_pg([&] { return RelationGetNumberOfBlocks(index); });
    std::vector<char> image(BLCKSZ);
    for (BlockNumber block = meta_.pending_head; block != InvalidBlockNumber;) {
      if (pending_blocks_.size() > limit) corrupted("pending chain loops");
      call_pg([&] { copy_page(index, block, image.data()); });
      Page page = static_cast<Page>(image.data());
      if (PageIsNew(page) || page_opaque(image.data())->kind != kPendingPage) recycled();
      pending_blocks_.push_back(block);
      const OffsetNumber max = PageGetMaxOffsetNumber(page);
      for (OffsetNumber o = FirstOffsetNumber; o <= max; ++o) {
        ItemId item = PageGetItemId(page, o);
        const auto *bytes = reinterpret_cast<const std::uint8_t *>(PageGetItem(page, item));
        const core::AnalysedDocument doc =
            core::decode_document({bytes, static_cast<std::size_t>(ItemIdGetLength(item))});
        pending.add_document(doc);
        keys.push_back(doc.key);
      }
      block = page_opaque(image.data())->next;
    }
  }
  if (extra != nullptr) {
    for (const core::AnalysedDocument &doc : *extra) {
      pending.add_document(doc);
      keys.push_back(doc.key);
    }
  }
  std::vector<core::SegmentView> all = impl_->views;
  if (!keys.empty()) {
    const core::SegmentHeader header = core::write_segment(pending, keys, impl_->pending_bytes);
    impl_->pending_source = std::make_unique<core::VectorSource>(impl_->pending_bytes.bytes);
    impl_->pending = std::make_unique<core::SegmentView>(
        core::SegmentView{impl_->pending_source.get(), header,
                          std::make_shared<core::Dictionary>(*impl_->pending_source, header), 0});
    all.push_back(*impl_->pending);
  }
  corpus_ = std::make_unique<core::Corpus>(std::move(all));
}

IndexSnapshot::~IndexSnapshot() = default;

std::vector<core::SegmentView> IndexSnapshot::views(std::uint32_t from, std::uint32_t to) const {
  return std::vector<core::SegmentView>(impl_->views.begin() + from, impl_->views.begin() + to);
}

const core::SegmentView *IndexSnapshot::pending() const {
  return impl_->pending.get();
}

std::vector<const core::TypoIndex *> IndexSnapshot::typo_parts() const {
  std::vector<const core::TypoIndex *> parts;
  for (std::size_t i = 0; i < impl_->segments.size(); ++i) {
    const CachedSegment &segment = *impl_->segments[i];
    if (!segment.typos) {
      const core::Corpus one({impl_->views[i]});
      segment.typos = std::make_shared<core::TypoIndex>(
          core::CorpusVocabulary(one), segment.dictionary->size() >= kTypoIndexFrom);
    }
    parts.push_back(segment.typos.get());
  }
  if (impl_->pending) {
    if (!impl_->pending_typos) {
      const core::Corpus pending({*impl_->pending});
      impl_->pending_typos =
          std::make_unique<core::TypoIndex>(core::CorpusVocabulary(pending), false);
    }
    parts.push_back(impl_->pending_typos.get());
  }
  return parts;
}

std::vector<BlockNumber> IndexSnapshot::segment_blocks(std::uint32_t i) const {
  std::vector<BlockNumber> blocks = impl_->segments[i]->directory;
  blocks.insert(blocks.end(), impl_->segments[i]->data.begin(), impl_->segments[i]->data.end());
  return blocks;
}

std::uint64_t replace_segments(Relation index, const IndexSnapshot &snapshot, std::uint32_t from,
                               std::uint32_t to, bool take_pending,
                               const std::function<bool(std::int64_t)> &dead,
                               commerce::CancelCheck &cancel) {
  MetaData meta = snapshot.meta();
  std::vector<core::SegmentView> inputs = snapshot.views(from, to);
  if (take_pending && snapshot.pending() != nullptr) inputs.push_back(*snapshot.pending());
  PageSink sink(index, meta.next_segment_id);
  const core::MergeResult merged = core::merge_segments(inputs, dead, sink, cancel);
  std::vector<BlockNumber> unlinked;
  std::vector<SegmentRef> list(meta.segments, meta.segments + from);
  if (merged.header.documents > 0) {
    list.push_back(sink.finish(merged.header));
  } else {
    unlinked = sink.written();
  }
  list.insert(list.end(), meta.segments + to, meta.segments + meta.segment_count);
  meta.segment_count = static_cast<std::uint32_t>(list.size());
  std::copy(list.begin(), list.end(), meta.segments);
  meta.next_segment_id += 1;
  if (take_pending) {
    meta.pending_head = meta.pending_tail = InvalidBlockNumber;
    meta.pending_docs = meta.pending_pages = 0;
    meta.pending_bytes = 0;
    meta.pending_length = 0.0;
    unlinked.insert(unlinked.end(), snapshot.pending_blocks().begin(),
                    snapshot.pending_blocks().end());
  }
  call_pg([&] { write_meta(index, &meta); });
  for (std::uint32_t i = from; i < to; ++i) {
    const std::vector<BlockNumber> blocks = snapshot.segment_blocks(i);
    unlinked.insert(unlinked.end(), blocks.begin(), blocks.end());
  }
  mark_all_deleted(index, unlinked);
  return merged.removed;
}

void flush_pending(Relation index, const std::vector<core::AnalysedDocument> &extra,
                   commerce::CancelCheck &cancel) {
  const IndexSnapshot snapshot(index, true, &extra);
  if (snapshot.pending() == nullptr) return;
  const MetaData &meta = snapshot.meta();
  std::uint64_t documents = snapshot.pending()->header.documents;
  std::uint32_t from = meta.segment_count;
  while (from > 0 && meta.segments[from - 1].header.documents <= 2 * documents) {
    documents += meta.segments[from - 1].header.documents;
    --from;
  }
  if (from == kMaxSegments) from = kMaxSegments - 1;  // the list is full: merge the last one too
  replace_segments(
      index, snapshot, from, meta.segment_count, true, [](std::int64_t) { return false; }, cancel);
}

void append_segment(Relation index, MetaData &meta, const core::InvertedIndex &documents,
                    const std::vector<std::int64_t> &keys) {
  PageSink sink(index, meta.next_segment_id);
  const core::SegmentHeader header = core::write_segment(documents, keys, sink);
  meta.segments[meta.segment_count++] = sink.finish(header);
  meta.next_segment_id += 1;
  call_pg([&] { write_meta(index, &meta); });
}

}  // namespace commerce::pg::bm25
