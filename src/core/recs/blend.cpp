// The stage-1 blend: an open-addressing hash table over the few thousand items the history's
// lists and the popularity lists reach (std::unordered_map's node per item made the blend a
// fifth of a recommend call).
#include "core/recs/blend.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace commerce::recs {
namespace {

// Item -> parts in the scratch buffers, in insertion order; sized once for at most `capacity`
// items, linear probing.
class PartsTable {
 public:
  PartsTable(BlendScratch &scratch, std::size_t capacity)
      : mask_(std::bit_ceil(std::max<std::size_t>(16, 2 * capacity)) - 1),
        slots_(scratch.slots),
        parts_(scratch.parts) {
    slots_.assign(mask_ + 1, -1);
    parts_.clear();
    parts_.reserve(capacity);
  }

  BlendParts &operator[](std::int64_t item) {
    std::size_t at = slot_of(item);
    while (slots_[at] >= 0) {
      BlendParts &p = parts_[static_cast<std::size_t>(slots_[at])];
      if (p.item == item) return p;
      at = (at + 1) & mask_;
    }
    slots_[at] = static_cast<std::int32_t>(parts_.size());
    BlendParts &p = parts_.emplace_back();
    p = BlendParts{};
    p.item = item;
    return p;
  }

  // The index of `item` in parts(), or -1.
  std::int32_t find(std::int64_t item) const {
    std::size_t at = slot_of(item);
    while (slots_[at] >= 0) {
      if (parts_[static_cast<std::size_t>(slots_[at])].item == item) return slots_[at];
      at = (at + 1) & mask_;
    }
    return -1;
  }

  const std::vector<BlendParts> &parts() const { return parts_; }

 private:
  std::size_t slot_of(std::int64_t item) const {
    return (static_cast<std::uint64_t>(item) * 0x9E3779B97F4A7C15ull >> 20) & mask_;
  }

  std::size_t mask_;
  std::vector<std::int32_t> &slots_;
  std::vector<BlendParts> &parts_;
};

}  // namespace

std::span<const BlendedItem> blend_history(std::span<const HistoryList> lists,
                                           const PopularityList &global,
                                           const PopularityList &segment, const BlendParams &params,
                                           BlendScratch &scratch) {
  // History item -> age (1 = newest; the newest if an item repeats), by binary search in a sorted
  // array (a hash map allocated a node per history item on every call).
  std::vector<std::pair<std::int64_t, int>> &age = scratch.ages;
  age.clear();
  for (std::size_t i = 0; i < params.history.size(); ++i) {
    age.emplace_back(params.history[i], static_cast<int>(i) + 1);
  }
  std::sort(age.begin(), age.end());
  std::size_t bound = global.items.size() + segment.items.size();
  for (const HistoryList &list : lists) bound += list.items.size();
  PartsTable parts(scratch, bound);
  for (const HistoryList &list : lists) {
    const auto found = std::lower_bound(age.begin(), age.end(), std::pair{list.product, 0});
    if (found == age.end() || found->first != list.product) continue;
    const int source = list.transition ? 1 : 0;
    if (source == 1 && found->second > params.transition_depth) continue;
    const double factor =
        std::pow(source == 1 ? params.transition_decay : params.history_decay, found->second - 1);
    const std::size_t n = std::min(list.items.size(), list.weights.size());
    for (std::size_t e = 0; e < n; ++e) {
      BlendParts &p = parts[list.items[e]];
      const double contribution = factor * list.weights[e];
      p.score[source] += contribution;
      if (p.from_age[source] == 0 || contribution > p.best[source] ||
          (contribution == p.best[source] && found->second < p.from_age[source])) {
        p.best[source] = contribution;
        p.from[source] = list.product;
        p.from_age[source] = found->second;
      }
    }
  }
  const std::size_t n_global = std::min(global.items.size(), global.scores.size());
  for (std::size_t r = 0; r < n_global; ++r) parts[global.items[r]].score[2] = global.scores[r];
  const std::size_t n_segment = std::min(segment.items.size(), segment.scores.size());
  for (std::size_t r = 0; r < n_segment; ++r) parts[segment.items[r]].score[3] = segment.scores[r];
  std::array<double, 4> top{};
  for (const BlendParts &p : parts.parts()) {
    for (int s = 0; s < 4; ++s) top[s] = std::max(top[s], p.score[s]);
  }
  // Excluded items are found through the table (a binary search per item cost more).
  const std::vector<BlendParts> &all = parts.parts();
  std::vector<std::uint8_t> &dropped = scratch.dropped;
  dropped.assign(all.size(), 0);
  for (const std::int64_t item : params.excluded) {
    const std::int32_t at = parts.find(item);
    if (at >= 0) dropped[static_cast<std::size_t>(at)] = 1;
  }
  // Each item's parts scaled to a maximum of 1 per source, and their weighted sum.
  const auto scale = [&](const BlendParts &p, std::array<float, 4> *part) {
    double base = 0.0;
    for (int s = 0; s < 4; ++s) {
      const double scaled = top[s] > 0.0 ? p.score[s] / top[s] : 0.0;
      if (part != nullptr) (*part)[s] = static_cast<float>(scaled);
      base += params.weights[s] * scaled;
    }
    return static_cast<float>(base);
  };
  // Rank compact keys and build full rows for the kept ones only: writing a 56-byte row for
  // each of the thousands of items reached was most of the blend's memory traffic.
  std::vector<BlendScratch::Key> &keys = scratch.keys;
  keys.clear();
  keys.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (dropped[i] != 0) continue;
    keys.push_back({scale(all[i], nullptr), static_cast<std::int32_t>(i), all[i].item});
  }
  const auto better = [](const BlendScratch::Key &a, const BlendScratch::Key &b) {
    return a.base != b.base ? a.base > b.base : a.item < b.item;
  };
  // Select, then sort only the kept ones (partial_sort's heap over thousands of items cost more).
  const auto kept = static_cast<std::ptrdiff_t>(std::min(keys.size(), params.candidates));
  if (kept < static_cast<std::ptrdiff_t>(keys.size())) {
    std::nth_element(keys.begin(), keys.begin() + kept, keys.end(), better);
    keys.resize(static_cast<std::size_t>(kept));
  }
  std::sort(keys.begin(), keys.end(), better);
  std::vector<BlendedItem> &rows = scratch.rows;
  rows.clear();
  rows.reserve(keys.size());
  for (const BlendScratch::Key &key : keys) {
    const BlendParts &p = all[static_cast<std::size_t>(key.part)];
    // Filled in place: building the row on the stack and copying it stalled on store
    // forwarding, per item.
    BlendedItem &row = rows.emplace_back();
    row.item = p.item;
    row.from = p.from;
    row.has_from = {p.from_age[0] != 0, p.from_age[1] != 0};
    row.base = scale(p, &row.part);
  }
  return rows;
}

std::vector<BlendedItem> blend_history(std::span<const HistoryList> lists,
                                       const PopularityList &global, const PopularityList &segment,
                                       const BlendParams &params) {
  BlendScratch scratch;
  const auto rows = blend_history(lists, global, segment, params, scratch);
  return {rows.begin(), rows.end()};
}

}  // namespace commerce::recs
