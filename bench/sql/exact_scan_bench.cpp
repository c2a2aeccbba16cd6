// Exact top-10 over 100,000 x 128-d embeddings, end to end through libpq:
//   SELECT id FROM bench_items ORDER BY e <-> $1 LIMIT 10
// Prints the median and p95 latency of the SQL query and, as the baseline measured in the same
// run, the time the same kernel needs to scan the same vectors in this process (the compute
// floor: what remains is PostgreSQL's tuple handling and sort). It also checks that both return
// the same ten ids, so the timing is of a correct answer.
//
// Usage: bench_exact_scan "<libpq conninfo>" [rows] [dims] [queries]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/vector/distance.h"
#include "latency.h"
#include "sql/pg_client.h"

namespace {

using Clock = std::chrono::steady_clock;
using commerce::bench::embedding_text;
using commerce::bench::percentile;
using commerce::bench::PgClient;

std::vector<int> exact_top10(const std::vector<float> &data, std::size_t dims, const float *q) {
  const std::size_t rows = data.size() / dims;
  std::vector<std::pair<float, int>> scored(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    scored[i] = {commerce::vector::l2_squared_distance(&data[i * dims], q, dims),
                 static_cast<int>(i + 1)};
  }
  std::partial_sort(scored.begin(), scored.begin() + 10, scored.end());
  std::vector<int> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(scored[i].second);
  return ids;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s \"<conninfo>\" [rows] [dims] [queries]\n", argv[0]);
    return 2;
  }
  const std::size_t rows = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100000;
  const std::size_t dims = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 128;
  const int queries = argc > 4 ? std::atoi(argv[4]) : 50;
  const PgClient db(argv[1]);

  // Seeded synthetic data: the same vectors on every run and every machine. Values are rounded
  // to the 6 significant digits the text form carries, so the server holds exactly these floats.
  std::mt19937 rng(42);
  std::normal_distribution<float> normal;
  std::vector<float> data(rows * dims);
  for (float &x : data) x = normal(rng);
  for (float &x : data) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(x));
    x = std::strtof(buf, nullptr);
  }

  db.exec("CREATE EXTENSION IF NOT EXISTS pg_commerce");
  db.exec("DROP TABLE IF EXISTS bench_items");
  db.exec("CREATE TABLE bench_items (id int PRIMARY KEY, e commerce.embedding(" +
          std::to_string(dims) + "))");
  const auto load_start = Clock::now();
  db.exec("COPY bench_items FROM STDIN");
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string line =
        std::to_string(i + 1) + "\t" + embedding_text(&data[i * dims], dims) + "\n";
    if (PQputCopyData(db.get(), line.data(), static_cast<int>(line.size())) != 1) return 2;
  }
  PQputCopyEnd(db.get(), nullptr);
  PQclear(PQgetResult(db.get()));
  db.exec("VACUUM ANALYZE bench_items");
  const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();

  PGresult *prep = PQprepare(db.get(), "knn",
                             "SELECT id FROM bench_items ORDER BY e OPERATOR(commerce.<->) "
                             "$1::commerce.embedding LIMIT 10",
                             1, nullptr);
  if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "prepare failed: %s", PQerrorMessage(db.get()));
    return 2;
  }
  PQclear(prep);

  std::mt19937 qrng(7);
  std::vector<double> sql_ms, kernel_ms;
  int mismatches = 0;
  const int warmup = 3;
  for (int q = 0; q < queries + warmup; ++q) {
    std::vector<float> query(dims);
    for (float &x : query) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(normal(qrng)));
      x = std::strtof(buf, nullptr);
    }
    const std::string text = embedding_text(query.data(), dims);
    const char *params[] = {text.c_str()};
    const auto t0 = Clock::now();
    PGresult *r = PQexecPrepared(db.get(), "knn", 1, params, nullptr, nullptr, 0);
    const auto t1 = Clock::now();
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 10) {
      std::fprintf(stderr, "query failed: %s", PQerrorMessage(db.get()));
      return 2;
    }
    const std::vector<int> expected = exact_top10(data, dims, query.data());
    const auto t2 = Clock::now();
    for (int i = 0; i < 10; ++i) mismatches += std::atoi(PQgetvalue(r, i, 0)) != expected[i];
    PQclear(r);
    if (q < warmup) continue;
    sql_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    kernel_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }

  std::printf("exact top-10, %zu rows x %zu dims, %d queries (load + analyze %.1f s)\n", rows, dims,
              queries, load_s);
  std::printf("%-44s %10s %10s\n", "", "median ms", "p95 ms");
  std::printf("%-44s %10.2f %10.2f\n", "SQL: ORDER BY e <-> $1 LIMIT 10 (seq scan)",
              percentile(sql_ms, 0.5), percentile(sql_ms, 0.95));
  std::printf("%-44s %10.2f %10.2f\n", "baseline: same kernel, in-process scan",
              percentile(kernel_ms, 0.5), percentile(kernel_ms, 0.95));
  std::printf("SQL / in-process ratio (median): %.2f\n",
              percentile(sql_ms, 0.5) / percentile(kernel_ms, 0.5));
  std::printf("top-10 ids differing from the in-process answer: %d of %d\n", mismatches,
              queries * 10 + warmup * 10);
  return mismatches == 0 ? 0 : 1;
}
