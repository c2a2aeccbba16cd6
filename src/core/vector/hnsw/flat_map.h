// An open-addressing hash map from NodeId to a small value, for per-scan bookkeeping over
// sparse ids (block/offset on index pages). A scan touches thousands of ids per query;
// std::unordered_map's node allocation per insert costs more than the lookups themselves.
#pragma once
#include "core/pure_cpp.h"

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/vector/hnsw/graph_view.h"

namespace commerce::vector::hnsw {

template <typename Value>
class FlatMap {
 public:
  explicit FlatMap(std::size_t expected = 1024) { clear(expected); }

  // Empties the map, sized for about `expected` entries before it grows.
  void clear(std::size_t expected) {
    std::size_t capacity = 64;
    while (capacity < expected * 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
    size_ = 0;
  }

  // The value for `id`, inserting a default one if absent; `inserted` says which.
  Value &emplace(NodeId id, bool &inserted) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    Slot &slot = find_slot(id);
    inserted = slot.key == 0;
    if (inserted) {
      slot.key = id + 1;
      slot.value = Value{};
      ++size_;
    }
    return slot.value;
  }

  // nullptr when absent.
  const Value *find(NodeId id) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(id) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == id + 1) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    NodeId key = 0;  // id + 1; 0 marks an empty slot
    Value value{};
  };

  static std::size_t hash(NodeId id) {
    return static_cast<std::size_t>((id * 0x9e3779b97f4a7c15ULL) >> 17);
  }

  Slot &find_slot(NodeId id) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(id) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == id + 1 || slots_[i].key == 0) return slots_[i];
    }
  }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, Slot{});
    for (const Slot &s : old) {
      if (s.key != 0) find_slot(s.key - 1) = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace commerce::vector::hnsw
