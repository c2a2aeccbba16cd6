// End-to-end recommender benchmark through libpq, inside PostgreSQL:
//   1. loads an Amazon 5-core file (Beauty or Sports) as commerce.events with COPY, every user's
//      sequence minus its last item (the leave-last-out test target), one view event per item;
//   2. trains with commerce.train_recommender('bench', 'ease', ...) and reads its metrics;
//   3. calls commerce.recommend(user, 10) for every user and scores HIT@10 / NDCG@10 against the
//      held-out item (history masked: exclude_seen is the default), next to the published
//      ICLRec figures; the call latencies give p50 / p99 with 1 client;
//   4. latency with 8 concurrent clients, and commerce.track() inserts per second with 1 and 8
//      clients against a COPY of the same rows as the baseline.
//
// Usage: bench_recs_sql "<conninfo>" <data file> [users to score (default all)]
// The database must have pg_commerce installed; the bench truncates commerce.events.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Connection {
  PGconn *conn;
  explicit Connection(const std::string &info) : conn(PQconnectdb(info.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK) {
      std::fprintf(stderr, "connection failed: %s", PQerrorMessage(conn));
      std::exit(2);
    }
  }
  ~Connection() { PQfinish(conn); }
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;
  std::string value(const std::string &sql) const {
    PGresult *r = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_COPY_IN) {
      std::fprintf(stderr, "%s failed: %s", sql.c_str(), PQerrorMessage(conn));
      std::exit(2);
    }
    std::string v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return v;
  }
  void prepare(const char *name, const char *sql, int params) const {
    PGresult *r = PQprepare(conn, name, sql, params, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      std::fprintf(stderr, "prepare failed: %s", PQerrorMessage(conn));
      std::exit(2);
    }
    PQclear(r);
  }
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

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

// Recommends for users[begin, end) (stride `step`) and appends latencies; returns hits and NDCG.
void score_users(const std::string &info, const std::vector<User> &users, std::size_t begin,
                 std::size_t end, std::size_t step, std::vector<double> &latency_ms, double &hits,
                 double &ndcg) {
  Connection db(info);
  db.prepare("rec",
             "SELECT product_id FROM commerce.recommend($1::bigint, 10, '{\"at\": "
             "\"2026-01-02\"}', model => 'bench')",
             1);
  for (std::size_t u = begin; u < end; u += step) {
    const std::string id = std::to_string(users[u].id);
    const char *params[] = {id.c_str()};
    const auto t0 = Clock::now();
    PGresult *r = PQexecPrepared(db.conn, "rec", 1, params, nullptr, nullptr, 0);
    latency_ms.push_back(seconds_since(t0) * 1000.0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "recommend failed: %s", PQerrorMessage(db.conn));
      std::exit(2);
    }
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
  db.value("SET client_min_messages = warning");
  db.value("TRUNCATE commerce.events");
  db.value("SELECT commerce.ensure_event_partitions('2026-01-01', '2026-01-01')");

  // 1. Load: one view per (user, item) but the last, a second apart so the order is the sequence.
  std::size_t events = 0;
  auto t0 = Clock::now();
  db.value("COPY commerce.events (event_type, user_id, product_id, occurred_at) FROM STDIN");
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
      PQputCopyData(db.conn, buffer.data(), static_cast<int>(buffer.size()));
      buffer.clear();
    }
  }
  PQputCopyData(db.conn, buffer.data(), static_cast<int>(buffer.size()));
  PQputCopyEnd(db.conn, nullptr);
  PGresult *copy = PQgetResult(db.conn);
  if (PQresultStatus(copy) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "COPY failed: %s", PQerrorMessage(db.conn));
    return 2;
  }
  PQclear(copy);
  const double copy_s = seconds_since(t0);
  db.value("ANALYZE commerce.events");
  std::printf("loaded %zu events for %zu users with COPY in %.1f s (%.0f rows/s)\n", events,
              users.size(), copy_s, static_cast<double>(events) / copy_s);

  // 2. Train inside PostgreSQL.
  t0 = Clock::now();
  const std::string model = db.value(
      "SELECT commerce.train_recommender('bench', 'ease', "
      "'{\"lambda\": 50, \"neighbors\": 200, \"max_memory_mb\": 4096}')");
  const double train_s = seconds_since(t0);
  std::printf("train_recommender: %.1f s wall; metrics %s\n", train_s,
              db.value("SELECT metrics FROM commerce.models WHERE model_id = " + model).c_str());
  db.value("ANALYZE commerce.model_neighbors");
  db.value("ANALYZE commerce.model_popularity");

  // 3. Quality and single-client latency over every (or the first N) users.
  std::vector<double> latency;
  double hits = 0, ndcg = 0;
  t0 = Clock::now();
  score_users(info, users, 0, scored, 1, latency, hits, ndcg);
  const double score_s = seconds_since(t0);
  std::printf(
      "recommend for %zu users in %.1f s: HIT@10 %.4f NDCG@10 %.4f | latency 1 client p50 %.2f ms "
      "p99 %.2f ms\n",
      scored, score_s, hits / static_cast<double>(scored), ndcg / static_cast<double>(scored),
      percentile(latency, 0.5), percentile(latency, 0.99));

  // 4a. Eight clients, each scoring every 8th of the first `sample` users.
  const std::size_t sample = std::min<std::size_t>(scored, 8000);
  std::vector<std::vector<double>> per_thread(8);
  std::vector<double> h(8), n(8);
  std::vector<std::thread> threads;
  t0 = Clock::now();
  for (std::size_t c = 0; c < 8; ++c) {
    threads.emplace_back(
        [&, c] { score_users(info, users, c, sample, 8, per_thread[c], h[c], n[c]); });
  }
  for (auto &t : threads) t.join();
  const double eight_s = seconds_since(t0);
  std::vector<double> all;
  for (const auto &v : per_thread) all.insert(all.end(), v.begin(), v.end());
  std::printf("recommend, 8 clients, %zu calls: %.0f calls/s, p50 %.2f ms p99 %.2f ms\n",
              all.size(), static_cast<double>(all.size()) / eight_s, percentile(all, 0.5),
              percentile(all, 0.99));

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
          conn.value(std::string("SET synchronous_commit = ") + sync);
          conn.prepare("track",
                       "SELECT commerce.track('view', $1::bigint, user_id => $2::bigint, "
                       "session_id => 'bench')",
                       2);
          for (int i = 0; i < per_client; ++i) {
            const std::string product = std::to_string(1 + i % 1000),
                              user = std::to_string(1000000 + c);
            const char *params[] = {product.c_str(), user.c_str()};
            PGresult *r = PQexecPrepared(conn.conn, "track", 2, params, nullptr, nullptr, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK) {
              std::fprintf(stderr, "track failed: %s", PQerrorMessage(conn.conn));
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
