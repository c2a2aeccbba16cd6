// End-to-end recommender benchmark through libpq, inside PostgreSQL:
//   1. loads an Amazon 5-core file (Beauty or Sports) as commerce.events with COPY, every user's
//      sequence minus its last item (the leave-last-out test target), one view event per item;
//   2. trains with commerce.train_recommender('bench', 'ease', ...) and reads its metrics;
//   3. calls commerce.recommend(user, 10) for every user and scores HIT@10 / NDCG@10 against the
//      held-out item (history masked: exclude_seen is the default), next to the published
//      ICLRec figures; the call latencies give p50 / p95 / p99 with 1 client;
//   4. latency with 8 concurrent clients; then both again with catalogue facts in place (every
//      product in a category, stock rows for a third of them, some out of stock, 20 rules),
//      which are removed afterwards; and commerce.track() inserts per second with 1 and 8
//      clients against a COPY of the same rows as the baseline.
// Latency is the case: 500 candidates (the default context), a prepared statement, and
// a warmed cache: every connection makes 300 untimed calls first (plans, the per-backend
// popularity cache, shared buffers), and the 8 clients start timing together.
//
// Usage: bench_recs_sql "<conninfo>" <data file> [users to score (default all)]
// The database must have pg_commerce installed; the bench truncates commerce.events.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "latency.h"
#include "sql/pg_client.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

using commerce::bench::mean;
using commerce::bench::percentile;
using Connection = commerce::bench::PgClient;

struct User {
  long id;
  std::vector<long> items;
};

std::vector<User> read_users(const std::string &path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "data file %s is absent\n", path.c_str());
    std::exit(2);
  }
  std::vector<User> users;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    User u{};
    fields >> u.id;
    long item = 0;
    while (fields >> item) u.items.push_back(item);
    if (u.items.size() >= 2) users.push_back(std::move(u));
  }
  return users;
}

constexpr int kWarmupCalls = 300;
constexpr const char *kRecommend =
    "SELECT product_id FROM commerce.recommend($1::bigint, 10, '{\"at\": \"2026-01-02\"}', "
    "model => 'bench')";

PGresult *recommend(const Connection &db, long user) {
  const std::string id = std::to_string(user);
  const char *params[] = {id.c_str()};
  PGresult *r = PQexecPrepared(db.get(), "rec", 1, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "recommend failed: %s", PQerrorMessage(db.get()));
    std::exit(2);
  }
  return r;
}

// Recommends for users[begin, end) (stride `step`) and appends latencies; returns hits and NDCG.
// First warms the connection with kWarmupCalls untimed calls (users from the end of the list),
// then waits at `start` (if given) so that concurrent clients time the same period.
void score_users(const std::string &info, const std::vector<User> &users, std::size_t begin,
                 std::size_t end, std::size_t step, std::vector<double> &latency_ms, double &hits,
                 double &ndcg, std::barrier<> *start) {
  Connection db(info);
  db.prepare("rec", kRecommend, 1);
  for (int i = 0; i < kWarmupCalls; ++i) {
    PQclear(recommend(db, users[users.size() - 1 - (begin + i * step) % users.size()].id));
  }
  if (start != nullptr) start->arrive_and_wait();
  for (std::size_t u = begin; u < end; u += step) {
    const auto t0 = Clock::now();
    PGresult *r = recommend(db, users[u].id);
    latency_ms.push_back(seconds_since(t0) * 1000.0);
    const long target = users[u].items.back();
    for (int row = 0; row < PQntuples(r); ++row) {
      if (std::atol(PQgetvalue(r, row, 0)) == target) {
        hits += 1;
        ndcg += 1.0 / std::log2(row + 2.0);
        break;
      }
    }
    PQclear(r);
  }
}

void print_latency(const char *what, const std::vector<double> &ms, double seconds) {
  std::printf("%s: %zu calls, %.0f calls/s, p50 %.2f ms p95 %.2f ms p99 %.2f ms\n", what, ms.size(),
              static_cast<double>(ms.size()) / seconds, percentile(ms, 0.5), percentile(ms, 0.95),
              percentile(ms, 0.99));
}

// `clients` connections recommend for every clients-th of the first `calls` users.
void concurrent_latency(const std::string &info, const std::vector<User> &users,
                        std::size_t clients, std::size_t calls, const char *what) {
  std::vector<std::vector<double>> per_client(clients);
  std::vector<double> h(clients), n(clients);
  std::vector<std::thread> threads;
  std::barrier<> start(static_cast<std::ptrdiff_t>(clients) + 1);
  for (std::size_t c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      score_users(info, users, c, std::min(calls, users.size()), clients, per_client[c], h[c], n[c],
                  &start);
    });
  }
  start.arrive_and_wait();
  const auto t0 = Clock::now();
  for (auto &t : threads) t.join();
  const double seconds = seconds_since(t0);
  std::vector<double> all;
  for (const auto &v : per_client) all.insert(all.end(), v.begin(), v.end());
  print_latency(what, all, seconds);
}

