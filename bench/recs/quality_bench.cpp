// Offline quality of the stage-1 recommenders on the Amazon 5-core sequences (Beauty, Sports)
// and MovieLens 100k (../ml-100k next to the Amazon directory, no published reference), pure C++:
// leave-last-out (each user's last item is the test target), full ranking over every item, the
// user's history masked, HIT@10 and NDCG@10. Prints EASE alone (exact and truncated to the
// neighbour lists the database serves), transitions alone, co-occurrence alone and the blend, next
// to the published ICLRec figures and the EASE figure the issue quotes, with training times.
//
// Ties are counted against the model: the target's rank is the number of unmasked items scoring
// at least as high, so a model that scores everything 0 gets no hits.
//
// Usage: bench_recs_quality <data dir> [--split=test|valid] [--users=N] [--grid]
//          [--lambda=50] [--keep=200] [--history-decay=..] [--depth=..] [--transition-decay=..]
//          [--w-trans=..] [--w-cooc=..] [--w-pop=..] [--window=..] [Beauty|Sports|ML-100k ...]
// --split=valid holds out the second-to-last item instead (train on everything before it): the
// split used to choose parameters, so that the test figures are not tuned on the test targets.
// --grid searches blend parameters on that split and prints the best setting.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/cancel.h"
#include "core/recs/cooccurrence.h"
#include "core/recs/ease.h"
#include "core/recs/scoring.h"
#include "core/recs/transitions.h"

namespace {

using commerce::recs::ScoringParams;
using commerce::recs::ScoringSources;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct DataSet {
  std::string name;
  std::string file;
  double iclrec_hit, iclrec_ndcg;
  double ease_hit, ease_ndcg;  // the "careful EASE" figure; NaN when none was quoted
};

struct Split {
  commerce::recs::SequenceSet train{0};
  std::vector<std::vector<std::int32_t>> histories;  // what each evaluated user has seen
  std::vector<std::int32_t> targets;
};

// MovieLens u.data: "user<TAB>item<TAB>rating<TAB>unix time", every rating one interaction, each
// user's items ordered by time with ties kept in file order.
std::vector<std::vector<std::int32_t>> read_movielens(std::ifstream &in, std::size_t &items) {
  struct Rating {
    long user, item, time, line;
  };
  std::vector<Rating> ratings;
  long user = 0, item = 0, rating = 0, time = 0;
  while (in >> user >> item >> rating >> time) {
    ratings.push_back({user, item, time, static_cast<long>(ratings.size())});
  }
  std::sort(ratings.begin(), ratings.end(), [](const Rating &a, const Rating &b) {
    return a.user != b.user   ? a.user < b.user
           : a.time != b.time ? a.time < b.time
                              : a.line < b.line;
  });
  std::vector<std::vector<std::int32_t>> sequences;
  items = 0;
  for (std::size_t r = 0; r < ratings.size(); ++r) {
    if (r == 0 || ratings[r].user != ratings[r - 1].user) sequences.emplace_back();
    sequences.back().push_back(static_cast<std::int32_t>(ratings[r].item - 1));
    items = std::max(items, static_cast<std::size_t>(ratings[r].item));
  }
  return sequences;
}

// Reads "user item item ..." lines (or MovieLens u.data); items are 1-based in the file,
// 0-based here.
std::vector<std::vector<std::int32_t>> read_sequences(const std::string &path, std::size_t &items) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "data file %s is absent\n", path.c_str());
    std::exit(2);
  }
  if (path.ends_with("u.data")) return read_movielens(in, items);
  std::vector<std::vector<std::int32_t>> sequences;
  std::string line;
  items = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long user = 0, item = 0;
    fields >> user;
    std::vector<std::int32_t> sequence;
    while (fields >> item) {
      sequence.push_back(static_cast<std::int32_t>(item - 1));
      items = std::max(items, static_cast<std::size_t>(item));
    }
    sequences.push_back(std::move(sequence));
  }
  return sequences;
}

// holdout = 1: test (last item); 2: validation (second to last, the last one is dropped).
Split make_split(const std::vector<std::vector<std::int32_t>> &sequences, std::size_t items,
                 std::size_t holdout, std::size_t max_users) {
  Split split;
  split.train = commerce::recs::SequenceSet(items);
  for (std::size_t u = 0; u < sequences.size(); ++u) {
    const auto &s = sequences[u];
    if (s.size() < holdout + 1) continue;
    const std::size_t keep = s.size() - holdout;
    split.train.add(std::span(s.data(), keep));
    if (split.targets.size() < max_users) {
      split.histories.emplace_back(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(keep));
      split.targets.push_back(s[keep]);
    }
  }
  return split;
}

