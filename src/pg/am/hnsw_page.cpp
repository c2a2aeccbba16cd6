// Page operations of commerce_hnsw (see hnsw_page.h). Plain PostgreSQL code: no C++ object with
// a destructor is alive in these frames, so an ERROR raised here may longjmp through them.
#include "pg/am/hnsw_page.h"
#include "pg/am/logged_page.h"

#include "core/vector/distance.h"
#include "core/vector/hnsw/half.h"
#include "core/vector/hnsw/params.h"

#include <algorithm>
#include <cstring>

extern "C" {
#include "access/generic_xlog.h"
#include "storage/buf_internals.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/lmgr.h"
#include "utils/memutils.h"
#include "utils/rel.h"
}

namespace commerce::pg::hnsw {

namespace {

MetaData *meta_in(Page page) {
  return reinterpret_cast<MetaData *>(PageGetContents(page));
}

void put_meta(Page page, const MetaData *meta) {
  PageInit(page, BLCKSZ, 0);
  std::memcpy(PageGetContents(page), meta, sizeof(MetaData));
  // GenericXLog skips the hole between pd_lower and pd_upper: pd_lower must cover the meta data.
  reinterpret_cast<PageHeader>(page)->pd_lower =
      static_cast<LocationIndex>(reinterpret_cast<char *>(meta_in(page)) + sizeof(MetaData) - page);
}

[[noreturn]] void corrupted(Relation index, NodeId id) {
  ereport(ERROR, (errcode(ERRCODE_INDEX_CORRUPTED),
                  errmsg("commerce_hnsw index \"%s\" has no element at block %u offset %u",
                         RelationGetRelationName(index), node_block(id), node_offset(id)),
                  errhint("REINDEX the index.")));
}

// Reads and exclusively locks `id`'s page inside a GenericXLog record; returns the item.
char *begin_element_change(Relation index, NodeId id, Buffer *buffer, GenericXLogState **state,
                           std::size_t *length) {
  *buffer = ReadBuffer(index, node_block(id));
  LockBuffer(*buffer, BUFFER_LOCK_EXCLUSIVE);
  *state = GenericXLogStart(index);
  Page page = GenericXLogRegisterBuffer(*state, *buffer, 0);
  if (node_offset(id) < FirstOffsetNumber || node_offset(id) > PageGetMaxOffsetNumber(page)) {
    GenericXLogAbort(*state);
    UnlockReleaseBuffer(*buffer);
    corrupted(index, id);
  }
  ItemId item = PageGetItemId(page, node_offset(id));
  *length = ItemIdGetLength(item);
  return static_cast<char *>(PageGetItem(page, item));
}

}  // namespace

std::size_t max_item_size() {
  return BLCKSZ - MAXALIGN(SizeOfPageHeaderData) - sizeof(ItemIdData);
}

std::size_t max_elements_per_page(const Layout &layout) {
  return (BLCKSZ - SizeOfPageHeaderData) / (MAXALIGN(layout.element_size(0)) + sizeof(ItemIdData));
}

int ElementView::link_count(int level) const {
  std::uint16_t count;
  std::memcpy(&count, bytes + layout->links_offset(level), sizeof count);
  return count;
}

NodeId ElementView::link(int level, int i) const {
  ItemPointerData tid;
  std::memcpy(
      &tid,
      bytes + layout->links_offset(level) + sizeof(std::uint16_t) + sizeof(ItemPointerData) * i,
      sizeof tid);
  return node_id(ItemPointerGetBlockNumberNoCheck(&tid), ItemPointerGetOffsetNumberNoCheck(&tid));
}

void ElementView::copy_vector(float *out) const {
  const char *v = bytes + layout->vector_offset();
  const std::size_t dims = static_cast<std::size_t>(layout->dims);
  if (layout->half()) {
    // Items are only 4-byte aligned: copied out rather than read in place.
    commerce::vector::hnsw::Half halves[kMaxElementDims];
    std::memcpy(halves, v, layout->vector_bytes());
    commerce::vector::hnsw::from_half(halves, out, dims);
  } else {
    std::memcpy(out, v, layout->vector_bytes());
  }
}

void write_vector(char *element, const Layout &layout, const float *values) {
  char *v = element + layout.vector_offset();
  if (layout.half()) {
    commerce::vector::hnsw::Half halves[kMaxElementDims];
    commerce::vector::hnsw::to_half(values, halves, static_cast<std::size_t>(layout.dims));
    std::memcpy(v, halves, layout.vector_bytes());
  } else {
    std::memcpy(v, values, layout.vector_bytes());
  }
}

void write_links(char *element, const Layout &layout, int level, const NodeId *ids, int count) {
  char *list = element + layout.links_offset(level);
  const std::uint16_t n = static_cast<std::uint16_t>(count);
  std::memcpy(list, &n, sizeof n);
  ItemPointerData *slots = reinterpret_cast<ItemPointerData *>(list + sizeof n);
  for (int i = 0; i < layout.max_links(level); ++i) {
    ItemPointerData tid;
    if (i < count) {
      ItemPointerSet(&tid, node_block(ids[i]), node_offset(ids[i]));
    } else {
      ItemPointerSetInvalid(&tid);
    }
    std::memcpy(&slots[i], &tid, sizeof tid);
  }
}

void read_meta(Relation index, MetaData *meta) {
  Buffer buffer = ReadBuffer(index, kMetaBlock);
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  std::memcpy(meta, meta_in(BufferGetPage(buffer)), sizeof(MetaData));
  UnlockReleaseBuffer(buffer);
  if (meta->magic != kMagic || meta->version != kVersion ||
      meta->storage > static_cast<std::uint8_t>(Storage::kFloat16)) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("index \"%s\" is not a commerce_hnsw index of version %u",
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

void read_element(Relation index, NodeId id, char *dest, std::size_t capacity) {
  Buffer buffer = ReadBuffer(index, node_block(id));
  LockBuffer(buffer, BUFFER_LOCK_SHARE);
  Page page = BufferGetPage(buffer);
  if (node_offset(id) < FirstOffsetNumber || node_offset(id) > PageGetMaxOffsetNumber(page)) {
    UnlockReleaseBuffer(buffer);
    corrupted(index, id);
  }
  ItemId item = PageGetItemId(page, node_offset(id));
  const std::size_t length = ItemIdGetLength(item);
  std::memcpy(dest, PageGetItem(page, item), length < capacity ? length : capacity);
  UnlockReleaseBuffer(buffer);
}

namespace {

// The backend's hints (see BufferHints): one relation's, in TopMemoryContext.
RelFileNode hints_node;
// A temporary index's relfilenode number may equal a permanent one's, and its hints name local
// buffers: the key includes which kind of buffers the relation uses.
bool hints_local = false;
BufferHints hints_of_node = {nullptr, 0};

// Pins `block`, through its hint when there is one.
Buffer pin_block(Relation index, BlockNumber block, BufferHints *hints) {
  if (hints == nullptr || block >= hints->size) return ReadBuffer(index, block);
  const Buffer hint = hints->slots[block];
  if (hint != InvalidBuffer && ReadRecentBuffer(index->rd_node, MAIN_FORKNUM, block, hint))
    return hint;
  const Buffer buffer = ReadBuffer(index, block);
  hints->slots[block] = buffer;
  return buffer;
}

}  // namespace

BufferHints *buffer_hints(Relation index) {
  const BlockNumber blocks = RelationGetNumberOfBlocks(index);
  if (hints_of_node.slots == nullptr || !RelFileNodeEquals(hints_node, index->rd_node) ||
      hints_local != RelationUsesLocalBuffers(index)) {
    if (hints_of_node.slots != nullptr) pfree(hints_of_node.slots);
    hints_of_node = {nullptr, 0};  // nothing dangles if the allocation below fails
    hints_of_node.slots = static_cast<Buffer *>(MemoryContextAllocZero(
        TopMemoryContext, sizeof(Buffer) * std::max<BlockNumber>(blocks, 1)));
    hints_of_node.size = blocks;
    hints_node = index->rd_node;
    hints_local = RelationUsesLocalBuffers(index);
  } else if (blocks > hints_of_node.size) {
    hints_of_node.slots =
        static_cast<Buffer *>(repalloc(hints_of_node.slots, sizeof(Buffer) * blocks));
    for (BlockNumber b = hints_of_node.size; b < blocks; ++b)
      hints_of_node.slots[b] = InvalidBuffer;
    hints_of_node.size = blocks;
  }
  return &hints_of_node;
}

// Pins and share-locks `id`'s page and returns the item (caller unlocks and releases).
namespace {

// A batch's elements lie on pages all over shared memory, and their distances used to wait for
// each element's cache misses in turn (half of a scan's time). This asks the CPU for the lines
// of all of them first, so that the misses overlap. It works from the hints alone, without pins
// or locks, which is sound only because it never uses what it reads except as an address to
// prefetch: a stale hint or a line pointer read while another backend changes the page yields a
// useless prefetch, and a prefetch never faults and changes nothing.
void prefetch_elements(const NodeId *ids, std::size_t count, const BufferHints *hints,
                       std::size_t vector_bytes) {
  const char *pages[2 * commerce::vector::hnsw::kMaxM];
  for (std::size_t i = 0; i < count; ++i) {
    const BlockNumber block = node_block(ids[i]);
    const Buffer hint = block < hints->size ? hints->slots[block] : InvalidBuffer;
    pages[i] = hint == InvalidBuffer ? nullptr : static_cast<const char *>(BufferGetPage(hint));
    if (pages[i] == nullptr) continue;
    __builtin_prefetch(pages[i] + SizeOfPageHeaderData +
                       sizeof(ItemIdData) * (node_offset(ids[i]) - 1));
    // The buffer header, which pinning the page will lock.
    if (!BufferIsLocal(hint)) __builtin_prefetch(GetBufferDescriptor(hint - 1), 1);
  }
  const std::size_t bytes = std::min<std::size_t>(sizeof(ElementHeader) + vector_bytes, 1024);
  for (std::size_t i = 0; i < count; ++i) {
    if (pages[i] == nullptr) continue;
    const OffsetNumber offset = node_offset(ids[i]);
    // The line pointer must lie inside the page (a corrupt link could name any offset).
    if (offset < FirstOffsetNumber ||
        SizeOfPageHeaderData + sizeof(ItemIdData) * static_cast<std::size_t>(offset) > BLCKSZ)
      continue;
    // A relaxed atomic load: another backend may be writing the page; any value will do.
    const std::uint32_t raw =
        __atomic_load_n(reinterpret_cast<const std::uint32_t *>(pages[i] + SizeOfPageHeaderData +
                                                                sizeof(ItemIdData) * (offset - 1)),
                        __ATOMIC_RELAXED);
    ItemIdData item;
    std::memcpy(&item, &raw, sizeof item);
    const std::size_t at = ItemIdGetOffset(&item);
    if (at < SizeOfPageHeaderData || at >= BLCKSZ) continue;
    for (std::size_t line = 0; line < bytes && at + line < BLCKSZ; line += 64)
      __builtin_prefetch(pages[i] + at + line);
  }
}

// The graph distance from `query` (nullptr: 0) to the vector of the element at `item`.
float item_distance(const char *item, const float *query, const Layout &layout,
                    commerce::vector::hnsw::Metric metric) {
  if (query == nullptr) return 0.0f;
  const char *v = item + sizeof(ElementHeader);
  const std::size_t dims = static_cast<std::size_t>(layout.dims);
  if (layout.half()) {
    return commerce::vector::hnsw::graph_distance(
        metric, query, reinterpret_cast<const commerce::vector::hnsw::Half *>(v), dims);
  }
  return commerce::vector::hnsw::graph_distance(metric, query, reinterpret_cast<const float *>(v),
                                                dims);
}

const char *lock_element(Relation index, NodeId id, Buffer *buffer, BufferHints *hints) {
  *buffer = pin_block(index, node_block(id), hints);
  LockBuffer(*buffer, BUFFER_LOCK_SHARE);
  Page page = BufferGetPage(*buffer);
  if (node_offset(id) < FirstOffsetNumber || node_offset(id) > PageGetMaxOffsetNumber(page)) {
    UnlockReleaseBuffer(*buffer);
    corrupted(index, id);
  }
  return static_cast<const char *>(PageGetItem(page, PageGetItemId(page, node_offset(id))));
}
}  // namespace

float element_distance(Relation index, NodeId id, const float *query, const Layout &layout,
                       commerce::vector::hnsw::Metric metric, ElementHeader *header,
                       BufferHints *hints, float *norm) {
  Buffer buffer;
  const char *item = lock_element(index, id, &buffer, hints);
  std::memcpy(header, item, sizeof(ElementHeader));
  const float distance = item_distance(item, query, layout, metric);
  if (norm != nullptr) {
    const ElementView e{item, &layout};
    float values[kMaxElementDims];
    e.copy_vector(values);
    *norm =
        static_cast<float>(commerce::vector::norm(values, static_cast<std::size_t>(layout.dims)));
  }
  UnlockReleaseBuffer(buffer);
  return distance;
}

void element_distances(Relation index, const NodeId *ids, std::size_t count, const float *query,
                       const Layout &layout, commerce::vector::hnsw::Metric metric,
                       ElementHeader *headers, float *out, BufferHints *hints) {
  if (hints != nullptr) prefetch_elements(ids, count, hints, layout.vector_bytes());
  // The elements' pages are pinned and share-locked a few at a time, and the distances of the
  // elements on them computed before any is released: pinning and locking are atomic
  // instructions, which the CPU does not reorder with loads, so interleaving them with each
  // page's distances made every element's cache misses wait for the previous page's (with one
  // client on the synthetic benchmark set: 12% less backend CPU per query). At most kPagesAtOnce
  // pins are held, so that they stay in the backend's fixed array of private reference counts (8
  // entries) rather than overflowing into its hash table. Holding several share locks cannot
  // deadlock: writers of this index hold one buffer lock at a time (hnsw_vacuum.cpp, patch_element,
  // append_element).
  constexpr std::size_t kPagesAtOnce = 6;
  Buffer buffers[kPagesAtOnce];
  BlockNumber blocks[kPagesAtOnce];
  std::uint8_t page_of[2 * commerce::vector::hnsw::kMaxM];
  for (std::size_t start = 0; start < count;) {
    std::size_t pages = 0, end = start;
    for (; end < count; ++end) {
      const BlockNumber block = node_block(ids[end]);
      std::size_t p = 0;
      while (p < pages && blocks[p] != block) ++p;
      if (p == pages) {
        if (pages == kPagesAtOnce) break;
        blocks[p] = block;
        buffers[p] = pin_block(index, block, hints);
        LockBuffer(buffers[p], BUFFER_LOCK_SHARE);
        ++pages;
      }
      page_of[end] = static_cast<std::uint8_t>(p);
    }
    for (std::size_t i = start; i < end; ++i) {
      const Page page = BufferGetPage(buffers[page_of[i]]);
      const OffsetNumber offset = node_offset(ids[i]);
      if (offset < FirstOffsetNumber || offset > PageGetMaxOffsetNumber(page)) {
        for (std::size_t p = 0; p < pages; ++p) UnlockReleaseBuffer(buffers[p]);
        corrupted(index, ids[i]);
      }
      const char *item = static_cast<const char *>(PageGetItem(page, PageGetItemId(page, offset)));
      if (headers != nullptr) std::memcpy(&headers[i], item, sizeof(ElementHeader));
      out[i] = item_distance(item, query, layout, metric);
    }
    for (std::size_t p = 0; p < pages; ++p) UnlockReleaseBuffer(buffers[p]);
    start = end;
  }
}

int read_links(Relation index, NodeId id, const Layout &layout, int level, NodeId *out,
               BufferHints *hints) {
  Buffer buffer;
  const char *item = lock_element(index, id, &buffer, hints);
  const ElementView e{item, &layout};
  int count = 0;
  if (level <= e.header().level) {
    count = std::min(e.link_count(level), layout.max_links(level));
    for (int i = 0; i < count; ++i) out[i] = e.link(level, i);
  }
  UnlockReleaseBuffer(buffer);
  return count;
}

void overwrite_element(Relation index, NodeId id, const char *src, std::size_t size) {
  patch_element(index, id, 0, src, size);
}

void patch_element(Relation index, NodeId id, std::size_t offset, const char *src,
                   std::size_t size) {
  Buffer buffer;
  GenericXLogState *state;
  std::size_t length;
  char *item = begin_element_change(index, id, &buffer, &state, &length);
  if (offset + size > length) {
    GenericXLogAbort(state);
    UnlockReleaseBuffer(buffer);
    corrupted(index, id);
  }
  std::memcpy(item + offset, src, size);
  GenericXLogFinish(state);
  UnlockReleaseBuffer(buffer);
}

NodeId append_element(Relation index, BlockNumber *insert_block, const char *src,
                      std::size_t size) {
  if (*insert_block != kMetaBlock && *insert_block < RelationGetNumberOfBlocks(index)) {
    Buffer buffer = ReadBuffer(index, *insert_block);
    LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
    GenericXLogState *state = GenericXLogStart(index);
    Page page = GenericXLogRegisterBuffer(state, buffer, 0);
    if (PageGetFreeSpace(page) >= size) {
      const OffsetNumber offset =
          PageAddItem(page, const_cast<char *>(src), size, InvalidOffsetNumber, false, false);
      if (offset != InvalidOffsetNumber) {
        GenericXLogFinish(state);
        UnlockReleaseBuffer(buffer);
        return node_id(*insert_block, offset);
      }
    }
    GenericXLogAbort(state);
    UnlockReleaseBuffer(buffer);
  }
  LockRelationForExtension(index, ExclusiveLock);
  Buffer buffer = ReadBuffer(index, P_NEW);
  LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
  UnlockRelationForExtension(index, ExclusiveLock);
  GenericXLogState *state = GenericXLogStart(index);
  Page page = GenericXLogRegisterBuffer(state, buffer, GENERIC_XLOG_FULL_IMAGE);
  PageInit(page, BLCKSZ, 0);
  const OffsetNumber offset =
      PageAddItem(page, const_cast<char *>(src), size, InvalidOffsetNumber, false, false);
  if (offset == InvalidOffsetNumber) {
    GenericXLogAbort(state);
    UnlockReleaseBuffer(buffer);
    elog(ERROR, "commerce_hnsw element of %zu bytes does not fit an empty page", size);
  }
  *insert_block = BufferGetBlockNumber(buffer);
  GenericXLogFinish(state);
  UnlockReleaseBuffer(buffer);
  return node_id(*insert_block, offset);
}

BlockNumber append_page(Relation index, const char *image) {
  LockRelationForExtension(index, ExclusiveLock);
  Buffer buffer = ReadBuffer(index, P_NEW);
  LockBuffer(buffer, BUFFER_LOCK_EXCLUSIVE);
  UnlockRelationForExtension(index, ExclusiveLock);
  GenericXLogState *state = GenericXLogStart(index);
  Page page = GenericXLogRegisterBuffer(state, buffer, GENERIC_XLOG_FULL_IMAGE);
  std::memcpy(page, image, BLCKSZ);
  const BlockNumber block = BufferGetBlockNumber(buffer);
  GenericXLogFinish(state);
  UnlockReleaseBuffer(buffer);
  return block;
}

void init_element_page(char *image) {
  PageInit(static_cast<Page>(image), BLCKSZ, 0);
}

OffsetNumber add_to_page_image(char *image, const char *src, std::size_t size) {
  Page page = static_cast<Page>(image);
  if (PageGetFreeSpace(page) < size) return InvalidOffsetNumber;
  return PageAddItem(page, const_cast<char *>(src), size, InvalidOffsetNumber, false, false);
}

}  // namespace commerce::pg::hnsw
