#include "core/vector/hnsw/memory_graph.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include <pthread.h>
#include <signal.h>

#include "core/vector/embedding.h"
#include "core/vector/hnsw/level.h"
#include "core/vector/hnsw/neighbor_selection.h"
#include "core/vector/hnsw/search.h"

namespace commerce::vector::hnsw {

namespace {

// Distance from a fixed query vector to nodes of a MemoryGraph.
struct ToQuery {
  const MemoryGraph &graph;
  const float *query;
  std::uint64_t *computed;
  float operator()(NodeId id) const {
    ++*computed;
    return graph.distance(query, graph.vector(id));
  }
  // A node's links point all over memory: ask for the start of every vector first, so that the
  // loads overlap instead of each distance waiting for its own (the search is memory-bound).
  // Only the first lines: the hardware prefetcher follows each stream once it starts, and
  // prefetching whole 784-d vectors for 32 links would overflow L1.
  void batch(const NodeId *ids, std::size_t count, float *out) const {
    *computed += count;
    const std::size_t bytes = std::min<std::size_t>(graph.dims() * sizeof(float), 128);
    for (std::size_t i = 0; i < count; ++i) {
      const char *v = reinterpret_cast<const char *>(graph.vector(ids[i]));
      for (std::size_t line = 0; line < bytes; line += 64) __builtin_prefetch(v + line);
    }
    for (std::size_t i = 0; i < count; ++i) out[i] = graph.distance(query, graph.vector(ids[i]));
  }
};

}  // namespace

MemoryGraph::MemoryGraph(std::size_t dims, Metric metric, const Params &params)
    : dims_(dims),
      metric_(metric),
      params_(params),
      locks_(new std::mutex[kLockStripes]),
      scratch_(dims) {
  check_dimension_count(dims);
  validate(params);
}

std::size_t MemoryGraph::node_bytes(int level) const {
  const std::size_t m = static_cast<std::size_t>(params_.m);
  return dims_ * sizeof(float) + sizeof(int) + (2 * m + 1) * sizeof(std::uint32_t) +
         static_cast<std::size_t>(level) * (m + 1) * sizeof(std::uint32_t) +
         sizeof(std::vector<std::uint32_t>);
}

std::span<const std::uint32_t> MemoryGraph::neighbors(NodeId id, int level) const {
  const std::uint32_t *block = block_of(id, level);
  if (block == nullptr) return {};
  return {block + 1, block[0]};
}

const std::uint32_t *MemoryGraph::block_of(NodeId id, int level) const {
  const std::size_t node = static_cast<std::size_t>(id);
  // Every node reaches layer 0: no need to load its level (a cache miss per expanded node).
  if (level > 0 && level > levels_[node]) return nullptr;
  return level == 0 ? &layer0_[node * (2 * static_cast<std::size_t>(params_.m) + 1)]
                    : &upper_[node][static_cast<std::size_t>(level - 1) * (params_.m + 1)];
}

std::uint32_t *MemoryGraph::links(NodeId id, int level) {
  return const_cast<std::uint32_t *>(block_of(id, level));
}

void MemoryGraph::set_links(NodeId id, int level, const std::vector<Candidate> &chosen,
                            const std::vector<Candidate> &diverse) {
  std::uint32_t *block = links(id, level);
  std::lock_guard<std::mutex> hold(lock_of(id));
  std::uint32_t merged[2 * kMaxM];
  std::size_t count = 0;
  const auto add = [&](std::uint32_t n) {
    if (std::find(merged, merged + count, n) == merged + count) merged[count++] = n;
  };
  if (block[0] == 0) {
    for (const Candidate &c : chosen) add(static_cast<std::uint32_t>(c.id));
  } else {
    // With several threads, nodes that found `id` meanwhile have already linked back to it. A
    // full list would drop them, and they could lose their only in-link: keep the heuristic's
    // choices, then those links, then the pruned fill while there is room.
    const std::size_t max_links = static_cast<std::size_t>(params_.max_links(level));
    for (const Candidate &c : diverse) add(static_cast<std::uint32_t>(c.id));
    for (std::uint32_t i = 1; i <= block[0] && count < max_links; ++i) add(block[i]);
    for (std::size_t i = 0; i < chosen.size() && count < max_links; ++i)
      add(static_cast<std::uint32_t>(chosen[i].id));
  }
  block[0] = static_cast<std::uint32_t>(count);
  std::copy(merged, merged + count, block + 1);
}

void MemoryGraph::link_back(NodeId target, NodeId id, float d, int level, Worker &worker) {
  std::uint32_t *block = links(target, level);
  const std::uint32_t max_links = static_cast<std::uint32_t>(params_.max_links(level));
  // Held through the re-selection: it reads only vectors (never changed once added) and this
  // one list, so no other lock is taken while it is held.
  std::lock_guard<std::mutex> hold(lock_of(target));
  // With several threads, `target` may have been linked after `id` became reachable and
  // already chosen it.
  if (std::find(block + 1, block + 1 + block[0], static_cast<std::uint32_t>(id)) !=
      block + 1 + block[0])
    return;
  if (block[0] < max_links) {
    block[++block[0]] = static_cast<std::uint32_t>(id);
    return;
  }
  // Full: choose among the old links plus the new one with the heuristic, from target's view.
  const float *base = vector(target);
  worker.rescored.clear();
  for (std::uint32_t i = 1; i <= block[0]; ++i) {
    worker.rescored.push_back({distance(base, vector(block[i])), block[i]});
  }
  worker.rescored.push_back({d, id});
  std::sort(worker.rescored.begin(), worker.rescored.end(), Nearer{});
  select_neighbors(
      worker.rescored, max_links,
      [&](NodeId a, NodeId b) { return distance(vector(a), vector(b)); }, false, worker.chosen);
  block[0] = static_cast<std::uint32_t>(worker.chosen.size());
  for (std::size_t i = 0; i < worker.chosen.size(); ++i)
    block[i + 1] = static_cast<std::uint32_t>(worker.chosen[i].id);
}

std::optional<NodeId> MemoryGraph::add(std::span<const float> raw) {
  check_same_dimensions(raw.size(), dims_);
  if (!prepare_vector(metric_, raw, scratch_)) return std::nullopt;
  const NodeId id = levels_.size();
  const int level = std::min(assign_level(params_.seed, id, params_.m), params_.max_level);
  const std::size_t m = static_cast<std::size_t>(params_.m);
  vectors_.insert(vectors_.end(), scratch_.begin(), scratch_.end());
  levels_.push_back(level);
  layer0_.resize(layer0_.size() + 2 * m + 1, 0);
  upper_.emplace_back(static_cast<std::size_t>(level) * (m + 1), 0);
  memory_bytes_ += node_bytes(level);
  return id;
}

std::optional<NodeId> MemoryGraph::insert(std::span<const float> raw, CancelCheck &cancel) {
  const std::optional<NodeId> id = add(raw);
  if (id) link(1, cancel);
  return id;
}

void MemoryGraph::link_node(NodeId id, Worker &worker, CancelCheck &cancel) {
  const int level = levels_[static_cast<std::size_t>(id)];
  // A node that will become the new top keeps the entry point locked while it links, so that
  // two such nodes do not both link below a stale top (hnswlib does the same).
  std::unique_lock<std::mutex> entry_hold(*entry_lock_);
  if (!entry_) {
    entry_ = id;
    max_level_ = level;
    return;
  }
  const NodeId entry = *entry_;
  const int top = max_level_;
  if (level <= top) entry_hold.unlock();

  ToQuery to_query{*this, vector(id), &worker.distances};
  worker.entries.assign(1, descend(*this, to_query, entry, top, level, cancel));
  for (int l = std::min(level, top); l >= 0; --l) {
    worker.visited.reset(size());
    for (const Candidate &e : worker.entries) worker.visited.insert(e.id);
    worker.visited.insert(id);
    search_layer(*this, to_query, worker.entries, static_cast<std::size_t>(params_.ef_construction),
                 l, worker.visited, cancel, worker.found);
    // The new node takes a full list (keepPrunedConnections), but links back only from the
    // neighbours the heuristic chose. On the synthetic 100k set this raised recall at the same
    // number of distance computations by 0.002-0.010 (ef 20-200), for 8% more build work;
    // keeping pruned links in the reverse updates too cost 40% more build and lost recall per
    // distance at ef >= 100 (docs/benchmarks_hnsw.md).
    select_neighbors(
        worker.found, static_cast<std::size_t>(params_.max_links(l)),
        [&](NodeId a, NodeId b) { return distance(vector(a), vector(b)); }, true, worker.mine,
        &worker.diverse);
    set_links(id, l, worker.mine, worker.diverse);
    for (const Candidate &n : worker.diverse) link_back(n.id, id, n.distance, l, worker);
    worker.entries.swap(worker.found);
  }
  if (level > top) {
    entry_ = id;
    max_level_ = level;
  }
}

namespace {

// Blocks every signal in the calling thread while alive; threads started meanwhile inherit the
// mask, so a PostgreSQL signal is never delivered to one of them (CPP_IN_POSTGRES.md F7).
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old_);
  }
  ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalsBlocked(const SignalsBlocked &) = delete;
  SignalsBlocked &operator=(const SignalsBlocked &) = delete;

 private:
  sigset_t old_;
};

}  // namespace