// What a call considered, from recommend's DEBUG1 line over 500 calls: the candidates stage 1
// returned (the pool of `candidates`, 500) and for how many of them stage 2 read categories
// and stock before the top 10 was settled.
void print_considered(const std::string &info, const std::vector<User> &users, const char *what) {
  struct Counts {
    std::vector<double> stage_one, read;
  } counts;
  Connection db(info);
  PQsetNoticeProcessor(
      db.get(),
      [](void *arg, const char *message) {
        int stage_one = 0, read = 0, pool = 0;
        const char *line = std::strstr(message, "recommend: ");
        if (line != nullptr &&
            std::sscanf(line,
                        "recommend: %d candidates from stage 1, categories and stock read for %d, "
                        "%d of them in the pool",
                        &stage_one, &read, &pool) == 3) {
          static_cast<Counts *>(arg)->stage_one.push_back(stage_one);
          static_cast<Counts *>(arg)->read.push_back(read);
        }
      },
      &counts);
  db.prepare("rec", kRecommend, 1);
  db.scalar("SET client_min_messages = debug1");
  for (std::size_t u = 0; u < std::min<std::size_t>(500, users.size()); ++u) {
    PQclear(recommend(db, users[u].id));
  }
  std::printf(
      "%s: candidates from stage 1 per call mean %.1f (min %.0f); categories and stock read for "
      "mean %.1f, p50 %.0f, max %.0f of them\n",
      what, mean(counts.stage_one), percentile(counts.stage_one, 0.0), mean(counts.read),
      percentile(counts.read, 0.5), percentile(counts.read, 1.0));
}

// Catalogue facts for the second latency run: 20 categories with 5 subcategories, stock for a
// third of the products (a quarter of those out of stock), boost, bury, filter and pin rules.
void add_catalogue_facts(const Connection &db) {
  db.scalar(
      "INSERT INTO commerce.product_facets (product_id, category)"
      " SELECT DISTINCT product_id, 'c' || product_id % 20 || '/' || product_id % 5"
      "   FROM commerce.events");
  db.scalar(
      "INSERT INTO commerce.availability_feed (product_id, available)"
      " SELECT product_id, product_id % 4 - 1 FROM commerce.product_facets"
      "  WHERE product_id % 3 = 0");
  db.scalar(
      "INSERT INTO commerce.recommendation_rules (action, product_id, category, factor, position)"
      " SELECT 'boost', NULL::bigint, 'c' || g, 1.5::real, NULL::integer"
      "   FROM generate_series(1, 5) g UNION ALL"
      " SELECT 'bury', NULL, 'c' || g || '/1', 0.5, NULL FROM generate_series(6, 10) g UNION ALL"
      " SELECT 'filter', g * 97, NULL, NULL, NULL FROM generate_series(1, 6) g UNION ALL"
      " SELECT 'pin', g * 89, NULL, NULL, g FROM generate_series(1, 4) g");
  db.scalar("ANALYZE commerce.product_facets");
  db.scalar("ANALYZE commerce.availability_feed");
  db.scalar("ANALYZE commerce.recommendation_rules");
}

