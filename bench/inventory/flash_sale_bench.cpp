// Flash-sale benchmark for inventory reservations, end to end through libpq.
//
// C concurrent clients (one connection and thread each) buy one hot SKU with U units plus a
// spread of normal SKUs until the hot SKU sells out. Three modes, all in the same run:
//   plain    the baseline: UPDATE one row SET available = available - 1 WHERE available >= 1
//   normal   commerce.reserve() with the hot SKU on one stock row
//   hot      commerce.reserve() with the hot SKU spread over B bucket rows (set_hot_sku)
// For each mode it prints successful reservations per second and the p50/p99 latency of the
// successful calls, then checks what a flash sale must never get wrong: after the sale (abandoned
// holds expired, the rest committed) sold + available = initial for every SKU, no stock counter
// is negative, no idempotency key has two reservations and every retry got the first answer,
// the ledger equals the stock (commerce.verify_inventory()), and the hot SKU sold exactly the
// units of the reservations clients were told succeeded. Repeats R times and prints medians.
//
// Usage: bench_flash_sale "<libpq conninfo>" [runs] [clients] [units] [buckets]
#include "latency.h"
#include "sql/pg_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kNormalSkus = 200;
constexpr long kNormalUnits = 1000;
constexpr double kHotShare = 0.80;      // requests for the hot SKU alone
constexpr double kNormalShare = 0.10;   // 1-3 normal SKUs; the rest mix hot and normal
constexpr double kAbandonShare = 0.10;  // held with a 1 s TTL and never committed
constexpr double kRetryShare = 0.05;    // sent twice with the same idempotency key
constexpr double kMaxSeconds = 60;

using Connection = commerce::bench::PgClient;

using commerce::bench::percentile;

double median(std::vector<double> v) {
  return percentile(std::move(v), 0.5);
}

// What one client saw during one phase.
struct ClientResult {
  std::vector<double> latency_ms;  // successful first attempts inside the timed window
  long successes = 0;              // distinct reservations (or plain UPDATEs) that succeeded
  long in_window = 0;              // ... of which before the phase stopped (for the rate)
  long hot_units_kept = 0;         // hot units in successful reservations that were not abandoned
  long retries = 0;
  long retry_mismatches = 0;  // a retry that did not return the first answer
  long sold_out = 0;          // PC002 answers
  long errors = 0;            // anything else
  std::string first_error;
};

struct Phase {
  double tps = 0, p50 = 0, p99 = 0, seconds = 0;
  long successes = 0;  // in the timed window
  // CPU per successful reservation over the whole phase (retries and refusals included), of the
  // 64 server backends and of this driver: what the rate would be bounded by on idle cores,
  // whatever else the machine runs.
  double server_us = 0, client_us = 0;
  bool ok = false;
};

