// bench/duckdb_score.mjs FILE OUT THREADS — the DuckDB peer on the year-end job.
//
// Scores a year-end sheet (narrow or --wide, see gen_yearend.py) with one
// read_csv SQL query and writes member_id,name,branch,score,deducted,bonus,level
// as CSV to OUT (/dev/null when timed). The rules are those of
// rules/xuanen-twelve-point.yaml as shipped (D points, F = all 12, bonus capped
// at 4, unqualified at 0, reminder_talk at <= 6), so the output is compared
// with rosterflag's own columns before any timing (run_duckdb.sh).
//
// The column list and types are given (auto_detect off) from the header line,
// so DuckDB's sniffer is not timed; count cells are INTEGER, empty = NULL = 0.
// Needs @duckdb/node-api, installed by bench/run_duckdb.sh into bench/node_modules
// (never a dependency of the engine).
import { DuckDBInstance } from '@duckdb/node-api';
import { openSync, readSync, closeSync } from 'node:fs';

const [file, out, threads] = process.argv.slice(2);
if (!file || !out) {
    console.error('usage: duckdb_score.mjs FILE OUT [THREADS]');
    process.exit(2);
}

const fd = openSync(file, 'r');
const head = Buffer.alloc(4096);
const n = readSync(fd, head, 0, head.length, 0);
closeSync(fd);
const header = head.subarray(0, n).toString('utf8').split(/\r?\n/)[0].split(',');

const POINTS = { D01: 2, D02: 1, D03: 2, D04: 2, D05: 2, D06: 1, D07: 3, D08: 2,
                 D09: 3, D10: 2, D11: 3, D12: 1, D13: 1 };
const BONUS = { B01: 2, B02: 2, B03: 1 };
const counts = new Set([...Object.keys(POINTS), 'F01', 'F02', ...Object.keys(BONUS)]);
const sq = (s) => "'" + s.replaceAll("'", "''") + "'";
const cols = header.map((h) => `${sq(h)}: ${counts.has(h) ? "'INTEGER'" : "'VARCHAR'"}`);
const c = (h) => `coalesce("${h}", 0)`;
const ded = Object.entries(POINTS).map(([k, p]) => `${p}*${c(k)}`).join(' + ');
const bon = Object.entries(BONUS).map(([k, p]) => `${p}*${c(k)}`).join(' + ');

const sql = `
COPY (
  WITH r AS (
    SELECT "编号" AS member_id, "姓名" AS name, "所在支部" AS branch,
           ${ded} + 12 * (${c('F01')} + ${c('F02')}) AS deducted,
           ${c('F01')} + ${c('F02')} AS f,
           least(${bon}, 4) AS bonus
    FROM read_csv(${sq(file)}, header = true, auto_detect = false, delim = ',',
                  quote = '"', escape = '"', columns = {${cols.join(', ')}})
  ), s AS (
    SELECT *, CASE WHEN f > 0 THEN 0
                   ELSE greatest(0, least(12, 12 - deducted + bonus)) END AS score
    FROM r
  )
  SELECT member_id, name, branch, score, deducted, bonus,
         CASE WHEN score = 0 THEN 'unqualified'
              WHEN score <= 6 THEN 'reminder_talk' ELSE 'none' END AS level
  FROM s
) TO ${sq(out)} (FORMAT csv, HEADER true)`;

const db = await DuckDBInstance.create(':memory:', { threads: String(threads || 2) });
const con = await db.connect();
await con.run(sql);
