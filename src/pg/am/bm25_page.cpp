// Page operations of the commerce_bm25 index (layout in bm25_page.h).
#include "pg/am/bm25_page.h"
#include "pg/am/logged_page.h"

#include <cstring>

extern "C" {
#include "access/generic_xlog.h"
#include "access/transam.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/indexfsm.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace commerce::pg::bm25 {

std::uint64_t MetaData::documents() const {
  std::uint64_t n = pending_docs;
  for (std::uint32_t i = 0; i < segment_count; ++i) n += segments[i].header.documents;
  return n;
}

double MetaData::total_length() const {
  double total = pending_length;
  for (std::uint32_t i = 0; i < segment_count; ++i) total += segments[i].header.total_length;
  return total;
}

namespace {

PageOpaque *opaque_of(Page page) {
  return reinterpret_cast<PageOpaque *>(PageGetSpecialPointer(page));
}

void put_meta(Page page, const MetaData *meta) {
  PageInit(page, BLCKSZ, sizeof(PageOpaque));
  PageOpaque *o = opaque_of(page);
  o->kind = kMetaPage;
  o->next = InvalidBlockNumber;
  std::memcpy(PageGetContents(page), meta, sizeof(MetaData));
  reinterpret_cast<PageHeader>(page)->pd_lower = static_cast<LocationIndex>(
      PageGetContents(page) - reinterpret_cast<char *>(page) + sizeof(MetaData));
}

// A new page to write: a free page from the free space map if there is one, else a new block.
// Returned exclusively locked.
Buffer allocate_buffer(Relation index) {
  for (;;) {
    const BlockNumber block = GetFreeIndexPage(index);
    if (block == InvalidBlockNumber) break;
    Buffer buffer = ReadBuffer(index, block);
    if (ConditionalLockBuffer(buffer)) {
      Page page = BufferGetPage(buffer);
      if (PageIsNew(page) || opaque_of(page)->kind == kFreePage) return buffer;
      LockBuffer(buffer, BUFFER_LOCK_UNLOCK);
    }
    ReleaseBuffer(buffer);
  }
  LockRelationForExtension(index, ExclusiveLock);
  Buffer buffer = ReadBuffer(index, P_NEW);
  LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
  UnlockRelationForExtension(index, ExclusiveLock);
  return buffer;
}

void init_pending_page(Page page) {
  PageInit(page, BLCKSZ, sizeof(PageOpaque));
  PageOpaque *o = opaque_of(page);
  o->kind = kPendingPage;
  o->next = InvalidBlockNumber;
}

}  // namespace

void read_meta(Relation index, MetaData *meta) {
  Buffer buffer = ReadBuffer(index, kMetaBlock);
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  Page page = BufferGetPage(buffer);
  const bool is_meta = !PageIsNew(page) && opaque_of(page)->kind == kMetaPage;
  if (is_meta) std::memcpy(meta, PageGetContents(page), sizeof(MetaData));
  UnlockReleaseBuffer(buffer);
  if (!is_meta || meta->magic != kMagic || meta->version != kVersion) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("index \"%s\" is not a commerce_bm25 index of version %u",
                           RelationGetRelationName(index), kVersion),
                    errhint("REINDEX the index.")));
  }
}

void write_meta(Relation index, const MetaData *meta) {
  write_logged_page(index, MAIN_FORKNUM, kMetaBlock, 0, [&](Page page) { put_meta(page, meta); });
}

void create_meta(Relation index, ForkNumber fork, const MetaData *meta) {
  write_logged_page(index, fork, P_NEW, GENERIC_XLOG_FULL_IMAGE,
                    [&](Page page) { put_meta(page, meta); });
}

void lock_writers(Relation index) {
  LockPage(index, kMetaBlock, ExclusiveLock);
}

void unlock_writers(Relation index) {
  UnlockPage(index, kMetaBlock, ExclusiveLock);
}

void init_page_image(char *image, PageKind kind, std::uint32_t segment, BlockNumber next) {
  Page page = static_cast<Page>(image);
  PageInit(page, BLCKSZ, sizeof(PageOpaque));
  PageOpaque *o = opaque_of(page);
  o->kind = kind;
  o->segment = segment;
  o->next = next;
}

char *page_payload(char *image) {
  return PageGetContents(static_cast<Page>(image));
}

