// commerce_hnsw end to end through libpq, on the same data as the in-memory benchmark: loads the
// clustered synthetic set (and Fashion-MNIST when present), builds the index, and prints for
// commerce.hnsw_ef_search in {20, 40, 60, 80, 100, 200} (the four plus two between, where
// recall crosses 0.95; every row measured the same way) recall@10 against exact ground truth
// computed here, queries per second from one client with a prepared statement, and median latency;
// then the same with a WHERE filter keeping 10% of rows (recall against the exact filtered top-10,
// and whether every query returned 10 rows); build time and index size; and, as the baseline
// measured in the same run, exact-scan latency with the index disabled. Then the top-10 rows
// again with the index rebuilt WITH (storage = float16). Each row also gives the
// server backend's CPU time per query, which a machine shared with other jobs disturbs far less
// than q/s.
//
// Usage: bench_hnsw_sql "<libpq conninfo>" [fashion-mnist dir] [synthetic rows]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "ann_data.h"
#include "core/vector/distance.h"
#include "sql/pg_client.h"

namespace {

using Clock = std::chrono::steady_clock;
using commerce::bench::AnnData;

// The ef_search rows of every table: the 20, 40, 100, 200 and points between them,
// closer together where recall@10 crosses 0.95 on the synthetic set (between 60 and 80).
constexpr int kEfSearch[] = {20, 40, 60, 70, 80, 100, 200};

// The one session of this benchmark, opened in main.
const commerce::bench::PgClient *client = nullptr;

void exec(const std::string &sql) {
  client->exec(sql);
}
std::string scalar(const std::string &sql) {
  return client->scalar(sql);
}
PGresult *must(PGresult *r, const std::string &what) {
  return client->check(r, what);
}

// CPU seconds (user + system) the server backend of this session has used so far, from
// /proc (the benchmark runs as the server's user on the same machine). On a machine shared
// with other jobs, CPU per query moves far less than wall-clock q/s does.
double backend_cpu_seconds() {
  static const std::string path = "/proc/" + client->scalar("SELECT pg_backend_pid()") + "/stat";
  FILE *f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return 0.0;
  char buf[2048];
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const char *p = std::strrchr(buf, ')');
  if (p == nullptr) return 0.0;
  p += 2;
  char *end = nullptr;
  double ticks = 0.0;
  for (int field = 3; field <= 15; ++field) {
    if (field == 3) {
      p += 2;
      continue;
    }
    const long value = std::strtol(p, &end, 10);
    p = end;
    if (field >= 14) ticks += static_cast<double>(value);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void load(const AnnData &data) {
  exec("DROP TABLE IF EXISTS bench_ann");
  exec("CREATE TABLE bench_ann (id int PRIMARY KEY, category int, e commerce.embedding(" +
       std::to_string(data.dims) + "))");
  exec("COPY bench_ann FROM STDIN");
  for (std::size_t i = 0; i < data.rows(); ++i) {
    const std::string line = std::to_string(i) + "\t" + std::to_string(i % 10) + "\t" +
                             commerce::bench::embedding_text(&data.base[i * data.dims], data.dims) +
                             "\n";
    if (PQputCopyData(client->get(), line.data(), static_cast<int>(line.size())) != 1) std::exit(2);
  }
  PQputCopyEnd(client->get(), nullptr);
  PQclear(must(PQgetResult(client->get()), "COPY"));
  exec("VACUUM ANALYZE bench_ann");
}

struct Run {
  double recall, qps, median_ms;
  std::size_t short_answers;  // queries that returned fewer than 10 rows
  double cpu_ms;              // backend CPU per query
};

// Runs every query through the prepared statement `name`; the first parameter is the vector.
Run run_queries(const AnnData &data, const char *name, const std::vector<std::vector<int>> &truth,
                std::size_t limit_queries) {
  const std::size_t n = std::min(limit_queries, data.query_count());
  // The query texts are written before the clock starts: printing 128 floats with snprintf is
  // the benchmark's own work (58-104 us a query on this machine under load), which median
  // latency never included and q/s should not either.
  std::vector<std::string> texts(n);
  for (std::size_t q = 0; q < n; ++q)
    texts[q] = commerce::bench::embedding_text(&data.queries[q * data.dims], data.dims);
  std::vector<std::vector<int>> found(n);
  std::vector<double> latency_ms;
  std::size_t short_answers = 0;
  const double cpu_start = backend_cpu_seconds();
  const auto start = Clock::now();
  for (std::size_t q = 0; q < n; ++q) {
    const char *params[1] = {texts[q].c_str()};
    const auto t0 = Clock::now();
    PGresult *r = must(PQexecPrepared(client->get(), name, 1, params, nullptr, nullptr, 0), name);
    latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    for (int i = 0; i < PQntuples(r); ++i) found[q].push_back(std::atoi(PQgetvalue(r, i, 0)));
    short_answers += PQntuples(r) < 10;
    PQclear(r);
  }
  const double total_s = seconds_since(start);
  const double cpu_ms = (backend_cpu_seconds() - cpu_start) * 1e3 / static_cast<double>(n);
  std::vector<std::vector<int>> truth_n(truth.begin(),
                                        truth.begin() + static_cast<std::ptrdiff_t>(n));
  return Run{commerce::bench::recall(found, truth_n), static_cast<double>(n) / total_s,
             commerce::bench::median(latency_ms), short_answers, cpu_ms};
}

// Exact top-10 among rows with id % 10 == 3 (the filtered query's answer).
std::vector<std::vector<int>> filtered_truth(const AnnData &data) {
  std::vector<std::vector<int>> truth(data.query_count());
  std::vector<std::pair<float, int>> scored;
  for (std::size_t q = 0; q < data.query_count(); ++q) {
    scored.clear();
    for (std::size_t i = 3; i < data.rows(); i += 10) {
      scored.push_back({commerce::vector::l2_squared_distance(
                            &data.base[i * data.dims], &data.queries[q * data.dims], data.dims),
                        static_cast<int>(i)});
    }
    std::partial_sort(scored.begin(), scored.begin() + 10, scored.end());
    for (int i = 0; i < 10; ++i) truth[q].push_back(scored[static_cast<std::size_t>(i)].second);
  }
  return truth;
}

// EXPLAIN of `sql` with its parameter replaced by `value`, on one line.
std::string plan(const std::string &sql, const std::string &value) {
  const std::size_t at = sql.find("$1");
  const std::string text = sql.substr(0, at) + "'" + value + "'" + sql.substr(at + 2);
  PGresult *r = must(PQexec(client->get(), ("EXPLAIN (COSTS OFF) " + text).c_str()), "EXPLAIN");
  std::string lines;
  for (int i = 0; i < PQntuples(r); ++i) {
    const std::string line = PQgetvalue(r, i, 0);
    // These lines hold the whole query vector.
    if (line.find("Order By") != std::string::npos || line.find("Sort Key") != std::string::npos)
      continue;
    lines += " " + line.substr(line.find_first_not_of(' '));
  }
  PQclear(r);
  return lines;
}

void prepare(const char *name, const std::string &sql) {
  PQclear(must(PQprepare(client->get(), name, sql.c_str(), 1, nullptr),
               std::string("prepare ") + name));
}

// CREATE INDEX bench_ann_hnsw WITH (storage = `storage`); prints its build time and size.
void build_index(const std::string &storage) {
  const double build_cpu_start = backend_cpu_seconds();
  const auto build_start = Clock::now();
  exec(
      "CREATE INDEX bench_ann_hnsw ON bench_ann USING commerce_hnsw (e commerce.embedding_l2_ops) "
      "WITH (m = 16, ef_construction = 64, storage = " +
      storage + ")");
  const double build_s = seconds_since(build_start);
  std::printf(
      "build (storage = %s): %.2f s (backend CPU %.2f s, all its threads); index size %s; table "
      "size %s (with TOAST)\n",
      storage.c_str(), build_s, backend_cpu_seconds() - build_cpu_start,
      scalar("SELECT pg_size_pretty(pg_relation_size('bench_ann_hnsw'))").c_str(),
      scalar("SELECT pg_size_pretty(pg_table_size('bench_ann'))").c_str());
}

// One table row per ef_search for the prepared top-10 statement "knn".
void top10_rows(const AnnData &data, const std::vector<std::vector<int>> &truth,
                const char *label) {
  for (int ef : kEfSearch) {
    exec("SET commerce.hnsw_ef_search = " + std::to_string(ef));
    run_queries(data, "knn", truth, 50);  // warm the cache
    const Run r = run_queries(data, "knn", truth, data.query_count());
    std::printf("| %s | %d | %.4f | %.0f | %.3f | %.3f | %zu/%zu |\n", label, ef, r.recall, r.qps,
                r.median_ms, r.cpu_ms, r.short_answers, data.query_count());
  }
}

void bench(const AnnData &data) {
  std::printf("\n## %s, %zu queries, m=16, ef_construction=64, L2, one client\n", data.name.c_str(),
              data.query_count());
  const auto truth = commerce::bench::exact_top_k(data, 10);
  const auto ftruth = filtered_truth(data);
  load(data);

  exec("SET maintenance_work_mem = '2GB'");
  build_index("float32");

  const std::string knn =
      "SELECT id FROM bench_ann ORDER BY e OPERATOR(commerce.<->) $1::commerce.embedding LIMIT 10";
  const std::string filtered =
      "SELECT id FROM bench_ann WHERE category = 3 ORDER BY e OPERATOR(commerce.<->) "
      "$1::commerce.embedding LIMIT 10";
  // Baseline: exact scan in the same run (index disabled), on the first 100 queries. Separate
  // statements: a cached generic plan keeps the settings it was planned under.
  prepare("exact", knn);
  prepare("exact_filtered", filtered);
  exec("SET enable_indexscan = off");
  const Run exact = run_queries(data, "exact", truth, 100);
  const Run exact_f = run_queries(data, "exact_filtered", ftruth, 100);
  exec("RESET enable_indexscan");
  prepare("knn", knn);
  prepare("knn_filtered", filtered);
  for (const std::string &sql : {knn, filtered}) {
    std::printf("plan:%s\n",
                plan(sql, commerce::bench::embedding_text(data.queries.data(), data.dims)).c_str());
  }

  std::printf(
      "| query | ef_search | recall@10 | q/s | median ms | backend CPU ms/query | answers < 10 "
      "rows "
      "|\n|---|---|---|---|---|---|---|\n");
  std::printf("| exact scan (no index) | - | %.3f | %.0f | %.2f | %.2f | %zu/100 |\n", exact.recall,
              exact.qps, exact.median_ms, exact.cpu_ms, exact.short_answers);
  top10_rows(data, truth, "top-10");
  std::printf("| exact scan, 10%% filter | - | %.3f | %.0f | %.2f | %.2f | %zu/100 |\n",
              exact_f.recall, exact_f.qps, exact_f.median_ms, exact_f.cpu_ms,
              exact_f.short_answers);
  for (int ef : kEfSearch) {
    exec("SET commerce.hnsw_ef_search = " + std::to_string(ef));
    const Run r = run_queries(data, "knn_filtered", ftruth, data.query_count());
    std::printf("| top-10, 10%% filter | %d | %.4f | %.0f | %.3f | %.3f | %zu/%zu |\n", ef,
                r.recall, r.qps, r.median_ms, r.cpu_ms, r.short_answers, data.query_count());
  }
  // The same index with its vectors stored as float16, re-ranked on the table's floats.
  exec("DROP INDEX bench_ann_hnsw");
  build_index("float16");
  top10_rows(data, truth, "top-10, float16");
  exec("RESET commerce.hnsw_ef_search");
  PQclear(PQexec(client->get(), "DEALLOCATE ALL"));
  exec("DROP TABLE bench_ann");
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s \"<conninfo>\" [fashion-mnist dir] [synthetic rows]\n",
                 argv[0]);
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // show each table row as it is measured
  const commerce::bench::PgClient session(argv[1]);
  client = &session;
  const std::string mnist_dir = argc > 2 ? argv[2] : "/work/shared/data/ann/fashion-mnist";
  const std::size_t rows = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 100000;
  std::printf(
      "commerce_hnsw through SQL (libpq, prepared statements). Shared 2-core machine: timings "
      "are noisy.\n");
  exec("CREATE EXTENSION IF NOT EXISTS pg_commerce");
  bench(commerce::bench::clustered_synthetic(rows, 128, 1000));
  std::string why;
  if (auto mnist = commerce::bench::fashion_mnist(mnist_dir, 1000, why)) {
    bench(*mnist);
  } else {
    std::printf("\n## fashion-mnist: not run (%s)\n", why.c_str());
  }
  return 0;
}
