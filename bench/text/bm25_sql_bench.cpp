// The commerce_bm25 index through SQL against PostgreSQL's own ranked search, ts_rank over a GIN
// index in its two common forms, on 1,000,000 synthetic products in the same run (issue #3):
//   - loads (id, name, description) with COPY from the synthetic catalog that bench_topk uses
//     (synthetic_titles.h, seeded): names 6-14 words, descriptions 12-30 words;
//   - builds the indexes over the same two fields, timing each and printing their sizes. The
//     strong baseline is GIN over a stored tsvector, setweight(name, 'A') ||
//     setweight(description, 'B'), ranked with ts_rank weights {0.1, 0.2, 1/3, 1} so that a name
//     word counts three times a description word, as in the BM25 index's weights '3,1'. The
//     second is what PostgreSQL's documentation shows first: GIN on the expression
//     to_tsvector('english', name || ' ' || description), ranked by ts_rank of the same
//     expression, which recomputes the tsvector of every matching row;
//   - times a prepared primary-key lookup of one row the same way, to show the round trip that
//     every statement pays before any search;
//   - top-10 through prepared statements for three query sets: one word and two or three words
//     (drawn seeded from the catalog's 2,000 most popular words, synthetic and WANDS words alike)
//     and the 480 real WANDS queries, words OR-ed on both sides
//     (the tsquery is plainto_tsquery with & turned into |, built before timing); ts_rank runs
//     on the first kTsRankQueries queries of each set (both baselines on the same ones), since it
//     reads every match; kRounds timed passes per side, alternating, and each query's median over
//     them; the ratio against each baseline is printed separately;
//   - checks on a 20,000-row copy that the index's top-10 equal commerce.bm25_score's ranking over
//     a window of the same rows.
//
// Usage: bench_bm25_sql "<conninfo>" [wands query.csv] [rows]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/text/analyzer.h"
#include "latency.h"
#include "sql/pg_client.h"
#include "synthetic_titles.h"

namespace {

using Clock = std::chrono::steady_clock;
using commerce::bench::percentile;

constexpr std::size_t kSetQueries = 200;     // queries of each drawn set
constexpr std::size_t kTsRankQueries = 100;  // queries of each set that ts_rank also runs
constexpr int kRounds = 3;                   // timed passes over each set, per side
constexpr std::size_t kQualityQueries = 20;  // queries of each set for the ranking check
constexpr int kQualityRows = 20000;
constexpr const char *kIndexOptions =
    "WITH (analyzer = 'english', k1 = 1.2, b = 0.75, weights = '3,1', typos = off)";

constexpr const char *kBm25Top10 = "SELECT id FROM bench_products ORDER BY name <&> $1 LIMIT 10";
constexpr const char *kTsRankTop10 =
    "SELECT id FROM bench_products WHERE tsv @@ $1::tsquery "
    "ORDER BY ts_rank('{0.1, 0.2, 0.333333, 1.0}', tsv, $1::tsquery) DESC LIMIT 10";
constexpr const char *kExpressionTop10 =
    "SELECT id FROM bench_products WHERE to_tsvector('english', name || ' ' || description) @@ "
    "$1::tsquery ORDER BY ts_rank(to_tsvector('english', name || ' ' || description), "
    "$1::tsquery) DESC LIMIT 10";

const commerce::bench::PgClient *client = nullptr;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string size(const std::string &relation) {
  return client->scalar("SELECT pg_size_pretty(pg_table_size('" + relation + "'))");
}

// COPY text format: the catalog's words hold no tab or newline, but a query word may hold a
// backslash.
std::string copy_escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '\t' || c == '\n') out += '\\';
    out += c;
  }
  return out;
}

