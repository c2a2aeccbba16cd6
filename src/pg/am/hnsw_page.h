// The on-disk layout of a commerce_hnsw index and the page operations on it. Every page change
// goes through GenericXLog, so the index survives a crash and replays on a standby without a
// custom redo routine.
//
// Block 0 is the meta page (parameters, entry point, element counter). Every other page holds
// elements: one per indexed row, a fixed-size item with the row's heap TID, its vector (in the
// metric's prepared form; float, or binary16 with storage = float16), and its neighbour lists for
// layers 0..level, each a count followed by max_links(layer) item pointers. Fixed sizes let a
// neighbour list be rewritten in place.
//
// The functions here are plain PostgreSQL code (they can raise ERROR); C++ code calls them
// through call_pg.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/vector/hnsw/graph_view.h"
#include "core/vector/hnsw/metric.h"
#include "pg/pg_headers.h"

extern "C" {
#include "common/relpath.h"
#include "storage/block.h"
#include "storage/buf.h"
#include "storage/itemptr.h"
#include "utils/relcache.h"
}

namespace commerce::pg::hnsw {

using commerce::vector::hnsw::NodeId;

inline constexpr BlockNumber kMetaBlock = 0;
inline constexpr std::uint32_t kMagic = 0x48574e43;  // "CNWH"
inline constexpr std::uint32_t kVersion = 1;
// Levels stored on pages are capped so that an element's size is bounded (the chance that a
// node would be drawn above it is m^-8, below 1e-9 for m = 16).
inline constexpr int kMaxStoredLevel = 8;

struct MetaData {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint16_t dims;
  std::uint16_t m;
  std::uint16_t ef_construction;
  std::uint8_t metric;      // commerce::vector::hnsw::Metric
  std::uint8_t storage;     // Storage (0, float, in indexes built before the option existed)
  BlockNumber entry_block;  // InvalidBlockNumber while the index is empty
  OffsetNumber entry_offset;
  std::int16_t entry_level;
  BlockNumber insert_block;  // where the next element is tried first
  std::uint64_t inserted;    // elements ever inserted: the level-assignment sequence
};

struct ElementHeader {
  std::uint8_t level;
  std::uint8_t deleted;  // set by VACUUM: never returned, kept only as a tombstone
  std::uint16_t unused;
  ItemPointerData heap_tid;
  std::uint16_t pad;
};
static_assert(sizeof(ElementHeader) == 12);

// How element vectors are stored: WITH (storage = float32 | float16).
enum class Storage : std::uint8_t { kFloat32 = 0, kFloat16 = 1 };

// No element holds more vector values than this: an element fits one page.
inline constexpr std::size_t kMaxElementDims = BLCKSZ / 2;

// Sizes and offsets of elements for one index (dims, m and storage are fixed at build).
struct Layout {
  int dims;
  int m;
  Storage storage = Storage::kFloat32;

  bool half() const { return storage == Storage::kFloat16; }
  std::size_t value_bytes() const { return half() ? sizeof(std::uint16_t) : sizeof(float); }
  std::size_t vector_bytes() const { return value_bytes() * static_cast<std::size_t>(dims); }

  int max_links(int level) const { return level == 0 ? 2 * m : m; }
  std::size_t vector_offset() const { return sizeof(ElementHeader); }
  std::size_t links_offset(int level) const {
    std::size_t offset = vector_offset() + vector_bytes();
    for (int l = 0; l < level; ++l) offset += list_bytes(l);
    return offset;
  }
  std::size_t list_bytes(int level) const {
    return sizeof(std::uint16_t) +
           sizeof(ItemPointerData) * static_cast<std::size_t>(max_links(level));
  }
  std::size_t element_size(int level) const { return links_offset(level + 1); }
  std::size_t max_element_size() const { return element_size(kMaxStoredLevel); }
};

// Largest element a page holds (one item and its line pointer on an empty page).
std::size_t max_item_size();
// The most elements one page can hold (all of level 0, the smallest): offsets never exceed it.
std::size_t max_elements_per_page(const Layout &layout);

inline NodeId node_id(BlockNumber block, OffsetNumber offset) {
  return (static_cast<NodeId>(block) << 16) | offset;
}
inline BlockNumber node_block(NodeId id) {
  return static_cast<BlockNumber>(id >> 16);
}
inline OffsetNumber node_offset(NodeId id) {
  return static_cast<OffsetNumber>(id & 0xffff);
}

// An element copied out of its page. Accessors read the copy.
struct ElementView {
  const char *bytes;
  const Layout *layout;

