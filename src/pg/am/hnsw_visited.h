// The visited set of an index scan. Node ids on pages are (block << 16 | offset), and a page
// holds at most max_elements_per_page elements, so one bit per possible element of the blocks
// the index had when the scan started names every element densely: starting a scan is one
// calloc (lazily zeroed pages for big indexes) and a test is one load, where a hash set cost a
// probe into a growing table per link. Ids outside that range (pages added by concurrent inserts
// during the scan) go to a hash set. Pure C++: no PostgreSQL call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "core/vector/hnsw/visited.h"

namespace commerce::pg::hnsw {

class ScanVisited {
 public:
  ScanVisited(std::uint32_t blocks, std::size_t per_block)
      : per_block_(per_block), limit_(static_cast<std::size_t>(blocks) * per_block) {
    bits_ = static_cast<std::uint64_t *>(std::calloc(limit_ / 64 + 1, sizeof(std::uint64_t)));
    if (bits_ == nullptr) throw std::bad_alloc();
    overflow_.reset(64);
  }
  ~ScanVisited() { std::free(bits_); }
  ScanVisited(const ScanVisited &) = delete;
  ScanVisited &operator=(const ScanVisited &) = delete;

  // True when `id` was not yet visited (and marks it).
  bool insert(vector::hnsw::NodeId id) {
    const std::size_t offset = static_cast<std::size_t>(id & 0xffff);
    const std::size_t slot = static_cast<std::size_t>(id >> 16) * per_block_ + offset - 1;
    if (offset == 0 || offset > per_block_ || slot >= limit_) return overflow_.insert(id);
    std::uint64_t &word = bits_[slot / 64];
    const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
    if ((word & bit) != 0) return false;
    word |= bit;
    return true;
  }

 private:
  std::size_t per_block_;
  std::size_t limit_;
  std::uint64_t *bits_;
  vector::hnsw::HashVisited overflow_;
};

}  // namespace commerce::pg::hnsw