void MemoryGraph::link(std::size_t threads, CancelCheck &cancel,
                       const std::function<void(std::size_t)> &progress) {
  const std::size_t end = size();
  // Below a few thousand nodes threads cost more than they save, and the graph stays the same
  // from run to run.
  if (threads <= 1 || end - linked_ < 4096) {
    for (; linked_ < end; ++linked_) {
      link_node(linked_, worker_, cancel);
      if (progress && linked_ % 1024 == 0) progress(linked_);
    }
    build_distances_ += std::exchange(worker_.distances, 0);
    return;
  }
  // The first node links alone (it becomes the entry point), then the threads share the rest.
  if (linked_ == 0) link_node(linked_++, worker_, cancel);
  std::atomic<std::size_t> next{linked_};
  std::atomic<std::size_t> done{linked_};
  std::atomic<bool> stop{false};
  std::vector<Worker> workers(threads - 1);
  std::vector<std::exception_ptr> failures(threads - 1);
  std::vector<std::thread> running;
  concurrent_ = true;
  // Joins the threads however this frame is left (a cancel or an error on this thread).
  struct Joiner {
    std::atomic<bool> &stop;
    std::vector<std::thread> &running;
    bool &concurrent;
    ~Joiner() {
      stop = true;
      for (std::thread &t : running) t.join();
      concurrent = false;
    }
  } joiner{stop, running, concurrent_};
  {
    const SignalsBlocked blocked;
    for (std::size_t t = 0; t + 1 < threads; ++t) {
      running.emplace_back([&, t] {
        try {
          CancelCheck never;
          for (std::size_t id; !stop && (id = next++) < end;) {
            link_node(id, workers[t], never);
            ++done;
          }
        } catch (...) {
          failures[t] = std::current_exception();
          stop = true;
        }
      });
    }
  }
  for (std::size_t id, mine = 0; !stop && (id = next++) < end;) {
    link_node(id, worker_, cancel);
    ++done;
    if (progress && ++mine % 1024 == 0) progress(done);
  }
  stop = true;
  for (std::thread &t : running) t.join();
  running.clear();
  concurrent_ = false;
  for (const std::exception_ptr &failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  linked_ = end;
  build_distances_ += std::exchange(worker_.distances, 0);
  for (const Worker &w : workers) build_distances_ += w.distances;
}

std::vector<Candidate> MemoryGraph::search(std::span<const float> raw, std::size_t k,
                                           std::size_t ef, CancelCheck &cancel) {
  check_same_dimensions(raw.size(), dims_);
  std::vector<Candidate> result;
  if (!entry_ || !prepare_vector(metric_, raw, scratch_)) return result;
  ToQuery to_query{*this, scratch_.data(), &search_distances_};
  const Candidate nearest = descend(*this, to_query, *entry_, max_level_, 0, cancel);
  worker_.visited.reset(size());
  worker_.visited.insert(nearest.id);
  search_layer(*this, to_query, std::vector<Candidate>{nearest}, std::max(ef, k), 0,
               worker_.visited, cancel, result);
  if (result.size() > k) result.resize(k);
  return result;
}

}  // namespace commerce::vector::hnsw
