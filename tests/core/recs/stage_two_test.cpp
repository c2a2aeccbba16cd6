#include "core/recs/stage_two.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace commerce::recs {
namespace {

PoolItem item(std::int64_t id, float base, std::optional<std::string_view> category = std::nullopt,
              std::optional<std::int64_t> available = std::nullopt) {
  PoolItem p{};
  p.blended.item = id;
  p.blended.base = base;
  p.blended.part = {base, 0.0f, 0.0f, 0.0f};
  p.category = category;
  p.available = available;
  return p;
}

std::vector<std::int64_t> ids(const std::vector<Recommendation> &rows) {
  std::vector<std::int64_t> out;
  for (const Recommendation &r : rows) out.push_back(r.item);
  return out;
}

MerchRule rule(std::int64_t id, RuleAction action, std::optional<std::int64_t> product,
               std::optional<std::string_view> category, float factor = 1.0f, int position = 0) {
  MerchRule r{};
  r.id = id;
  r.action = action;
  r.product = product;
  r.category = category;
  r.factor = factor;
  r.position = position;
  return r;
}

TEST(CategoryMatches, PathPrefixesOnly) {
  EXPECT_TRUE(category_matches("a/b", "a/b"));
  EXPECT_TRUE(category_matches("a/b/c", "a/b"));
  EXPECT_FALSE(category_matches("a/bc", "a/b"));
  EXPECT_FALSE(category_matches("a", "a/b"));
  EXPECT_FALSE(category_matches(std::nullopt, "a"));
  EXPECT_FALSE(category_matches("a", std::nullopt));
}

TEST(StageTwo, WithoutFactsKeepsTheStageOneOrder) {
  const std::vector<PoolItem> pool = {item(1, 0.9f), item(2, 0.8f), item(3, 0.7f)};
  StageTwoParams params;
  params.k = 2;
  const auto rows = rank_stage_two(pool, {}, params);
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{1, 2}));
  EXPECT_FLOAT_EQ(rows[0].score, 0.9f);
  EXPECT_EQ(rows[1].pre_rank, 2);
  EXPECT_FALSE(rows[0].pinned.has_value());
}

// Boost 2 on category a and bury 0.5 on item 2 both match item 2: 0.8 x 2 x 0.5 = 0.8; item 3's
// boost lifts 0.7 to 1.4; item 4 matches a filter rule by category and is dropped; a bury factor
// of 0 sends item 5 to the bottom, still listed.
TEST(StageTwo, RulesMultiplyFilterAndNameThemselves) {
  const std::vector<PoolItem> pool = {item(1, 0.9f, "b"), item(2, 0.8f, "a/x"), item(3, 0.7f, "a"),
                                      item(4, 0.6f, "z/1"), item(5, 0.5f, "q")};
  const std::vector<MerchRule> rules = {rule(7, RuleAction::kBury, 2, std::nullopt, 0.5f),
                                        rule(3, RuleAction::kBoost, std::nullopt, "a", 2.0f),
                                        rule(9, RuleAction::kFilter, std::nullopt, "z"),
                                        rule(4, RuleAction::kBury, 5, std::nullopt, 0.0f)};
  StageTwoParams params;
  params.k = 10;
  const auto rows = rank_stage_two(pool, rules, params);
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{3, 1, 2, 5}));
  EXPECT_FLOAT_EQ(rows[0].score, 1.4f);
  EXPECT_EQ(rows[0].rule_ids, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(rows[2].rule_ids, (std::vector<std::int64_t>{3, 7}));  // ascending ids
  EXPECT_NEAR(rows[2].score, 0.8f, 1e-6f);
  EXPECT_TRUE(rows[1].rule_ids.empty());
  EXPECT_FLOAT_EQ(rows[3].score, 0.0f);
}

// Out of stock multiplies by the factor but never hides; the session intent multiplies by
// 1 + session_weight.
TEST(StageTwo, DemotesOutOfStockAndBoostsTheIntent) {
  const std::vector<PoolItem> pool = {item(1, 1.0f, "x", 0), item(2, 0.5f, "y", 3),
                                      item(3, 0.45f, "i"), item(4, 0.05f, "y", -2)};
  StageTwoParams params;
  params.k = 10;
  params.out_of_stock_factor = 0.1f;
  params.session_weight = 0.2f;
  params.intent = "i";
  const auto rows = rank_stage_two(pool, {}, params);
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{3, 2, 1, 4}));
  EXPECT_FLOAT_EQ(rows[0].score, 0.54f);
  EXPECT_FLOAT_EQ(rows[2].score, 0.1f);
  EXPECT_TRUE(rows[2].out_of_stock);
  EXPECT_TRUE(rows[3].out_of_stock);
  EXPECT_FALSE(rows[1].out_of_stock);  // available 3
  EXPECT_FALSE(rows[0].out_of_stock);  // no stock information counts as available
}