void load(commerce::bench::SyntheticTitles &catalog, std::size_t rows) {
  client->exec("CREATE TABLE bench_products (id int PRIMARY KEY, name text, description text)");
  client->exec("COPY bench_products FROM STDIN");
  std::string line;
  for (std::size_t id = 0; id < rows; ++id) {
    line = std::to_string(id) + "\t" +
           copy_escape(catalog.text(catalog.kTitleMin, catalog.kTitleMax)) + "\t" +
           copy_escape(catalog.text(12, 30)) + "\n";
    if (PQputCopyData(client->get(), line.data(), static_cast<int>(line.size())) != 1) {
      std::fprintf(stderr, "COPY failed: %s", PQerrorMessage(client->get()));
      std::exit(2);
    }
  }
  PQputCopyEnd(client->get(), nullptr);
  PQclear(client->check(PQgetResult(client->get()), "COPY"));
}

struct QuerySet {
  std::string name;
  std::vector<std::string> texts;
};

// One word, and two or three words, drawn uniformly from `words`.
std::vector<QuerySet> drawn_sets(const std::vector<std::string> &words) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> any(0, words.size() - 1);
  QuerySet one{"1 word", {}}, few{"2-3 words", {}};
  for (std::size_t i = 0; i < kSetQueries; ++i) {
    one.texts.push_back(words[any(rng)]);
    few.texts.push_back(words[any(rng)] + " " + words[any(rng)] +
                        (i % 2 ? " " + words[any(rng)] : std::string()));
  }
  return {one, few};
}

struct Run {
  std::vector<double> ms;
  std::size_t rows = 0;  // rows returned, summed over the queries
};

// Runs the prepared statement `name` once per parameter, `first` of them.
Run run(const char *name, const std::vector<std::string> &params, std::size_t first) {
  Run out;
  for (std::size_t i = 0; i < std::min(first, params.size()); ++i) {
    const char *values[1] = {params[i].c_str()};
    const auto t0 = Clock::now();
    PGresult *r =
        client->check(PQexecPrepared(client->get(), name, 1, values, nullptr, nullptr, 0), name);
    out.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    out.rows += static_cast<std::size_t>(PQntuples(r));
    PQclear(r);
  }
  return out;
}

// Each query's median latency over `rounds` (runs of the same queries).
Run median_run(const std::vector<Run> &rounds) {
  Run out{{}, rounds.front().rows};
  for (std::size_t q = 0; q < rounds.front().ms.size(); ++q) {
    std::vector<double> ms;
    for (const Run &r : rounds) ms.push_back(r.ms[q]);
    out.ms.push_back(percentile(ms, 0.5));
  }
  return out;
}