PageOpaque *page_opaque(char *image) {
  return opaque_of(static_cast<Page>(image));
}

void set_payload_used(char *image, std::size_t used) {
  Page page = static_cast<Page>(image);
  reinterpret_cast<PageHeader>(page)->pd_lower =
      static_cast<LocationIndex>(PageGetContents(page) - image + used);
}

void write_new_pages(Relation index, const char *images, int count, BlockNumber *blocks) {
  Buffer buffers[MAX_GENERIC_XLOG_PAGES];
  for (int i = 0; i < count; ++i) {
    buffers[i] = allocate_buffer(index);
    blocks[i] = BufferGetBlockNumber(buffers[i]);
  }
  GenericXLogState *state = GenericXLogStart(index);
  for (int i = 0; i < count; ++i) {
    Page page = GenericXLogRegisterBuffer(state, buffers[i], GENERIC_XLOG_FULL_IMAGE);
    std::memcpy(page, images + static_cast<std::size_t>(i) * BLCKSZ, BLCKSZ);
  }
  GenericXLogFinish(state);
  for (int i = 0; i < count; ++i) UnlockReleaseBuffer(buffers[i]);
}

bool copy_data(Relation index, BlockNumber block, std::uint32_t segment, std::size_t offset,
               char *dst, std::size_t size, Buffer *hint) {
  // A temporary index's block may have the tag of a permanent one's: a hint is only taken for
  // the kind of buffers the index uses.
  Buffer buffer = InvalidBuffer;
  if (hint != nullptr && *hint != InvalidBuffer &&
      BufferIsLocal(*hint) == RelationUsesLocalBuffers(index) &&
      ReadRecentBuffer(index->rd_node, MAIN_FORKNUM, block, *hint)) {
    buffer = *hint;
  } else {
    buffer = ReadBuffer(index, block);
    if (hint != nullptr) *hint = buffer;
  }
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  Page page = BufferGetPage(buffer);
  const PageOpaque *o = PageIsNew(page) ? nullptr : opaque_of(page);
  const bool ok =
      o != nullptr && o->kind == kDataPage && o->segment == segment && offset + size <= kPayload;
  if (ok) std::memcpy(dst, PageGetContents(page) + offset, size);
  UnlockReleaseBuffer(buffer);
  return ok;
}

int read_directory(Relation index, BlockNumber block, std::uint32_t segment, BlockNumber *out,
                   BlockNumber *next) {
  Buffer buffer = ReadBuffer(index, block);
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  Page page = BufferGetPage(buffer);
  const PageOpaque *o = PageIsNew(page) ? nullptr : opaque_of(page);
  int count = -1;
  if (o != nullptr && o->kind == kDirectoryPage && o->segment == segment) {
    std::uint32_t n;
    std::memcpy(&n, PageGetContents(page), sizeof(n));
    if (n <= kDirectoryEntries) {
      std::memcpy(out, PageGetContents(page) + sizeof(n), n * sizeof(BlockNumber));
      count = static_cast<int>(n);
      *next = o->next;
    }
  }
  UnlockReleaseBuffer(buffer);
  return count;
}

void copy_page(Relation index, BlockNumber block, char *image) {
  Buffer buffer = ReadBuffer(index, block);
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  std::memcpy(image, BufferGetPage(buffer), BLCKSZ);
  UnlockReleaseBuffer(buffer);
}

void mark_deleted(Relation index, const BlockNumber *blocks, int count) {
  Buffer buffers[MAX_GENERIC_XLOG_PAGES];
  const std::uint64_t xid = U64FromFullTransactionId(ReadNextFullTransactionId());
  for (int i = 0; i < count; ++i) {
    buffers[i] = ReadBuffer(index, blocks[i]);
    LockBuffer(buffers[i], BUFFER_LOCK_EXCLUSIVE);
  }
  GenericXLogState *state = GenericXLogStart(index);
  for (int i = 0; i < count; ++i) {
    Page page = GenericXLogRegisterBuffer(state, buffers[i], 0);
    if (PageIsNew(page)) continue;
    PageOpaque *o = opaque_of(page);
    o->flags |= kDeletedFlag;
    o->deleted_xid = xid;
  }
  GenericXLogFinish(state);
  for (int i = 0; i < count; ++i) UnlockReleaseBuffer(buffers[i]);
}

std::size_t max_pending_record() {
  return 2048;
}