struct Quality {
  double hit = 0, ndcg = 0;
};

Quality evaluate(const ScoringSources &sources, const ScoringParams &params, const Split &split,
                 std::size_t items) {
  std::vector<float> scores(items);
  std::vector<char> masked(items, 0);
  commerce::recs::ScoringScratch scratch;
  Quality q;
  for (std::size_t u = 0; u < split.targets.size(); ++u) {
    const auto &history = split.histories[u];
    commerce::recs::score_history(sources, params, history, scores, scratch);
    for (const auto h : history) masked[static_cast<std::size_t>(h)] = 1;
    const auto target = static_cast<std::size_t>(split.targets[u]);
    const float s = scores[target];
    std::size_t rank = 0;
    for (std::size_t j = 0; j < items && rank < 10; ++j) {
      if (j != target && !masked[j] && scores[j] >= s) ++rank;
    }
    if (masked[target]) rank = 10;  // a repeat of a history item can never be recommended
    if (rank < 10) {
      q.hit += 1;
      q.ndcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
    }
    for (const auto h : history) masked[static_cast<std::size_t>(h)] = 0;
  }
  q.hit /= static_cast<double>(split.targets.size());
  q.ndcg /= static_cast<double>(split.targets.size());
  return q;
}

double arg_value(int argc, char **argv, const std::string &name, double fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind(prefix, 0) == 0) return std::atof(a.c_str() + prefix.size());
  }
  return fallback;
}

bool has_flag(int argc, char **argv, const std::string &flag) {
  for (int i = 2; i < argc; ++i) {
    if (flag == argv[i]) return true;
  }
  return false;
}