// The category filter applies before the pool is cut to `candidates`.
TEST(StageTwo, FiltersByCategoryBeforeCuttingThePool) {
  const std::vector<PoolItem> pool = {item(1, 0.9f, "a"), item(2, 0.8f, "b/1"),
                                      item(3, 0.7f, std::nullopt), item(4, 0.6f, "b"),
                                      item(5, 0.5f, "b/2")};
  StageTwoParams params;
  params.k = 10;
  params.candidates = 2;
  params.category_filter = "b";
  EXPECT_EQ(ids(rank_stage_two(pool, {}, params)), (std::vector<std::int64_t>{2, 4}));
}

// With lambda 0 every pick changes category while it can; ranks before diversification stay.
TEST(StageTwo, DiversifiesOverThePool) {
  const std::vector<PoolItem> pool = {item(1, 0.9f, "a"), item(2, 0.8f, "a"), item(3, 0.7f, "b"),
                                      item(4, 0.6f, "c"), item(5, 0.5f, "b")};
  StageTwoParams params;
  params.k = 3;
  params.diversity = 0.0f;
  const auto rows = rank_stage_two(pool, {}, params);
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{1, 3, 4}));
  EXPECT_EQ(rows[1].pre_rank, 3);
  params.diversity = 1.0f;
  EXPECT_EQ(ids(rank_stage_two(pool, {}, params)), (std::vector<std::int64_t>{1, 2, 3}));
}

// Pins move a listed product or insert an unlisted one (score 0) at their position, in
// (position, id) order; they obey the category filter, purchases and filter rules, and a
// position beyond k is ignored.
TEST(StageTwo, PinsPlaceProductsAndObeyExclusions) {
  const std::vector<PoolItem> pool = {item(1, 0.9f, "a"), item(2, 0.8f, "a"), item(3, 0.7f, "a")};
  std::vector<MerchRule> rules = {rule(20, RuleAction::kPin, 3, std::nullopt, 1.0f, 1),
                                  rule(21, RuleAction::kPin, 50, std::nullopt, 1.0f, 2),
                                  rule(22, RuleAction::kPin, 60, std::nullopt, 1.0f, 9),
                                  rule(23, RuleAction::kPin, 70, std::nullopt, 1.0f, 1),
                                  rule(24, RuleAction::kPin, 80, std::nullopt, 1.0f, 1),
                                  rule(25, RuleAction::kFilter, 80, std::nullopt)};
  rules[0].product_category = "a";
  rules[1].product_category = "a/new";
  rules[3].product_category = "other";
  const std::vector<std::int64_t> purchased = {70};
  StageTwoParams params;
  params.k = 3;
  params.purchased = purchased;
  auto rows = rank_stage_two(pool, rules, params);
  // 70 was bought, 80 is filtered, 60's position is beyond k.
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{3, 50, 1}));
  EXPECT_EQ(rows[0].pinned, 20);
  EXPECT_FLOAT_EQ(rows[0].score, 0.7f);  // a listed product keeps its score
  EXPECT_EQ(rows[1].pinned, 21);
  EXPECT_FLOAT_EQ(rows[1].score, 0.0f);
  EXPECT_FALSE(rows[1].pre_rank.has_value());
  EXPECT_EQ(rows[1].category, "a/new");
  params.exclude_purchased = false;
  params.category_filter = "a";
  rows = rank_stage_two(pool, rules, params);
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{3, 50, 1}));  // 70 is not in category a
  params.category_filter = std::nullopt;
  rows = rank_stage_two(pool, rules, params);
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{70, 50, 3}));  // 70 pinned after 20 (id order)
}

