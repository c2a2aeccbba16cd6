// Stage 2 of commerce.recommend on the stage-1 candidates of one history, once the database has
// said what it knows about them (category, live availability) and which merchandising rules are
// in force: the category filter, boost / bury / filter rules, out-of-stock demotion, the session
// intent boost, the final order, MMR diversification over the candidate pool, then pins. Kept
// free of PostgreSQL so that every rule of docs/recommendations.md is unit-tested here; the
// arithmetic follows the SQL it replaced (double precision products, float scores) so that the
// served order did not change.
#pragma once
#include "core/pure_cpp.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/recs/blend.h"

namespace commerce::recs {

enum class RuleAction { kBoost, kBury, kFilter, kPin };

// A merchandising rule in force (time window and `active` already checked). It matches an item
// by product id or by category (path prefix); strings point into the caller's memory.
struct MerchRule {
  std::int64_t id;
  RuleAction action;
  std::optional<std::int64_t> product;
  std::optional<std::string_view> category;
  float factor = 1.0f;                               // boost (> 1) and bury ([0, 1))
  int position = 0;                                  // pin, 1-based
  std::optional<std::string_view> product_category;  // pin: the pinned product's category
};

// A stage-1 candidate (best first, as blend_history returns them) with what stage 2 reads.
struct PoolItem {
  BlendedItem blended;
  std::optional<std::string_view> category;
  std::optional<std::int64_t> available;  // absent: no stock information, counts as available
};

struct StageTwoParams {
  std::size_t k = 10;
  std::size_t candidates = 500;  // pool size after the category filter, and the MMR pool
  float out_of_stock_factor = 0.1f;
  float session_weight = 0.2f;
  float diversity = 1.0f;  // MMR lambda; 1 = off
  std::optional<std::string_view> intent;
  std::optional<std::string_view> category_filter;
  bool exclude_purchased = true;
  std::span<const std::int64_t> purchased;
};

// One returned row and what its reasons are built from.
struct Recommendation {
  std::int64_t item;
  float score;
  std::array<float, 4> part;  // collaborative, transition, popularity, segment (0 for a new pin)
  std::array<std::int64_t, 2> from;
  std::array<bool, 2> has_from;
  std::optional<std::string_view> category;
  bool out_of_stock;
  std::vector<std::int64_t> rule_ids;  // boost / bury rules applied, ascending
  std::optional<std::int64_t> pinned;  // the pin rule that placed it
  std::optional<int> pre_rank;         // 1-based rank before diversification (pool items)
};

// True when `category` is `prefix` or lies below it ("a/b" matches "a/b" and "a/b/c").
bool category_matches(std::optional<std::string_view> category,
                      std::optional<std::string_view> prefix);

// At most k rows, best first.
std::vector<Recommendation> rank_stage_two(std::span<const PoolItem> pool,
                                           std::span<const MerchRule> rules,
                                           const StageTwoParams &params);

// Whether ranking only `known` (a prefix of the pool, in stage-1 order) gives the same k rows as
// the whole pool, when `unknown` are the stage-1 candidates after it (best first): no unknown
// item can reach the k-th final score even if the boost rules it could match and the intent
// boost all applied. Lets the caller read categories and stock for the head of the pool only.
// Never with diversification, which ranks the whole pool.
bool stage_two_settled(std::span<const PoolItem> known, std::span<const BlendedItem> unknown,
                       std::span<const MerchRule> rules, const StageTwoParams &params);

// The pool items whose stock is still to be read because it can change the k rows. Ranked by
// the higher of their final scores in stock and out of it (the exact score once read), the k
// best pool items settle the k rows when their stock is read: an unread item below them cannot
// score above them either way. So: none when the k best are read, else the unread among the
// 2 k best. With diversification every unread item: MMR ranks the whole pool. Indices into
// `pool`, ascending. Unread items then count as in stock for rank_stage_two and
// stage_two_settled, which gives the same k rows as reading them all.
std::vector<std::size_t> stock_needed(std::span<const PoolItem> pool,
                                      std::span<const bool> stock_read,
                                      std::span<const MerchRule> rules,
                                      const StageTwoParams &params);

}  // namespace commerce::recs
