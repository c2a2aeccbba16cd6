-- pgbench script for commerce.recommend latency: one random Beauty user per transaction, model
-- 'bench' as trained by bench_recs_sql (docs/benchmarks_recs.md shows the command and results).
\set u random(1, 22363)
SELECT count(*) FROM commerce.recommend(:u, 10, '{"at": "2026-01-02"}', NULL, 'bench');