// CPU seconds (user + system) this process has used.
double client_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// CPU seconds the server backends of `conns` have used, from /proc (the driver runs on the
// server's machine, as the server's user).
double server_cpu_seconds(const std::vector<std::unique_ptr<Connection>> &conns) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double total = 0;
  for (const auto &c : conns) {
    std::ifstream stat("/proc/" + std::to_string(PQbackendPID(c->get())) + "/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the command name (which ends with the last ')'): state is field 3, utime 14.
    std::size_t at = line.rfind(')');
    if (at == std::string::npos) continue;
    std::vector<std::string> fields;
    std::size_t start = at + 2;
    while (start < line.size()) {
      std::size_t end = line.find(' ', start);
      if (end == std::string::npos) end = line.size();
      fields.push_back(line.substr(start, end - start));
      start = end + 1;
    }
    if (fields.size() > 12) total += (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  }
  return total;
}

// Shared start line and stop flag of one phase.
struct Race {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<long> stop_ns{0};
  Clock::time_point start;
  double server_cpu_s = 0, client_cpu_s = 0;  // used from the start until every client stopped

  void mark_stop() {
    bool expected = false;
    if (stop.compare_exchange_strong(expected, true)) {
      stop_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    }
  }
  void wait_start() {
    ++ready;
    while (!go.load()) std::this_thread::yield();
  }
  double elapsed_s() const { return static_cast<double>(stop_ns.load()) / 1e9; }
};

double since_ms(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Runs `client(i, conn, race, result)` on every connection at once; returns per-client results.
template <typename F>
std::vector<ClientResult> race_clients(std::vector<std::unique_ptr<Connection>> &conns, Race &race,
                                       F client) {
  std::vector<ClientResult> results(conns.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < conns.size(); ++i) {
    threads.emplace_back([&, i] { client(i, *conns[i], race, results[i]); });
  }
  while (race.ready.load() < static_cast<int>(conns.size())) std::this_thread::yield();
  const double server_before = server_cpu_seconds(conns);
  const double client_before = client_cpu_seconds();
  race.start = Clock::now();
  race.go = true;
  std::thread watchdog([&] {
    while (!race.stop.load()) {
      if (since_ms(race.start) > kMaxSeconds * 1000) race.mark_stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  for (auto &t : threads) t.join();
  race.mark_stop();
  watchdog.join();
  race.server_cpu_s = server_cpu_seconds(conns) - server_before;
  race.client_cpu_s = client_cpu_seconds() - client_before;
  return results;
}

Phase summarize(const std::vector<ClientResult> &results, const Race &race) {
  Phase ph;
  std::vector<double> all;
  long successes = 0;
  for (const auto &r : results) {
    ph.successes += r.in_window;
    successes += r.successes;
    all.insert(all.end(), r.latency_ms.begin(), r.latency_ms.end());
  }
  ph.server_us = race.server_cpu_s * 1e6 / static_cast<double>(std::max(successes, 1L));
  ph.client_us = race.client_cpu_s * 1e6 / static_cast<double>(std::max(successes, 1L));
  ph.seconds = race.elapsed_s();
  ph.tps = static_cast<double>(ph.successes) / ph.seconds;
  ph.p50 = percentile(all, 0.5);
  ph.p99 = percentile(all, 0.99);
  return ph;
}

// --- plain UPDATE baseline ----------------------------------------------------------------
Phase run_plain(Connection &admin, std::vector<std::unique_ptr<Connection>> &conns, long units) {
  admin.scalar("DROP TABLE IF EXISTS bench_plain_stock");
  admin.scalar(
      "CREATE TABLE bench_plain_stock (sku text PRIMARY KEY, "
      "available bigint NOT NULL CHECK (available >= 0))");
  admin.scalar("INSERT INTO bench_plain_stock VALUES ('HOT', " + std::to_string(units) + ")");
  for (auto &c : conns) {
    c->scalar("DEALLOCATE ALL");
    c->prepare("take",
               "UPDATE bench_plain_stock SET available = available - 1 "
               "WHERE sku = 'HOT' AND available >= 1",
               0);
  }
  Race race;
  auto results =
      race_clients(conns, race, [](std::size_t, Connection &c, Race &rc, ClientResult &res) {
        rc.wait_start();
        while (!rc.stop.load()) {
          auto t0 = Clock::now();
          PGresult *r = PQexecPrepared(c.get(), "take", 0, nullptr, nullptr, nullptr, 0);
          if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            ++res.errors;
            if (res.first_error.empty()) res.first_error = PQerrorMessage(c.get());
            rc.mark_stop();
          } else if (std::strcmp(PQcmdTuples(r), "1") == 0) {
            ++res.successes;
            if (!rc.stop.load()) {
              res.latency_ms.push_back(since_ms(t0));
              ++res.in_window;
            }
          } else {
            ++res.sold_out;
            rc.mark_stop();
          }
          PQclear(r);
        }
      });
  Phase ph = summarize(results, race);
  long errors = 0, sold = 0;
  for (const auto &r : results) {
    errors += r.errors;
    sold += r.successes;
  }
  const long left = std::stol(admin.scalar("SELECT available FROM bench_plain_stock"));
  ph.ok = errors == 0 && left == 0 && sold == units;
  std::printf("    checks: sold %ld + available %ld = initial %ld: %s; errors %ld\n", sold, left,
              units, sold + left == units ? "yes" : "NO", errors);
  return ph;
}

// --- commerce.reserve() ---------------------------------------------------------------------
void setup_commerce(Connection &admin, long units, int buckets) {
  admin.scalar("DROP EXTENSION IF EXISTS pg_commerce CASCADE");
  admin.scalar("CREATE EXTENSION pg_commerce");
  admin.scalar("INSERT INTO commerce.warehouses (code, region) VALUES ('main', 'eu')");
  admin.scalar(
      "INSERT INTO commerce.products (product_id, sku, title) VALUES (1, 'HOT', 'flash sale'), "
      "(2, 'WARM', 'warm-up')");
  admin.scalar(
      "INSERT INTO commerce.products (product_id, sku) SELECT 100 + i, 'N' || i FROM "
      "generate_series(1, " +
      std::to_string(kNormalSkus) + ") i");
  admin.scalar("SELECT commerce.restock('HOT', 'main', " + std::to_string(units) + ")");
  admin.scalar("SELECT commerce.restock('WARM', 'main', 1000000)");
  admin.scalar("SELECT commerce.restock(sku, 'main', " + std::to_string(kNormalUnits) +
               ") FROM commerce.products WHERE sku LIKE 'N%'");
  if (buckets > 1) {
    admin.scalar("SELECT commerce.set_hot_sku('HOT', 'main', " + std::to_string(buckets) + ")");
    admin.scalar("SELECT commerce.set_hot_sku('WARM', 'main', " + std::to_string(buckets) + ")");
  }
  admin.scalar("VACUUM ANALYZE");
}

// One client of the reserve() phases.
void reserve_client(std::size_t id, Connection &c, Race &rc, ClientResult &res, int run, int mode) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(run) * 1000003u + id * 7919u + mode);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int> normal_sku(1, kNormalSkus);
  char key[96];
  // Warm the session (plan caches, PL/pgSQL compilation) outside the timed window: a
  // reservation, its retry (the replay path) and its release.
  std::snprintf(key, sizeof key, "warm-%d-%d-%zu", run, mode, id);
  const std::string warm =
      std::string("commerce.reserve('") + key + "', '[{\"sku\": \"WARM\", \"qty\": 1}]')";
  c.scalar("SELECT reservation_id FROM " + warm);
  c.scalar("SELECT commerce.release_reservation(reservation_id) FROM " + warm);
  rc.wait_start();
  for (long n = 0; !rc.stop.load(); ++n) {
    std::string lines;
    bool has_hot = false;
    const double kind = unit(rng);
    if (kind < kHotShare) {
      lines = "[{\"sku\": \"HOT\", \"qty\": 1}]";
      has_hot = true;
    } else {
      const int count = 1 + static_cast<int>(unit(rng) * 3);
      std::vector<int> picked;
      while (static_cast<int>(picked.size()) < count) {
        const int s = normal_sku(rng);
        if (std::find(picked.begin(), picked.end(), s) == picked.end()) picked.push_back(s);
      }
      lines = "[";
      for (int s : picked) {
        lines += (lines.size() > 1 ? ", " : "");
        lines += "{\"sku\": \"N" + std::to_string(s) +
                 "\", \"qty\": " + std::to_string(1 + (s % 2)) + "}";
      }
      // Mixed orders name the hot SKU first or last, so lock order is really exercised.
      if (kind >= kHotShare + kNormalShare) {
        has_hot = true;
        lines = unit(rng) < 0.5 ? "[{\"sku\": \"HOT\", \"qty\": 1}, " + lines.substr(1)
                                : lines + ", {\"sku\": \"HOT\", \"qty\": 1}";
      }
      lines += "]";
    }
    const bool abandon = unit(rng) < kAbandonShare;
    const char *ttl = abandon ? "1 second" : "10 minutes";
    std::snprintf(key, sizeof key, "r%d-m%d-c%zu-%ld", run, mode, id, n);
    const char *params[3] = {key, lines.c_str(), ttl};
    std::string first_id;
    const int attempts = unit(rng) < kRetryShare ? 2 : 1;
    for (int attempt = 0; attempt < attempts; ++attempt) {
      auto t0 = Clock::now();
      PGresult *r = PQexecPrepared(c.get(), "reserve", 3, params, nullptr, nullptr, 0);
      const double ms = since_ms(t0);
      if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        const std::string rid = PQgetvalue(r, 0, 0);
        const bool replayed = std::strcmp(PQgetvalue(r, 0, 1), "t") == 0;
        if (attempt == 0) {
          if (!rc.stop.load()) {
            res.latency_ms.push_back(ms);
            ++res.in_window;
          }
          ++res.successes;
          if (has_hot && !abandon) ++res.hot_units_kept;
          first_id = rid;
        } else {
          ++res.retries;
          if (rid != first_id || !replayed) ++res.retry_mismatches;
        }
      } else {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state != nullptr && std::strcmp(state, "PC002") == 0) {
          ++res.sold_out;
          if (has_hot) rc.mark_stop();
        } else {
          ++res.errors;
          if (res.first_error.empty()) res.first_error = PQerrorMessage(c.get());
        }
        PQclear(r);
        break;
      }
      PQclear(r);
    }
  }
}

