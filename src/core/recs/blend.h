// Stage 1 of commerce.recommend for one history, on what the database stores: the history items'
// collaborative and transition neighbour lists and the global and segment popularity lists.
// Each of the four sources is summed per item (lists weighted by the history item's recency),
// scaled to a maximum of 1 and weighted; excluded items are dropped and the best `candidates`
// items come back best first. Per item it also keeps, per list source, the history item that
// contributed most (the reasons' "because" and "after").
#pragma once
#include "core/pure_cpp.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace commerce::recs {

// One stored neighbour list of a history item.
struct HistoryList {
  std::int64_t product;  // whose list
  bool transition;       // a transition list (else collaborative)
  std::span<const std::int64_t> items;
  std::span<const float> weights;  // same length as items
};

// A popularity list, best first.
struct PopularityList {
  std::span<const std::int64_t> items;
  std::span<const float> scores;
};

struct BlendParams {
  std::span<const std::int64_t> history;   // newest first
  std::span<const std::int64_t> excluded;  // never returned
  std::array<float, 4> weights{};          // collaborative, transition, popularity, segment
  double history_decay = 0.8;              // collaborative weight of the a-th newest: decay^(a-1)
  double transition_decay = 0.5;
  int transition_depth = 3;  // transition lists of the newest `depth` history items only
  std::size_t candidates = 500;
};

struct BlendedItem {
  std::int64_t item;
  std::array<float, 4> part;         // the four sources, each scaled to a maximum of 1
  float base;                        // weighted sum of the parts
  std::array<std::int64_t, 2> from;  // collaborative / transition: strongest history item
  std::array<bool, 2> has_from;      // whether that source reached the item at all
};

// Per item while blending: the four source sums, and per list source the strongest
// contribution, its history item and that item's age.
struct BlendParts {
  std::int64_t item;
  std::array<double, 4> score;
  std::array<double, 2> best;
  std::array<std::int64_t, 2> from;
  std::array<int, 2> from_age;
};

// Buffers one blend needs (a few hundred KB for a long history). A server process keeps one
// and reuses it: allocating them fresh cost page faults on every call.
struct BlendScratch {
  std::vector<std::pair<std::int64_t, int>> ages;  // history item, age; sorted
  std::vector<std::int32_t> slots;  // open-addressing table: index into parts, -1 = empty
  std::vector<BlendParts> parts;
  std::vector<std::uint8_t> dropped;  // per part: excluded
  struct Key {
    float base;
    std::int32_t part;  // index into parts
    std::int64_t item;
  };
  std::vector<Key> keys;  // the items ranked, 16 bytes each; rows are built for the kept only
  std::vector<BlendedItem> rows;
};

// The best `params.candidates` items by base (ties: lower item id first), in scratch.rows.
std::span<const BlendedItem> blend_history(std::span<const HistoryList> lists,
                                           const PopularityList &global,
                                           const PopularityList &segment, const BlendParams &params,
                                           BlendScratch &scratch);

// The same with buffers of its own.
std::vector<BlendedItem> blend_history(std::span<const HistoryList> lists,
                                       const PopularityList &global, const PopularityList &segment,
                                       const BlendParams &params);

}  // namespace commerce::recs