  const ElementHeader &header() const { return *reinterpret_cast<const ElementHeader *>(bytes); }
  // Copies the vector to `out` (dims floats), converting from half when stored so.
  void copy_vector(float *out) const;
  int link_count(int level) const;
  NodeId link(int level, int i) const;
};

// Stores `values` (dims floats, which fit half when the layout says so) as the element's vector.
void write_vector(char *element, const Layout &layout, const float *values);
// Writes a neighbour list for `level` into an element buffer.
void write_links(char *element, const Layout &layout, int level, const NodeId *ids, int count);

// --- page operations (may raise ERROR) ---

// Where the backend last found each block of one index in shared buffers, so that a scan pins a
// page with ReadRecentBuffer (which checks the buffer still holds that block) instead of a lookup
// in the shared buffer mapping table, which was a tenth of a scan's time. Only hints: a stale
// entry costs one failed check and an ordinary ReadBuffer. Callers pass nullptr for none.
struct BufferHints {
  Buffer *slots;  // indexed by block number; InvalidBuffer when unknown
  BlockNumber size;
};
// The backend's hints for `index`, covering its current blocks. One index at a time: asking for
// another index (or after a REINDEX) starts from empty hints.
BufferHints *buffer_hints(Relation index);

// Reads the meta page; ERROR (55000) when it is not a commerce_hnsw meta page of this version.
void read_meta(Relation index, MetaData *meta);
// Overwrites the meta page.
void write_meta(Relation index, const MetaData *meta);
// Creates block 0 of `fork` (the main fork in a build, the init fork for unlogged tables).
void create_meta(Relation index, ForkNumber fork, const MetaData *meta);

// Copies the element at (block, offset) into `dest` (at least layout.max_element_size()).
void read_element(Relation index, NodeId id, char *dest, std::size_t capacity);
// The graph distance from `query` (dims floats, or nullptr for "all equal": 0) to the element's
// vector, computed on the page under a share lock; copies only the header to `header`, and
// when `norm` is not nullptr stores the vector's Euclidean norm there.
float element_distance(Relation index, NodeId id, const float *query, const Layout &layout,
                       commerce::vector::hnsw::Metric metric, ElementHeader *header,
                       BufferHints *hints = nullptr, float *norm = nullptr);
// element_distance for `count` elements, a few pages at a time: up to six pages are pinned and
// share-locked together, their elements' distances computed, then all six released.
// `headers` may be nullptr.
void element_distances(Relation index, const NodeId *ids, std::size_t count, const float *query,
                       const Layout &layout, commerce::vector::hnsw::Metric metric,
                       ElementHeader *headers, float *out, BufferHints *hints = nullptr);
// Copies the element's links on `level` into `out` (room for layout.max_links(level)); returns
// their number, 0 when the element does not reach `level`.
int read_links(Relation index, NodeId id, const Layout &layout, int level, NodeId *out,
               BufferHints *hints = nullptr);
// Overwrites an element in place with bytes of the same size.
void overwrite_element(Relation index, NodeId id, const char *src, std::size_t size);
// Overwrites `size` bytes at `offset` inside an element (e.g. one neighbour list or the header).
void patch_element(Relation index, NodeId id, std::size_t offset, const char *src,
                   std::size_t size);
// Stores a new element on `*insert_block` if it fits there, else on a new page at the end of the
// index (updating *insert_block). Returns its id.
NodeId append_element(Relation index, BlockNumber *insert_block, const char *src, std::size_t size);
// Appends a finished page image as a new block (used by the build, which lays pages out itself).
BlockNumber append_page(Relation index, const char *image);

// Lays out a fresh element page image in `image` (BLCKSZ bytes).
void init_element_page(char *image);
// Adds an item to a page image; returns its offset, or InvalidOffsetNumber when it is full.
OffsetNumber add_to_page_image(char *image, const char *src, std::size_t size);

}  // namespace commerce::pg::hnsw