// Known: items 1-3 (k = 2, so the 2nd best final is 0.8). The next unknown item has base 0.5:
// settled without boosts, and with the intent boost 1.2 (0.6 < 0.8); a boost of 2 on category a
// could lift it to 1.2, so not; nested boosts on a and a/b stack (0.5 x 1.2 x 1.5 x 1.2 = 1.08),
// while sibling categories do not; a product boost counts for that product only.
TEST(StageTwo, SettledWhenNoUnknownItemCanReachTheTopK) {
  const std::vector<PoolItem> known = {item(1, 0.9f, "x"), item(2, 0.8f, "x"), item(3, 0.7f, "x")};
  std::vector<BlendedItem> unknown(2);
  unknown[0].item = 4;
  unknown[0].base = 0.5f;
  unknown[1].item = 5;
  unknown[1].base = 0.3f;
  StageTwoParams params;
  params.k = 2;
  params.session_weight = 0.2f;
  EXPECT_TRUE(stage_two_settled(known, unknown, {}, params));
  EXPECT_TRUE(stage_two_settled(known, {}, {}, params));
  const std::vector<MerchRule> big = {rule(1, RuleAction::kBoost, std::nullopt, "a", 2.0f)};
  EXPECT_FALSE(stage_two_settled(known, unknown, big, params));
  const std::vector<MerchRule> nested = {rule(1, RuleAction::kBoost, std::nullopt, "a", 1.2f),
                                         rule(2, RuleAction::kBoost, std::nullopt, "a/b", 1.5f)};
  EXPECT_FALSE(stage_two_settled(known, unknown, nested, params));
  const std::vector<MerchRule> siblings = {rule(1, RuleAction::kBoost, std::nullopt, "a", 1.2f),
                                           rule(2, RuleAction::kBoost, std::nullopt, "b", 1.2f)};
  EXPECT_TRUE(stage_two_settled(known, unknown, siblings, params));  // 0.5 x 1.2 x 1.2 = 0.72
  const std::vector<MerchRule> product = {rule(1, RuleAction::kBoost, 5, std::nullopt, 3.0f)};
  EXPECT_FALSE(stage_two_settled(known, unknown, product, params));  // 0.3 x 3 x 1.2 = 1.08
  params.k = 4;                                                      // fewer known than k
  EXPECT_FALSE(stage_two_settled(known, unknown, {}, params));
  params.k = 2;
  params.diversity = 0.5f;  // MMR ranks the whole pool
  EXPECT_FALSE(stage_two_settled(known, unknown, {}, params));
}

// Pool 0.9, 0.8, 0.7, 0.6, 0.5, 0.4 with k = 2: the unread among the 4 best first; once item 1
// reads out of stock (0.09) and 2 in stock, the best two by higher score are 2 and 3, and 3 is
// unread: read it with 4 and 5 (the unread among the best 4). Then the best two are read.
TEST(StageTwo, StockNeededForTheTopKOnly) {
  std::vector<PoolItem> pool = {item(1, 0.9f), item(2, 0.8f), item(3, 0.7f),
                                item(4, 0.6f), item(5, 0.5f), item(6, 0.4f)};
  bool read[6] = {false, false, false, false, false, false};
  StageTwoParams params;
  params.k = 2;
  EXPECT_EQ(stock_needed(pool, read, {}, params), (std::vector<std::size_t>{0, 1, 2, 3}));
  pool[0].available = 0;
  pool[1].available = 3;
  read[0] = read[1] = true;
  EXPECT_EQ(stock_needed(pool, read, {}, params), (std::vector<std::size_t>{2, 3, 4}));
  read[2] = read[3] = read[4] = true;
  EXPECT_TRUE(stock_needed(pool, read, {}, params).empty());
  const auto rows = rank_stage_two(pool, {}, params);  // 6 counts as in stock
  EXPECT_EQ(ids(rows), (std::vector<std::int64_t>{2, 3}));
  // A boost lifts unread item 6 into the top two: its stock is needed.
  const std::vector<MerchRule> boost = {rule(1, RuleAction::kBoost, 6, std::nullopt, 3.0f)};
  EXPECT_EQ(stock_needed(pool, read, boost, params), (std::vector<std::size_t>{5}));
  // Fewer items than k: every unread one; with diversification every unread one.
  params.k = 8;
  EXPECT_EQ(stock_needed(pool, read, {}, params), (std::vector<std::size_t>{5}));
  params.k = 2;
  params.diversity = 0.5f;
  EXPECT_EQ(stock_needed(pool, read, {}, params), (std::vector<std::size_t>{5}));
  read[5] = true;
  EXPECT_TRUE(stock_needed(pool, read, {}, params).empty());
}

}  // namespace
}  // namespace commerce::recs
