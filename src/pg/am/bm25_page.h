// The on-disk layout of a commerce_bm25 index and the page operations on it. Every page change
// goes through GenericXLog (at most 4 pages per record), so the index is crash-safe and replays
// on a standby without a custom redo routine.
//
// Block 0, the meta page: analyzer and column weights fixed at build, the segment list (each
// segment's id, first directory page and SegmentHeader), the pending list's ends and size, and
// the next segment id. Corpus statistics are the sums over segments plus the pending list.
// Segment pages: a segment's byte stream (src/core/text/bm25/segment.h) is cut into data pages of
// kPayload bytes; its directory pages list the data pages in order (a chain from the first).
// Pending pages: a chain of pages whose items are encoded documents (GIN's fastupdate idea).
// Pages that a new meta page no longer references are marked deleted with the next transaction
// id at that moment, but keep their contents: a scan that read the old meta page may still read
// them. VACUUM turns them into free pages once no running transaction can be that old (nbtree's
// safexid rule), and only free pages are reused.
//
// The functions here are plain PostgreSQL code (they can raise ERROR); C++ code calls them
// through call_pg.
#pragma once

#include <cstdint>

#include "core/text/bm25/segment.h"
#include "pg/pg_headers.h"

extern "C" {
#include "common/relpath.h"
#include "storage/block.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/itemptr.h"
#include "utils/relcache.h"
}

namespace commerce::pg::bm25 {

inline constexpr BlockNumber kMetaBlock = 0;
inline constexpr std::uint32_t kMagic = 0x35324d42;  // "BM25"
inline constexpr std::uint32_t kVersion = 2;         // 2: per-block impacts (segment.h)
inline constexpr int kMaxSegments = 48;
inline constexpr int kMaxColumns = 32;
inline constexpr int kMaxAnalyzerName = 64;

enum PageKind : std::uint16_t {
  kMetaPage = 1,
  kDataPage = 2,
  kDirectoryPage = 3,
  kPendingPage = 4,
  kFreePage = 5,
};
inline constexpr std::uint16_t kDeletedFlag = 1;

struct PageOpaque {
  std::uint16_t kind;
  std::uint16_t flags;
  std::uint32_t segment;  // data and directory pages: the segment's id
  BlockNumber next;       // directory and pending chains
  std::uint32_t unused;
  std::uint64_t deleted_xid;  // with kDeletedFlag: FullTransactionId when it was unlinked
};
static_assert(sizeof(PageOpaque) == 24);

// Bytes of segment stream per data page.
inline constexpr std::size_t kPayload =
    BLCKSZ - MAXALIGN(SizeOfPageHeaderData) - sizeof(PageOpaque);
// Block numbers per directory page (a count, then the blocks).
inline constexpr std::size_t kDirectoryEntries =
    (kPayload - sizeof(std::uint32_t)) / sizeof(BlockNumber);

struct SegmentRef {
  std::uint32_t id;
  BlockNumber directory;
  std::uint32_t data_pages;
  std::uint32_t directory_pages;
  commerce::text::bm25::SegmentHeader header;
};

struct MetaData {
  std::uint32_t magic;
  std::uint32_t version;
  char analyzer[kMaxAnalyzerName];
  std::uint32_t columns;
  std::uint32_t next_segment_id;
  double weights[kMaxColumns];
  std::uint32_t segment_count;
  BlockNumber pending_head;  // InvalidBlockNumber when the pending list is empty
  BlockNumber pending_tail;
  std::uint32_t pending_docs;
  std::uint32_t pending_pages;
  std::uint32_t unused;
  std::uint64_t pending_bytes;
  double pending_length;
  SegmentRef segments[kMaxSegments];

  std::uint64_t documents() const;
  double total_length() const;
};
static_assert(sizeof(MetaData) < kPayload);

// Reads the meta page; ERROR (55000) when it is not a commerce_bm25 meta page of this version.
void read_meta(Relation index, MetaData *meta);
// Overwrites the meta page (one WAL record).
void write_meta(Relation index, const MetaData *meta);
// Creates block 0 of `fork` (the main fork in a build, the init fork for unlogged tables).
void create_meta(Relation index, ForkNumber fork, const MetaData *meta);

// Serialises writers (inserts, pending-list flushes, VACUUM): a heavyweight lock on block 0.
// Scans never take it.
void lock_writers(Relation index);
void unlock_writers(Relation index);

// Writes `count` (1..4) page images of BLCKSZ bytes as new pages (free pages first, else by
// extending the relation) in one WAL record; stores their block numbers in `blocks`.
void write_new_pages(Relation index, const char *images, int count, BlockNumber *blocks);
// Lays out an empty page image of `kind` for `segment`.
void init_page_image(char *image, PageKind kind, std::uint32_t segment, BlockNumber next);
// The payload area of a page image and its opaque data.
char *page_payload(char *image);
PageOpaque *page_opaque(char *image);
// Records that `used` payload bytes of the image hold data (pd_lower), so WAL keeps them.
void set_payload_used(char *image, std::size_t used);

// Copies `size` bytes at `offset` of data page `block` into dst; false when the page is not a
// data page of `segment` (it was recycled: the caller raises 40001). `hint`, when not null, is
// the buffer that held the block last time (InvalidBuffer when unknown): the page is pinned with
// ReadRecentBuffer, which checks the buffer still holds it, instead of a lookup in the shared
// buffer mapping table (6% of a one-word query's backend time); it is updated on a miss.
bool copy_data(Relation index, BlockNumber block, std::uint32_t segment, std::size_t offset,
               char *dst, std::size_t size, Buffer *hint);
// Copies a directory page's block numbers into out (room for kDirectoryEntries); returns their
// number and sets *next, or -1 when the page is not a directory page of `segment`.
int read_directory(Relation index, BlockNumber block, std::uint32_t segment, BlockNumber *out,
                   BlockNumber *next);
// Copies a whole page into image (BLCKSZ bytes) under a share lock.
void copy_page(Relation index, BlockNumber block, char *image);

// Marks up to 4 pages deleted as of the next transaction id (one WAL record).
void mark_deleted(Relation index, const BlockNumber *blocks, int count);

// Appends an encoded document to the pending list and updates the meta page (tail page, new
// page and meta page in one WAL record). `meta` is the caller's copy, updated too. Call under
// the writers' lock. `length` is the document's length.
void append_pending(Relation index, MetaData *meta, const char *record, std::size_t size,
                    double length);
// Largest pending record; longer documents go straight into a segment.
std::size_t max_pending_record();

// VACUUM's recycling pass, under the writers' lock: pages deleted long enough ago become free
// pages and are given to the free space map; pages that no segment or pending list references
// and that are not marked (left by a merge that failed midway) are marked deleted, to be freed
// by a later VACUUM. referenced[b] says whether block b (< count) is in use. Returns the number
// of free pages; *deleted counts the pages still waiting.
BlockNumber recycle_pages(Relation index, BufferAccessStrategy strategy, const bool *referenced,
                          BlockNumber count, BlockNumber *deleted);

}  // namespace commerce::pg::bm25