void print_row(const char *model, const Quality &q, double train_seconds) {
  std::printf("  %-34s %8.4f %8.4f %10.1f\n", model, q.hit, q.ndcg, train_seconds);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <data dir> [options] [Beauty|Sports ...]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const bool valid = has_flag(argc, argv, "--split=valid");
  const bool grid = has_flag(argc, argv, "--grid");
  const auto max_users = static_cast<std::size_t>(arg_value(argc, argv, "users", 1e9));
  const float lambda = static_cast<float>(arg_value(argc, argv, "lambda", 50));
  const auto keep = static_cast<std::size_t>(arg_value(argc, argv, "keep", 200));

  ScoringParams blend;
  blend.history_decay = static_cast<float>(arg_value(argc, argv, "history-decay", 0.8));
  blend.transition_depth = static_cast<std::size_t>(arg_value(argc, argv, "depth", 3));
  blend.transition_decay = static_cast<float>(arg_value(argc, argv, "transition-decay", 0.5));
  blend.collaborative_weight = 1.0f;
  blend.transition_weight = static_cast<float>(arg_value(argc, argv, "w-trans", 0.25));
  blend.cooccurrence_weight = static_cast<float>(arg_value(argc, argv, "w-cooc", 0.0));
  blend.popularity_weight = static_cast<float>(arg_value(argc, argv, "w-pop", 0.01));
  commerce::recs::TransitionParams transition_params;
  transition_params.window = static_cast<std::size_t>(arg_value(argc, argv, "window", 1));
  transition_params.keep = keep;

  const double nan = std::nan("");
  std::vector<DataSet> sets = {
      {"Beauty", "Beauty.txt", 0.0744, 0.0403, nan, nan},
      {"Sports", "Sports_and_Outdoors.txt", 0.0437, 0.0238, 0.0547, 0.0308},
      {"ML-100k", "../ml-100k/u.data", nan, nan, nan, nan}};
  std::vector<DataSet> chosen;
  for (const auto &set : sets) {
    if (has_flag(argc, argv, set.name)) chosen.push_back(set);
  }
  if (chosen.empty()) chosen = sets;

  commerce::CancelCheck never;
  for (const auto &set : chosen) {
    std::size_t items = 0;
    const auto sequences = read_sequences(dir + "/" + set.file, items);
    const Split split = make_split(sequences, items, valid ? 2 : 1, max_users);
    std::printf("\n%s: %zu users, %zu items, %zu training events, %s split, %zu users scored\n",
                set.name.c_str(), sequences.size(), items, split.train.num_events(),
                valid ? "validation" : "test", split.targets.size());

    auto start = Clock::now();
    commerce::recs::EaseParams ease_params;
    ease_params.lambda = lambda;
    ease_params.max_bytes = std::size_t{8} << 30;
    const auto ease = commerce::recs::train_ease(split.train, ease_params, never);
    const double ease_seconds = seconds_since(start);
    start = Clock::now();
    const auto ease_lists = ease.to_neighbors(keep, never);
    const double truncate_seconds = seconds_since(start);
    start = Clock::now();
    const auto transitions =
        commerce::recs::train_transitions(split.train, transition_params, never);
    const double transition_seconds = seconds_since(start);
    start = Clock::now();
    commerce::recs::CooccurrenceParams cooc_params;
    cooc_params.keep = keep;
    const auto cooc = commerce::recs::train_cooccurrence(split.train, cooc_params, never);
    const double cooc_seconds = seconds_since(start);
    std::vector<float> popularity(items, 0.0f);
    for (std::size_t s = 0; s < split.train.size(); ++s) {
      for (const auto item : split.train[s]) popularity[static_cast<std::size_t>(item)] += 1.0f;
    }
    std::printf("  EASE lambda=%g: %.1f s, %.0f MB matrix; truncated to %zu neighbours in %.1f s\n",
                static_cast<double>(lambda), ease_seconds,
                static_cast<double>(commerce::recs::ease_bytes_needed(items)) / 1048576.0, keep,
                truncate_seconds);

    ScoringSources dense{&ease, nullptr, &transitions, &cooc, popularity};
    ScoringSources served{nullptr, &ease_lists, &transitions, &cooc, popularity};
    if (grid) {
      ScoringParams best = blend;
      Quality best_q = evaluate(dense, blend, split, items);
      for (const float hd : {1.0f, 0.9f, 0.8f, 0.6f, 0.4f}) {
        for (const float wt : {0.0f, 0.25f, 0.5f, 1.0f, 2.0f}) {
          for (const std::size_t depth : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
            for (const float wc : {0.0f, 0.5f}) {
              ScoringParams p = blend;
              p.history_decay = hd;
              p.transition_weight = wt;
              p.transition_depth = depth;
              p.cooccurrence_weight = wc;
              if (wt == 0.0f && depth > 1) continue;
              const Quality q = evaluate(dense, p, split, items);
              std::printf("  grid decay=%.2f w_trans=%.2f depth=%zu w_cooc=%.2f: %.4f %.4f\n",
                          static_cast<double>(hd), static_cast<double>(wt), depth,
                          static_cast<double>(wc), q.hit, q.ndcg);
              std::fflush(stdout);
              if (q.ndcg > best_q.ndcg) best_q = q, best = p;
            }
          }
        }
      }
      std::printf("  best: --history-decay=%g --w-trans=%g --depth=%zu --w-cooc=%g  %.4f %.4f\n",
                  static_cast<double>(best.history_decay),
                  static_cast<double>(best.transition_weight), best.transition_depth,
                  static_cast<double>(best.cooccurrence_weight), best_q.hit, best_q.ndcg);
      continue;
    }

    ScoringParams ease_only;
    ease_only.popularity_weight = blend.popularity_weight;
    ScoringParams transitions_only = blend;
    transitions_only.collaborative_weight = 0;
    transitions_only.cooccurrence_weight = 0;
    ScoringParams cooc_only = ease_only;
    cooc_only.collaborative_weight = 0;
    cooc_only.cooccurrence_weight = 1;
    std::printf("  %-34s %8s %8s %10s\n", "model", "HIT@10", "NDCG@10", "train s");
    if (!std::isnan(set.ease_hit)) {
      print_row("reference: EASE (issue, lambda~50)", {set.ease_hit, set.ease_ndcg}, nan);
    }
    if (!std::isnan(set.iclrec_hit)) {
      print_row("reference: ICLRec (published)", {set.iclrec_hit, set.iclrec_ndcg}, nan);
    }
    print_row("EASE, exact", evaluate(dense, ease_only, split, items), ease_seconds);
    print_row("EASE, neighbour lists", evaluate(served, ease_only, split, items),
              ease_seconds + truncate_seconds);
    print_row("co-occurrence (cosine)", evaluate(served, cooc_only, split, items), cooc_seconds);
    print_row("transitions", evaluate(served, transitions_only, split, items), transition_seconds);
    print_row("blend, exact EASE", evaluate(dense, blend, split, items),
              ease_seconds + transition_seconds + cooc_seconds);
    print_row("blend, neighbour lists (served)", evaluate(served, blend, split, items),
              ease_seconds + truncate_seconds + transition_seconds + cooc_seconds);
  }
  return 0;
}
