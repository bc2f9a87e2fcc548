// node-postgres fixture: extended-protocol parameters (unnamed and named
// statements), text and binary results, transactions, SQLSTATEs.
// Connects with the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD,
// PGDATABASE) set by compat-tests/drivers.sh, which runs it against immudb
// and PostgreSQL 15. Exits non-zero on the first failure.
'use strict';
const assert = require('assert');
const { Client, types } = require('pg');

let checks = 0;
function check(what, got, want) {
  checks++;
  try {
    assert.deepStrictEqual(got, want);
  } catch (e) {
    console.error(`node-postgres: FAIL ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    process.exit(1);
  }
}

async function expectError(client, what, sql, params, state) {
  try {
    await client.query(sql, params);
    check(`${what} raised`, false, true);
  } catch (e) {
    check(what, e.code, state);
  }
}

async function main() {
  const client = new Client();
  await client.connect();
  await client.query('SET TIME ZONE \'UTC\'');
  await client.query('DROP TABLE IF EXISTS drv_node');
  await client.query(`CREATE TABLE drv_node (id INTEGER PRIMARY KEY, b BIGINT, n NUMERIC(12,3),
      f DOUBLE PRECISION, s TEXT, by BYTEA, ok BOOLEAN, d DATE, tz TIMESTAMPTZ, u UUID, j JSON)`);

  const ins = 'INSERT INTO drv_node VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)';
  const r1 = await client.query(ins, [1, '9000000000', '12345.678', 1.5, 'héllo\n"x"',
    Buffer.from([0, 0xde, 0xad, 0xff]), true, '2024-02-29',
    new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123)), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    JSON.stringify({ a: [1, 2] })]);
  check('insert rowCount', r1.rowCount, 1);
  check('insert command', r1.command, 'INSERT');
  // A named statement: parsed once, executed twice.
  for (const id of [2, 3]) {
    const r = await client.query({ name: 'drv_ins', text: ins,
      values: [id, id, null, null, `row ${id}`, null, false, null, null, null, null] });
    check(`named insert ${id}`, r.rowCount, 1);
  }

  const sel = await client.query('SELECT id, b, n, f, s, by, ok, d::text AS d, tz, u, j FROM drv_node WHERE id = $1', [1]);
  check('field names', sel.fields.map((f) => f.name),
    ['id', 'b', 'n', 'f', 's', 'by', 'ok', 'd', 'tz', 'u', 'j']);
  check('field type oids', sel.fields.map((f) => f.dataTypeID),
    [23, 20, 1700, 701, 25, 17, 16, 25, 1184, 2950, 114]);
  const row = sel.rows[0];
  check('row', { ...row, by: [...row.by], tz: row.tz.toISOString() }, {
    id: 1, b: '9000000000', n: '12345.678', f: 1.5, s: 'héllo\n"x"', by: [0, 0xde, 0xad, 0xff],
    ok: true, d: '2024-02-29', tz: '2024-01-02T03:04:05.123Z',
    u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', j: { a: [1, 2] } });

  const many = await client.query({ text: 'SELECT id, s FROM drv_node WHERE id >= $1 ORDER BY id', values: [2], rowMode: 'array' });
  check('array rows', many.rows, [[2, 'row 2'], [3, 'row 3']]);
  check('select command', [many.command, many.rowCount], ['SELECT', 2]);

  // Binary result format for every column.
  const bin = new Client({ binary: true });
  await bin.connect();
  // (pg-types 2 decodes binary float8 and timestamptz wrongly, on PostgreSQL
  // too: those are left to the pgx and JDBC fixtures.)
  const b = await bin.query('SELECT id, b, ok, s FROM drv_node WHERE id = $1', [1]);
  check('binary formats', b.fields.map((f) => f.format), ['binary', 'binary', 'binary', 'binary']);
  const br = b.rows[0];
  check('binary row', [br.id, String(br.b), br.ok, br.s],
    [1, '9000000000', true, 'héllo\n"x"']);
  await bin.end();

  // Transactions.
  await client.query('BEGIN');
  await client.query('UPDATE drv_node SET s = $1 WHERE id = $2', ['changed', 2]);
  await client.query('ROLLBACK');
  const after = await client.query('SELECT s FROM drv_node WHERE id = 2');
  check('rollback discards', after.rows, [{ s: 'row 2' }]);
  await client.query('BEGIN');
  const del = await client.query('DELETE FROM drv_node WHERE id = $1', [3]);
  check('delete rowCount', del.rowCount, 1);
  await client.query('COMMIT');
  check('commit keeps', (await client.query('SELECT count(*)::int AS c FROM drv_node')).rows, [{ c: 2 }]);

  await client.query('BEGIN');
  await expectError(client, 'unique violation', 'INSERT INTO drv_node (id) VALUES ($1)', [1], '23505');
  await expectError(client, 'failed transaction', 'SELECT 1', [], '25P02');
  await client.query('ROLLBACK');
  await expectError(client, 'undefined table', 'SELECT * FROM no_such_table', [], '42P01');
  await expectError(client, 'bad parameter', 'SELECT id FROM drv_node WHERE id = $1', ['x'], '22P02');
  check('usable after errors', (await client.query('SELECT $1::int + 1 AS v', [41])).rows, [{ v: 42 }]);

  await client.query('DROP TABLE drv_node');
  await client.end();
  console.log(`node-postgres: ${checks} checks passed`);
}

main().catch((e) => {
  console.error('node-postgres: FAIL', e);
  process.exit(1);
});