// The OR-ed tsquery of each text, as text, computed before timing.
std::vector<std::string> tsqueries(const std::vector<std::string> &texts) {
  std::vector<std::string> out;
  for (const auto &t : texts) {
    const char *values[1] = {t.c_str()};
    PGresult *r = client->check(
        PQexecPrepared(client->get(), "tsquery", 1, values, nullptr, nullptr, 0), "tsquery");
    out.push_back(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  return out;
}

// EXPLAIN of `sql` with every $1 replaced by `value`, on one line.
std::string plan(std::string sql, const std::string &value) {
  for (std::size_t at; (at = sql.find("$1")) != std::string::npos;)
    sql.replace(at, 2, "'" + value + "'");
  PGresult *r =
      client->check(PQexec(client->get(), ("EXPLAIN (COSTS OFF) " + sql).c_str()), "EXPLAIN");
  std::string lines;
  for (int i = 0; i < PQntuples(r); ++i) {
    const std::string line = PQgetvalue(r, i, 0);
    lines += " " + line.substr(line.find_first_not_of(' '));
  }
  PQclear(r);
  return lines;
}

std::vector<std::string> column(PGresult *r, int col) {
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r); ++i) out.push_back(PQgetvalue(r, i, col));
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s \"<conninfo>\" [wands query.csv] [rows]\n", argv[0]);
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const commerce::bench::PgClient session(argv[1]);
  client = &session;
  const std::vector<std::string> wands =
      argc > 2 ? commerce::bench::read_wands_queries(argv[2]) : std::vector<std::string>{};
  const std::size_t rows = argc > 3 ? std::stoul(argv[3]) : 1000000;
  if (wands.empty())
    std::printf(
        "WANDS queries absent (%s): words drawn from the synthetic vocabulary only, and no "
        "real-query set\n",
        argc > 2 ? argv[2] : "no file given");

  // The catalog plants the queries' surface words (the simple analyzer: segmented and case-folded,
  // not stemmed), since both indexes analyse the text themselves.
  auto &simple = commerce::text::cached_analyzer("simple");
  auto &english = commerce::text::cached_analyzer("english");
  std::vector<std::string> planted, searchable;
  for (const auto &q : wands)
    for (const auto &t : simple.analyze(q))
      if (!t.joined) planted.push_back(t.term);
  commerce::bench::SyntheticTitles catalog(planted);
  // Drawn queries take the catalog's 2,000 most popular words, as bench_topk's do, leaving out
  // stop words (a query of stop words only finds nothing on either side).
  for (std::size_t i = 0; i < 2000; ++i)
    if (!english.analyze(catalog.vocabulary()[i]).empty())
      searchable.push_back(catalog.vocabulary()[i]);

  client->exec("SET client_min_messages = warning");
  client->exec("CREATE EXTENSION IF NOT EXISTS pg_commerce");
  client->exec("SET search_path = public, commerce");
  client->exec("SET maintenance_work_mem = '1GB'");
  client->exec("DROP TABLE IF EXISTS bench_products, bench_products_small");

  auto start = Clock::now();
  load(catalog, rows);
  const double load_s = seconds_since(start);
  const std::string table_size = size("bench_products");
  start = Clock::now();
  client->exec(
      "ALTER TABLE bench_products ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
      "(setweight(to_tsvector('english', name), 'A') || "
      "setweight(to_tsvector('english', description), 'B')) STORED");
  const double tsv_s = seconds_since(start);
  start = Clock::now();
  client->exec("CREATE INDEX bench_products_gin ON bench_products USING gin (tsv)");
  const double gin_s = seconds_since(start);
  start = Clock::now();
  client->exec(
      "CREATE INDEX bench_products_gin_expression ON bench_products USING gin "
      "(to_tsvector('english', name || ' ' || description))");
  const double expression_s = seconds_since(start);
  start = Clock::now();
  client->exec(
      "CREATE INDEX bench_products_bm25 ON bench_products USING commerce_bm25 "
      "(name, description) " +
      std::string(kIndexOptions));
  const double bm25_s = seconds_since(start);
  client->exec("VACUUM ANALYZE bench_products");

  std::printf("\n%zu rows (name 6-14 words, description 12-30 words), COPY %.1f s, table %s\n",
              rows, load_s, table_size.c_str());
  std::printf("| index | build s | index size | also needs |\n|---|---|---|---|\n");
  std::printf(
      "| GIN on a stored tsvector | %.1f | %s | tsvector column: %.1f s to compute, "
      "table grows to %s |\n",
      gin_s, size("bench_products_gin").c_str(), tsv_s, size("bench_products").c_str());
  std::printf("| GIN on to_tsvector('english', name || ' ' || description) | %.1f | %s | - |\n",
              expression_s, size("bench_products_gin_expression").c_str());
  std::printf("| commerce_bm25 (name, description) | %.1f | %s | - |\n", bm25_s,
              size("bench_products_bm25").c_str());
  client->prepare("bm25", kBm25Top10, 1);
  std::printf("plan: %s\n", plan(kBm25Top10, "wireless headphones").c_str());
  client->prepare("tsquery", "SELECT replace(plainto_tsquery('english', $1)::text, '&', '|')", 1);
  client->prepare("ts_rank", kTsRankTop10, 1);
  std::printf("plan: %s\n", plan(kTsRankTop10, "wireless | headphon").c_str());
  client->prepare("ts_rank_expression", kExpressionTop10, 1);
  std::printf("plan: %s\n", plan(kExpressionTop10, "wireless | headphon").c_str());
  client->prepare("matches", "SELECT count(*) FROM bench_products WHERE tsv @@ $1::tsquery", 1);

  // What every statement pays on this machine before any search: a prepared primary-key lookup
  // of one row, timed as the queries are. It puts the BM25 latencies below in proportion.
  client->prepare("point", "SELECT id FROM bench_products WHERE id = $1", 1);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < kSetQueries; ++i) ids.push_back(std::to_string(i * 4999 % rows));
  run("point", ids, ids.size());  // warm
  std::vector<Run> point_rounds;
  for (int round = 0; round < kRounds; ++round)
    point_rounds.push_back(run("point", ids, ids.size()));
  const Run point = median_run(point_rounds);
  std::printf(
      "\nround trip: a prepared primary-key lookup of one row, median %.3f ms, p95 %.3f ms\n",
      percentile(point.ms, 0.5), percentile(point.ms, 0.95));

  std::vector<QuerySet> sets = drawn_sets(searchable);
  if (!wands.empty()) sets.push_back({"WANDS queries", wands});
  std::printf(
      "\nTop-10, one client, prepared statements, each query's median of %d alternating passes; "
      "both ts_rank baselines on the first %zu queries of each set, BM25 on all and on the same "
      "%zu (ratio = ts_rank / BM25 on the same queries). Stored: GIN over the stored weighted "
      "tsvector column (the strong baseline). Expression: GIN on to_tsvector('english', name || "
      "' ' || description), ts_rank of the same expression (PostgreSQL's documented pattern)\n",
      kRounds, kTsRankQueries, kTsRankQueries);
  std::printf(
      "| set | queries | BM25 median / p95 / mean ms | rows | stored ts_rank median / p95 / mean "
      "ms | expression ts_rank median / p95 / mean ms | rows | matches (median) | BM25 same "
      "queries median / p95 ms | ratio vs stored median / p95 | ratio vs expression median / "
      "p95 |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const QuerySet &set : sets) {
    const auto tsq = tsqueries(set.texts);
    run("bm25", set.texts, set.texts.size());  // warm
    run("ts_rank", tsq, 5);
    run("ts_rank_expression", tsq, 5);
    // Rounds alternate the two sides, so that a burst of load from the machine's other jobs does
    // not fall on one side only; each query's latency is its median over the rounds.
    std::vector<Run> bm25_rounds, ts_rounds, expression_rounds;
    for (int round = 0; round < kRounds; ++round) {
      bm25_rounds.push_back(run("bm25", set.texts, set.texts.size()));
      ts_rounds.push_back(run("ts_rank", tsq, kTsRankQueries));
      expression_rounds.push_back(run("ts_rank_expression", tsq, kTsRankQueries));
    }
    const Run bm25 = median_run(bm25_rounds), ts = median_run(ts_rounds),
              expression = median_run(expression_rounds);
    std::vector<double> counts;
    for (std::size_t i = 0; i < ts.ms.size(); ++i) {
      const char *values[1] = {tsq[i].c_str()};
      PGresult *r = client->check(
          PQexecPrepared(client->get(), "matches", 1, values, nullptr, nullptr, 0), "matches");
      counts.push_back(std::atof(PQgetvalue(r, 0, 0)));
      PQclear(r);
    }
    const std::vector<double> same(
        bm25.ms.begin(),
        bm25.ms.begin() + static_cast<std::ptrdiff_t>(std::min(ts.ms.size(), bm25.ms.size())));
    std::printf(
        "| %s | %zu | %.3f / %.3f / %.3f | %.1f | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %.1f | "
        "%.0f | %.3f / %.3f | %.0fx / %.0fx | %.0fx / %.0fx |\n",
        set.name.c_str(), bm25.ms.size(), percentile(bm25.ms, 0.5), percentile(bm25.ms, 0.95),
        commerce::bench::mean(bm25.ms),
        static_cast<double>(bm25.rows) /
            static_cast<double>(std::max<std::size_t>(1, bm25.ms.size())),
        percentile(ts.ms, 0.5), percentile(ts.ms, 0.95), commerce::bench::mean(ts.ms),
        percentile(expression.ms, 0.5), percentile(expression.ms, 0.95),
        commerce::bench::mean(expression.ms),
        static_cast<double>(ts.rows) / static_cast<double>(ts.ms.size()), percentile(counts, 0.5),
        percentile(same, 0.5), percentile(same, 0.95),
        percentile(ts.ms, 0.5) / percentile(same, 0.5),
        percentile(ts.ms, 0.95) / percentile(same, 0.95),
        percentile(expression.ms, 0.5) / percentile(same, 0.5),
        percentile(expression.ms, 0.95) / percentile(same, 0.95));
  }

  // Ranking check on a small copy: the index against bm25_score over a window of the same rows.
  client->exec(
      "CREATE TABLE bench_products_small AS SELECT id, name, description "
      "FROM bench_products WHERE id < " +
      std::to_string(kQualityRows));
  client->exec("CREATE INDEX ON bench_products_small USING commerce_bm25 (name, description) " +
               std::string(kIndexOptions));
  client->exec("ANALYZE bench_products_small");
  client->prepare("small_index",
                  "SELECT id FROM bench_products_small ORDER BY name <&> $1 LIMIT 10", 1);
  // The window's scores of every row, to tell a different ranking from equal scores in another
  // order.
  const std::string scored =
      "SELECT id, s FROM (SELECT id, bm25_score(ARRAY[name, description], ARRAY[3.0, "
      "1.0]::float8[], "
      "$1, 'english', 1.2, 0.75, false) OVER () AS s FROM bench_products_small) t ";
  client->prepare("small_window", (scored + "WHERE s > 0 ORDER BY s DESC, id LIMIT 10").c_str(), 1);
  client->prepare("small_scores", (scored + "WHERE id = ANY($2::int[])").c_str(), 2);
  std::size_t checked = 0, identical = 0, tie_order = 0;
  std::string first_difference;
  for (const QuerySet &set : sets) {
    for (std::size_t i = 0; i < std::min(kQualityQueries, set.texts.size()); ++i) {
      const char *values[1] = {set.texts[i].c_str()};
      PGresult *a = client->check(
          PQexecPrepared(client->get(), "small_index", 1, values, nullptr, nullptr, 0), "index");
      PGresult *b = client->check(
          PQexecPrepared(client->get(), "small_window", 1, values, nullptr, nullptr, 0), "window");
      const auto index_ids = column(a, 0), window_ids = column(b, 0), window_scores = column(b, 1);
      PQclear(a);
      PQclear(b);
      ++checked;
      if (index_ids == window_ids) {
        ++identical;
        continue;
      }
      // Same scores rank by rank: equal scores returned in another order.
      std::string ids = "{";
      for (const auto &id : index_ids) ids += (ids.size() > 1 ? "," : "") + id;
      ids += "}";
      const char *both[2] = {set.texts[i].c_str(), ids.c_str()};
      PGresult *c = client->check(
          PQexecPrepared(client->get(), "small_scores", 2, both, nullptr, nullptr, 0), "scores");
      std::map<std::string, double> score_of;
      for (int r = 0; r < PQntuples(c); ++r)
        score_of[PQgetvalue(c, r, 0)] = std::atof(PQgetvalue(c, r, 1));
      PQclear(c);
      bool ties = index_ids.size() == window_ids.size();
      for (std::size_t r = 0; ties && r < index_ids.size(); ++r)
        ties = std::fabs(score_of[index_ids[r]] - std::atof(window_scores[r].c_str())) <=
               1e-9 * std::fabs(std::atof(window_scores[r].c_str()));
      tie_order += ties;
      if (!ties && first_difference.empty()) first_difference = set.texts[i];
    }
  }
  std::printf(
      "\nranking check on %d rows, index vs bm25_score over a window: %zu of %zu queries identical "
      "top-10, %zu more equal but for the order of equal scores%s%s\n",
      kQualityRows, identical, checked, tie_order,
      first_difference.empty() ? "" : "; first different: ", first_difference.c_str());
  client->exec("DROP TABLE bench_products, bench_products_small");
  return 0;
}