void append_pending(Relation index, MetaData *meta, const char *record, std::size_t size,
                    double length) {
  Buffer meta_buffer = ReadBuffer(index, kMetaBlock);
  LockBuffer(meta_buffer, BUFFER_LOCK_EXCLUSIVE);
  Buffer tail = InvalidBuffer, fresh = InvalidBuffer;
  if (meta->pending_tail != InvalidBlockNumber) {
    tail = ReadBuffer(index, meta->pending_tail);
    LockBuffer(tail, BUFFER_LOCK_EXCLUSIVE);
  }
  GenericXLogState *state = GenericXLogStart(index);
  Page meta_page = GenericXLogRegisterBuffer(state, meta_buffer, 0);
  Page tail_page = tail != InvalidBuffer ? GenericXLogRegisterBuffer(state, tail, 0) : nullptr;
  bool added =
      tail_page != nullptr && PageAddItem(tail_page, const_cast<char *>(record), size,
                                          InvalidOffsetNumber, false, false) != InvalidOffsetNumber;
  if (!added) {
    fresh = allocate_buffer(index);
    Page page = GenericXLogRegisterBuffer(state, fresh, GENERIC_XLOG_FULL_IMAGE);
    init_pending_page(page);
    if (PageAddItem(page, const_cast<char *>(record), size, InvalidOffsetNumber, false, false) ==
        InvalidOffsetNumber) {
      elog(ERROR, "commerce_bm25 pending record of %zu bytes does not fit a page", size);
    }
    const BlockNumber block = BufferGetBlockNumber(fresh);
    if (tail_page != nullptr) {
      opaque_of(tail_page)->next = block;
    } else {
      meta->pending_head = block;
    }
    meta->pending_tail = block;
    meta->pending_pages += 1;
  }
  meta->pending_docs += 1;
  meta->pending_bytes += size;
  meta->pending_length += length;
  put_meta(meta_page, meta);
  GenericXLogFinish(state);
  if (fresh != InvalidBuffer) UnlockReleaseBuffer(fresh);
  if (tail != InvalidBuffer) UnlockReleaseBuffer(tail);
  UnlockReleaseBuffer(meta_buffer);
}

BlockNumber recycle_pages(Relation index, BufferAccessStrategy strategy, const bool *referenced,
                          BlockNumber count, BlockNumber *deleted) {
  const BlockNumber blocks = RelationGetNumberOfBlocks(index);
  BlockNumber free_pages = 0;
  *deleted = 0;
  for (BlockNumber block = kMetaBlock + 1; block < blocks; ++block) {
    CHECK_FOR_INTERRUPTS();
    Buffer buffer = ReadBufferExtended(index, MAIN_FORKNUM, block, RBM_NORMAL, strategy);
    LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
    Page page = BufferGetPage(buffer);
    bool is_free = PageIsNew(page) || opaque_of(page)->kind == kFreePage;
    const bool in_use = block < count && referenced[block];
    if (!is_free && !in_use && (opaque_of(page)->flags & kDeletedFlag) == 0) {
      GenericXLogState *state = GenericXLogStart(index);
      PageOpaque *o = opaque_of(GenericXLogRegisterBuffer(state, buffer, 0));
      o->flags |= kDeletedFlag;
      o->deleted_xid = U64FromFullTransactionId(ReadNextFullTransactionId());
      GenericXLogFinish(state);
      *deleted += 1;
    } else if (!is_free && (opaque_of(page)->flags & kDeletedFlag) != 0) {
      const FullTransactionId xid = FullTransactionIdFromU64(opaque_of(page)->deleted_xid);
      if (GlobalVisCheckRemovableFullXid(nullptr, xid)) {
        GenericXLogState *state = GenericXLogStart(index);
        Page p = GenericXLogRegisterBuffer(state, buffer, GENERIC_XLOG_FULL_IMAGE);
        init_page_image(reinterpret_cast<char *>(p), kFreePage, 0, InvalidBlockNumber);
        GenericXLogFinish(state);
        is_free = true;
      } else {
        *deleted += 1;
      }
    }
    UnlockReleaseBuffer(buffer);
    if (is_free) {
      RecordFreeIndexPage(index, block);
      free_pages += 1;
    }
  }
  IndexFreeSpaceMapVacuum(index);
  return free_pages;
}

}  // namespace commerce::pg::bm25