Phase run_reserve(Connection &admin, std::vector<std::unique_ptr<Connection>> &conns, long units,
                  int buckets, int run, int mode) {
  setup_commerce(admin, units, buckets);
  for (auto &c : conns) {
    c->scalar("DEALLOCATE ALL");
    c->prepare("reserve",
               "SELECT reservation_id, replayed FROM commerce.reserve($1, $2::jsonb, $3::interval)",
               3);
  }
  Race race;
  auto results =
      race_clients(conns, race, [&](std::size_t i, Connection &c, Race &rc, ClientResult &res) {
        reserve_client(i, c, rc, res, run, mode);
      });
  Phase ph = summarize(results, race);
  long errors = 0, mismatches = 0, retries = 0, hot_kept = 0;
  for (const auto &r : results) {
    errors += r.errors;
    mismatches += r.retry_mismatches;
    retries += r.retries;
    hot_kept += r.hot_units_kept;
    if (!r.first_error.empty() && errors == r.errors) {
      std::fprintf(stderr, "    first error: %s", r.first_error.c_str());
    }
  }

  // Close the sale: abandoned holds expire (after their 1 s TTL), everything else is bought.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const std::string expired = admin.scalar("SELECT commerce.expire_reservations(1000000)");
  admin.scalar(
      "SELECT count(commerce.commit_reservation(reservation_id)) FROM commerce.reservations "
      "WHERE state = 'held'");
  const long bad_balance = std::stol(admin.scalar(
      "SELECT count(*) FROM commerce.stock_levels l JOIN ("
      "  SELECT product_id, sum(on_hand_delta) FILTER (WHERE kind IN ('receipt', 'adjustment')) "
      "         AS initial, -sum(on_hand_delta) FILTER (WHERE kind = 'commit') AS sold "
      "    FROM commerce.stock_movements GROUP BY product_id) m "
      "  USING (product_id) "
      "WHERE coalesce(m.sold, 0) + l.available <> m.initial OR l.reserved <> 0"));
  const long negative = std::stol(admin.scalar(
      "SELECT count(*) FROM commerce.stock WHERE on_hand < 0 OR reserved < 0 OR available < 0"));
  const long duplicate_keys = std::stol(
      admin.scalar("SELECT count(*) - count(DISTINCT idempotency_key) FROM commerce.reservations"));
  const long ledger_problems =
      std::stol(admin.scalar("SELECT count(*) FROM commerce.verify_inventory()"));
  const long hot_sold = std::stol(
      admin.scalar("SELECT coalesce(-sum(on_hand_delta), 0) FROM commerce.stock_movements "
                   "WHERE kind = 'commit' AND product_id = 1"));
  ph.ok = errors == 0 && mismatches == 0 && bad_balance == 0 && negative == 0 &&
          duplicate_keys == 0 && ledger_problems == 0 && hot_sold == hot_kept && hot_sold <= units;
  std::printf(
      "    checks: SKUs with sold + available != initial: %ld; negative rows: %ld; duplicate "
      "keys: %ld; retries %ld (mismatched %ld); verify_inventory problems: %ld; hot sold %ld of "
      "%ld (clients kept %ld, oversold %ld); abandoned holds expired by the sweeper: %s; "
      "errors %ld\n",
      bad_balance, negative, duplicate_keys, retries, mismatches, ledger_problems, hot_sold, units,
      hot_kept, std::max(0L, hot_sold - units), expired.c_str(), errors);
  return ph;
}

