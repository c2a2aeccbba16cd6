// Stage 2 of recommend: rules, stock, intent, order, MMR and pins over the candidate pool.
#include "core/recs/stage_two.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/recs/diversify.h"

namespace commerce::recs {
namespace {

// A pool item that survived the filters, with its final score (double, like the SQL product
// of the real base score and the double factors it replaced).
struct Ranked {
  const PoolItem *item;
  double final_score;
  std::vector<std::int64_t> rule_ids;
  bool out_of_stock;
  double ruled_score;  // base x rule factors, before stock and intent
  bool intent;         // the intent boost applied
};

// The boost / bury / filter rules and an index of them by product.
class RuleMatcher {
 public:
  explicit RuleMatcher(std::span<const MerchRule> rules) {
    for (std::size_t r = 0; r < rules.size(); ++r) {
      if (rules[r].action == RuleAction::kPin) continue;
      if (rules[r].product) by_product_.emplace(*rules[r].product, &rules[r]);
      if (rules[r].category) by_category_.push_back(&rules[r]);
    }
  }

  // The rules matching an item, in id order (a rule matching by product and by category once).
  void match(std::int64_t item, std::optional<std::string_view> category,
             std::vector<const MerchRule *> &out) const {
    out.clear();
    const auto [first, last] = by_product_.equal_range(item);
    for (auto it = first; it != last; ++it) out.push_back(it->second);
    for (const MerchRule *rule : by_category_) {
      if (category_matches(category, rule->category)) out.push_back(rule);
    }
    std::sort(out.begin(), out.end(),
              [](const MerchRule *a, const MerchRule *b) { return a->id < b->id; });
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  bool empty() const { return by_product_.empty() && by_category_.empty(); }

 private:
  std::unordered_multimap<std::int64_t, const MerchRule *> by_product_;
  std::vector<const MerchRule *> by_category_;
};

Recommendation from_pool(const Ranked &r, int rank) {
  const BlendedItem &b = r.item->blended;
  return Recommendation{b.item,         static_cast<float>(r.final_score),
                        b.part,         b.from,
                        b.has_from,     r.item->category,
                        r.out_of_stock, r.rule_ids,
                        std::nullopt,   rank};
}

bool is_filtered(const MerchRule &pin, std::span<const MerchRule> rules) {
  for (const MerchRule &x : rules) {
    if (x.action != RuleAction::kFilter) continue;
    if ((x.product && *x.product == *pin.product) ||
        category_matches(pin.product_category, x.category)) {
      return true;
    }
  }
  return false;
}

// Pins in (position, id) order: each pinned product moves to (or is inserted at) its position.
// A pin obeys the category filter, the purchased exclusion and filter rules.
void apply_pins(std::span<const MerchRule> rules, const StageTwoParams &params,
                const std::vector<Recommendation> &pool, std::vector<Recommendation> &picked) {
  std::vector<const MerchRule *> pins;
  for (const MerchRule &rule : rules) {
    if (rule.action != RuleAction::kPin || !rule.product || rule.position < 1 ||
        static_cast<std::size_t>(rule.position) > params.k) {
      continue;
    }
    if (params.category_filter &&
        !category_matches(rule.product_category, params.category_filter)) {
      continue;
    }
    if (params.exclude_purchased && std::find(params.purchased.begin(), params.purchased.end(),
                                              *rule.product) != params.purchased.end()) {
      continue;
    }
    if (is_filtered(rule, rules)) continue;
    pins.push_back(&rule);
  }
  std::sort(pins.begin(), pins.end(), [](const MerchRule *a, const MerchRule *b) {
    return a->position != b->position ? a->position < b->position : a->id < b->id;
  });
  for (const MerchRule *pin : pins) {
    const std::int64_t item = *pin->product;
    const auto in_pool = std::find_if(pool.begin(), pool.end(),
                                      [&](const Recommendation &r) { return r.item == item; });
    Recommendation pinned =
        in_pool != pool.end()
            ? *in_pool
            : Recommendation{item,  0.0f, {},           {},          {}, pin->product_category,
                             false, {},   std::nullopt, std::nullopt};
    pinned.pinned = pin->id;
    std::erase_if(picked, [&](const Recommendation &r) { return r.item == item; });
    const std::size_t at = std::min(static_cast<std::size_t>(pin->position), picked.size() + 1);
    picked.insert(picked.begin() + static_cast<std::ptrdiff_t>(at - 1), std::move(pinned));
  }
}

}  // namespace

bool category_matches(std::optional<std::string_view> category,
                      std::optional<std::string_view> prefix) {
  if (!category || !prefix) return false;
  // The same prefix and either nothing or a '/' after it. Checked cheapest first, and bytes
  // compared in a loop: category paths are short, and a call to memcmp per (rule, candidate)
  // pair showed in profiles.
  const std::size_t n = prefix->size();
  if (category->size() < n || (category->size() > n && (*category)[n] != '/')) return false;
  const char *a = category->data();
  const char *b = prefix->data();
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

namespace {

// The final score from the score after rules, in the SQL's order of multiplication.
double final_score(double ruled_score, bool out_of_stock, bool intent,
                   const StageTwoParams &params) {
  double score = ruled_score;
  score *= out_of_stock ? static_cast<double>(params.out_of_stock_factor) : 1.0;
  if (intent) score *= 1.0 + static_cast<double>(params.session_weight);
  return score;
}

// The pool's items (the first `candidates` that pass the category filter) that no filter rule
// drops, with their final scores, unordered.
std::vector<Ranked> score_pool(std::span<const PoolItem> pool, std::span<const MerchRule> rules,
                               const StageTwoParams &params) {
  const RuleMatcher matcher(rules);
  std::vector<const MerchRule *> matched;
  std::vector<Ranked> ranked;
  ranked.reserve(std::min(pool.size(), params.candidates));
  std::size_t in_pool = 0;
  for (const PoolItem &p : pool) {
    if (in_pool == params.candidates) break;
    if (params.category_filter && !category_matches(p.category, params.category_filter)) continue;
    ++in_pool;
    // Boost and bury factors multiply (as exp(sum(ln f)) did in SQL; a factor 0 gives 0); a
    // filter rule drops the item.
    double factor = 1.0;
    std::vector<std::int64_t> rule_ids;
    if (!matcher.empty()) {
      matcher.match(p.blended.item, p.category, matched);
      bool filtered = false, zero = false;
      double log_sum = 0.0;
      for (const MerchRule *rule : matched) {
        if (rule->action == RuleAction::kFilter) {
          filtered = true;
          continue;
        }
        rule_ids.push_back(rule->id);
        if (rule->factor == 0.0f) {
          zero = true;
        } else {
          log_sum += std::log(static_cast<double>(rule->factor));
        }
      }
      if (filtered) continue;
      if (!rule_ids.empty()) factor = zero ? 0.0 : std::exp(log_sum);
    }
    const bool out_of_stock = p.available && *p.available <= 0;
    const bool intent = params.intent && p.category && *p.category == *params.intent;
    const double ruled_score = static_cast<double>(p.blended.base) * factor;
    ranked.push_back(Ranked{&p, final_score(ruled_score, out_of_stock, intent, params),
                            std::move(rule_ids), out_of_stock, ruled_score, intent});
  }
  return ranked;
}

bool better(const Ranked &a, const Ranked &b) {
  return a.final_score != b.final_score ? a.final_score > b.final_score
                                        : a.item->blended.item < b.item->blended.item;
}

}  // namespace

bool stage_two_settled(std::span<const PoolItem> known, std::span<const BlendedItem> unknown,
                       std::span<const MerchRule> rules, const StageTwoParams &params) {
  if (params.diversity < 1.0f) return false;  // MMR looks at the whole pool
  if (unknown.empty()) return true;
  std::vector<Ranked> ranked = score_pool(known, rules, params);
  if (ranked.size() < params.k || params.k == 0) return false;
  std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(params.k - 1),
                   ranked.end(), better);
  const double kth = ranked[params.k - 1].final_score;
  // The most an unknown item can gain: the boost rules along the best-boosted category path
  // (only rules on nested categories can stack), its own product boosts, and the intent boost.
  double category_gain = 1.0;
  std::unordered_map<std::int64_t, double> product_gain;
  for (const MerchRule &rule : rules) {
    if (rule.action != RuleAction::kBoost) continue;
    if (rule.product) product_gain.try_emplace(*rule.product, 1.0).first->second *= rule.factor;
    if (!rule.category) continue;
    double chain = 1.0;
    for (const MerchRule &other : rules) {
      if (other.action == RuleAction::kBoost && other.category &&
          category_matches(rule.category, other.category)) {
        chain *= other.factor;
      }
    }
    category_gain = std::max(category_gain, chain);
  }
  const double gain =
      category_gain * std::max(1.0, 1.0 + static_cast<double>(params.session_weight));
  // Bases are in descending order, so the first unknown item bounds all but those with their own
  // product boosts. A negative base can rise to 0 at most (a factor of 0). The margin covers
  // rounding: final scores multiply in another order (exp(sum(ln f))).
  const auto bound = [&](const BlendedItem &b, double own) {
    return b.base >= 0.0f ? static_cast<double>(b.base) * own * gain * (1.0 + 1e-9) : 0.0;
  };
  double best = bound(unknown.front(), 1.0);
  if (!product_gain.empty()) {
    for (const BlendedItem &b : unknown) {
      const auto found = product_gain.find(b.item);
      if (found != product_gain.end()) best = std::max(best, bound(b, found->second));
    }
  }
  return best < kth;
}

std::vector<std::size_t> stock_needed(std::span<const PoolItem> pool,
                                      std::span<const bool> stock_read,
                                      std::span<const MerchRule> rules,
                                      const StageTwoParams &params) {
  std::vector<std::size_t> needed;
  const auto unread = [&](std::size_t i) { return i >= stock_read.size() || !stock_read[i]; };
  if (params.diversity < 1.0f) {
    for (std::size_t i = 0; i < pool.size(); ++i) {
      if (unread(i)) needed.push_back(i);
    }
    return needed;
  }
  // The exact score of each unread item in stock and out of it (read ones have theirs).
  const std::vector<Ranked> ranked = score_pool(pool, rules, params);
  std::vector<Ranked> high;
  high.reserve(ranked.size());
  for (const Ranked &r : ranked) {
    const double out = final_score(r.ruled_score, true, r.intent, params);
    const double score = unread(static_cast<std::size_t>(r.item - pool.data()))
                             ? std::max(r.final_score, out)
                             : r.final_score;
    high.push_back(Ranked{r.item, score, {}, false, 0.0, false});
  }
  // Top 2 k by the higher score: when one of the top k is unread, reading the next k too
  // usually saves another round for the items that demotion moves up.
  const std::size_t head = std::min(high.size(), 2 * params.k);
  std::partial_sort(high.begin(), high.begin() + static_cast<std::ptrdiff_t>(head), high.end(),
                    better);
  const auto index = [&](const Ranked &r) {
    return static_cast<std::size_t>(r.item - pool.data());
  };
  bool settled = true;
  for (std::size_t j = 0; j < std::min(head, params.k); ++j)
    settled = settled && !unread(index(high[j]));
  if (settled) return needed;
  for (std::size_t j = 0; j < head; ++j) {
    if (unread(index(high[j]))) needed.push_back(index(high[j]));
  }
  std::sort(needed.begin(), needed.end());
  return needed;
}

std::vector<Recommendation> rank_stage_two(std::span<const PoolItem> pool,
                                           std::span<const MerchRule> rules,
                                           const StageTwoParams &params) {
  std::vector<Ranked> ranked = score_pool(pool, rules, params);
  std::sort(ranked.begin(), ranked.end(), better);
  // The diversification pool (or just the top k when diversification is off).
  const std::size_t keep =
      std::min(ranked.size(), params.diversity < 1.0f ? params.candidates : params.k);
  std::vector<Recommendation> cands;
  cands.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i)
    cands.push_back(from_pool(ranked[i], static_cast<int>(i) + 1));

  std::vector<Recommendation> picked;
  if (params.diversity < 1.0f) {
    std::vector<Scored> scored(cands.size());
    for (std::size_t i = 0; i < cands.size(); ++i) {
      scored[i] = Scored{static_cast<std::int32_t>(i), cands[i].score};
    }
    const auto alike = [&](std::size_t a, std::size_t b) {
      return cands[a].category && cands[b].category && *cands[a].category == *cands[b].category
                 ? 1.0f
                 : 0.0f;
    };
    for (const Scored &s : diversify_mmr(scored, params.k, params.diversity, alike)) {
      picked.push_back(cands[static_cast<std::size_t>(s.item)]);
    }
  } else {
    picked.assign(cands.begin(),
                  cands.begin() + static_cast<std::ptrdiff_t>(std::min(keep, params.k)));
  }
  apply_pins(rules, params, cands, picked);
  if (picked.size() > params.k) picked.resize(params.k);
  return picked;
}

}  // namespace commerce::recs