void remove_catalogue_facts(const Connection &db) {
  db.scalar("DELETE FROM commerce.product_facets");
  db.scalar("DELETE FROM commerce.availability_feed");
  db.scalar("DELETE FROM commerce.recommendation_rules");
  db.scalar("ANALYZE commerce.product_facets");
  db.scalar("ANALYZE commerce.availability_feed");
  db.scalar("ANALYZE commerce.recommendation_rules");
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s \"<conninfo>\" <data file> [users to score]\n", argv[0]);
    return 2;
  }
  const std::string info = argv[1];
  const std::vector<User> users = read_users(argv[2]);
  const std::size_t scored =
      argc > 3 ? std::min<std::size_t>(std::strtoul(argv[3], nullptr, 10), users.size())
               : users.size();
  Connection db(info);
  db.scalar("SET client_min_messages = warning");
  db.scalar("TRUNCATE commerce.events");
  db.scalar("SELECT commerce.ensure_event_partitions('2026-01-01', '2026-01-01')");

  // 1. Load: one view per (user, item) but the last, a second apart so the order is the sequence.
  std::size_t events = 0;
  auto t0 = Clock::now();
  db.scalar("COPY commerce.events (event_type, user_id, product_id, occurred_at) FROM STDIN");
  std::string buffer;
  for (const User &u : users) {
    for (std::size_t i = 0; i + 1 < u.items.size(); ++i) {
      // The position in the sequence becomes seconds past midnight.
      const long s = static_cast<long>(i);
      char line[128];
      std::snprintf(line, sizeof line, "view\t%ld\t%ld\t2026-01-01 %02ld:%02ld:%02ld+00\n", u.id,
                    u.items[i], s / 3600, (s / 60) % 60, s % 60);
      buffer += line;
      ++events;
    }
    if (buffer.size() > (1 << 20)) {
      PQputCopyData(db.get(), buffer.data(), static_cast<int>(buffer.size()));
      buffer.clear();
    }
  }
  PQputCopyData(db.get(), buffer.data(), static_cast<int>(buffer.size()));
  PQputCopyEnd(db.get(), nullptr);
  PGresult *copy = PQgetResult(db.get());
  if (PQresultStatus(copy) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "COPY failed: %s", PQerrorMessage(db.get()));
    return 2;
  }
  PQclear(copy);
  const double copy_s = seconds_since(t0);
  db.scalar("ANALYZE commerce.events");
  std::printf("loaded %zu events for %zu users with COPY in %.1f s (%.0f rows/s)\n", events,
              users.size(), copy_s, static_cast<double>(events) / copy_s);

  // 2. Train inside PostgreSQL.
  t0 = Clock::now();
  const std::string model = db.scalar(
      "SELECT commerce.train_recommender('bench', 'ease', "
      "'{\"lambda\": 50, \"neighbors\": 200, \"max_memory_mb\": 4096}')");
  const double train_s = seconds_since(t0);
  std::printf("train_recommender: %.1f s wall; metrics %s\n", train_s,
              db.scalar("SELECT metrics FROM commerce.models WHERE model_id = " + model).c_str());
  db.scalar("ANALYZE commerce.model_neighbors");
  db.scalar("ANALYZE commerce.model_popularity");

  // 3. Quality and single-client latency over every (or the first N) users.
  std::vector<double> latency;
  double hits = 0, ndcg = 0;
  t0 = Clock::now();
  score_users(info, users, 0, scored, 1, latency, hits, ndcg, nullptr);
  const double score_s = seconds_since(t0);
  std::printf("recommend for %zu users: HIT@10 %.4f NDCG@10 %.4f\n", scored,
              hits / static_cast<double>(scored), ndcg / static_cast<double>(scored));
  print_latency("recommend, 1 client (every user once, after 300 warm-up calls)", latency, score_s);
  print_considered(info, users, "considered, no catalogue facts");

  // 4a. Eight clients on the first 8,000 users; then both with catalogue facts in place.
  const std::size_t sample = std::min<std::size_t>(scored, 8000);
  concurrent_latency(info, users, 8, sample, "recommend, 8 clients");
  add_catalogue_facts(db);
  print_considered(info, users, "considered, with facets, stock and 20 rules");
  concurrent_latency(info, users, 1, std::min<std::size_t>(scored, 5000),
                     "recommend with facets, stock and 20 rules, 1 client");
  concurrent_latency(info, users, 8, sample,
                     "recommend with facets, stock and 20 rules, 8 clients");
  remove_catalogue_facts(db);
  std::vector<std::thread> threads;

  // 4b. track(): single-row calls, 1 and 8 clients, 20,000 events per run, with the default
  // synchronous commit (each call waits for its WAL flush) and with synchronous_commit off (what
  // a page-view tracker can afford: a crash loses the last few hundred milliseconds of events).
  for (const char *sync : {"on", "off"}) {
    for (const int clients : {1, 8}) {
      threads.clear();
      const int per_client = 20000 / clients;
      t0 = Clock::now();
      for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
          Connection conn(info);
          conn.scalar(std::string("SET synchronous_commit = ") + sync);
          conn.prepare("track",
                       "SELECT commerce.track('view', $1::bigint, user_id => $2::bigint, "
                       "session_id => 'bench')",
                       2);
          for (int i = 0; i < per_client; ++i) {
            const std::string product = std::to_string(1 + i % 1000),
                              user = std::to_string(1000000 + c);
            const char *params[] = {product.c_str(), user.c_str()};
            PGresult *r = PQexecPrepared(conn.get(), "track", 2, params, nullptr, nullptr, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) {
              std::fprintf(stderr, "track failed: %s", PQerrorMessage(conn.get()));
              std::exit(2);
            }
            PQclear(r);
          }
        });
      }
      for (auto &t : threads) t.join();
      const double s = seconds_since(t0);
      std::printf(
          "track(): synchronous_commit %s, %d client(s), %d calls in %.1f s: %.0f inserts/s "
          "(COPY baseline above: %.0f rows/s)\n",
          sync, clients, per_client * clients, s, per_client * clients / s,
          static_cast<double>(events) / copy_s);
    }
  }
  return 0;
}