void print_phase(const char *name, const Phase &ph) {
  std::printf(
      "  %-8s %8.0f reservations/s  p50 %6.2f ms  p99 %7.2f ms  (%ld in %.2f s)  CPU per "
      "reservation: server %.0f us, driver %.0f us  %s\n",
      name, ph.tps, ph.p50, ph.p99, ph.successes, ph.seconds, ph.server_us, ph.client_us,
      ph.ok ? "OK" : "FAILED");
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s \"<conninfo>\" [runs] [clients] [units] [buckets]\n", argv[0]);
    return 2;
  }
  const char *info = argv[1];
  const int runs = argc > 2 ? std::atoi(argv[2]) : 10;
  const int clients = argc > 3 ? std::atoi(argv[3]) : 64;
  const long units = argc > 4 ? std::atol(argv[4]) : 10000;
  const int buckets = argc > 5 ? std::atoi(argv[5]) : 64;

  Connection admin(info);
  std::vector<std::unique_ptr<Connection>> conns;
  for (int i = 0; i < clients; ++i) conns.push_back(std::make_unique<Connection>(info));
  std::printf(
      "flash sale: %d clients, hot SKU with %ld units, %d normal SKUs x %ld units, "
      "%.0f%% of holds abandoned (1 s TTL), %.0f%% of requests retried; %d runs\n",
      clients, units, kNormalSkus, kNormalUnits, kAbandonShare * 100, kRetryShare * 100, runs);

  std::printf(
      "server: synchronous_commit=%s, fsync=%s, wal_level=%s, shared_buffers=%s, "
      "max_connections=%s (the same for every mode)\n",
      admin.scalar("SHOW synchronous_commit").c_str(), admin.scalar("SHOW fsync").c_str(),
      admin.scalar("SHOW wal_level").c_str(), admin.scalar("SHOW shared_buffers").c_str(),
      admin.scalar("SHOW max_connections").c_str());

  std::vector<Phase> plain, normal, hot;
  int ok_runs = 0;
  for (int run = 1; run <= runs; ++run) {
    std::printf("run %d\n", run);
    plain.push_back(run_plain(admin, conns, units));
    print_phase("plain", plain.back());
    normal.push_back(run_reserve(admin, conns, units, 1, run, 1));
    print_phase("normal", normal.back());
    hot.push_back(run_reserve(admin, conns, units, buckets, run, 2));
    print_phase("hot", hot.back());
    ok_runs += plain.back().ok && normal.back().ok && hot.back().ok;
    std::fflush(stdout);
  }

  auto med = [](const std::vector<Phase> &v, double Phase::*f) {
    std::vector<double> x;
    for (const auto &p : v) x.push_back(p.*f);
    return median(x);
  };
  const double base = med(plain, &Phase::tps);
  std::printf("\nmedian of %d runs (%d clients, hot SKU %ld units, %d buckets in hot mode)\n", runs,
              clients, units, buckets);
  std::printf("  %-34s %14s %9s %9s %9s %11s %11s %10s\n", "mode", "reservations/s", "p50 ms",
              "p99 ms", "x plain", "x plain/run", "server us", "driver us");
  const struct {
    const char *name;
    const std::vector<Phase> *v;
  } rows[] = {{"plain UPDATE ... available - 1", &plain},
              {"reserve(), one stock row", &normal},
              {"reserve(), hot SKU buckets", &hot}};
  for (const auto &row : rows) {
    // The ratio within each run (same minute, same machine load), then its median.
    std::vector<double> ratios;
    for (std::size_t i = 0; i < row.v->size(); ++i)
      ratios.push_back((*row.v)[i].tps / plain[i].tps);
    std::printf("  %-34s %14.0f %9.2f %9.2f %9.2f %11.2f %11.0f %10.0f\n", row.name,
                med(*row.v, &Phase::tps), med(*row.v, &Phase::p50), med(*row.v, &Phase::p99),
                med(*row.v, &Phase::tps) / base, median(ratios), med(*row.v, &Phase::server_us),
                med(*row.v, &Phase::client_us));
  }
  std::printf(
      "runs with every check passing (zero oversell, ledger = stock, no duplicate key): "
      "%d of %d\n",
      ok_runs, runs);
  return ok_runs == runs ? 0 : 1;
}
