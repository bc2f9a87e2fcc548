// Go fixture: the same checks through pgx (its own protocol implementation,
// extended protocol with binary formats and a statement cache) and lib/pq
// (database/sql, text formats, unnamed statements). Connects with the libpq
// environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) set by
// compat-tests/drivers.sh, which runs it against immudb and PostgreSQL 15.
// Exits non-zero on the first failure.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"reflect"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/lib/pq"
)

var checks int

func check(what string, got, want any) {
	checks++
	if !reflect.DeepEqual(got, want) {
		fmt.Printf("go: FAIL %s: got %#v, want %#v\n", what, got, want)
		os.Exit(1)
	}
}

func must(what string, err error) {
	if err != nil {
		fmt.Printf("go: FAIL %s: %v\n", what, err)
		os.Exit(1)
	}
}

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return string(pqErr.Code)
	}
	return fmt.Sprintf("not a server error: %v", err)
}

func runPgx(ctx context.Context) {
	conn, err := pgx.Connect(ctx, "") // PG* environment
	must("pgx connect", err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP TABLE IF EXISTS drv_pgx")
	must("drop", err)
	_, err = conn.Exec(ctx, `CREATE TABLE drv_pgx (id INTEGER PRIMARY KEY, b BIGINT, f DOUBLE PRECISION,
		s TEXT, by BYTEA, ok BOOLEAN, d DATE, tz TIMESTAMPTZ, n NUMERIC(10,2))`)
	must("create", err)

	tz := time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	for i := int32(1); i <= 3; i++ {
		tag, err := conn.Exec(ctx, "INSERT INTO drv_pgx VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
			i, int64(i)*9_000_000_000, float64(i)/4, fmt.Sprintf("row %d ü", i),
			[]byte{0, byte(i), 0xff}, i%2 == 1, day, tz, "12.5")
		must("insert", err)
		check("insert tag", tag.String(), "INSERT 0 1")
	}

	var (
		id  int32
		b   int64
		f   float64
		s   string
		by  []byte
		ok  bool
		d   time.Time
		ts  time.Time
		num string
	)
	// Binary results and a cached server-prepared statement, twice.
	for i := 0; i < 2; i++ {
		err = conn.QueryRow(ctx, "SELECT id, b, f, s, by, ok, d, tz, n::text FROM drv_pgx WHERE id = $1", int32(1)).
			Scan(&id, &b, &f, &s, &by, &ok, &d, &ts, &num)
		must("select row", err)
		check("row", []any{id, b, f, s, by, ok, d, ts.UTC(), num},
			[]any{int32(1), int64(9_000_000_000), 0.25, "row 1 ü", []byte{0, 1, 0xff}, true, day, tz, "12.50"})
	}
	rows, err := conn.Query(ctx, "SELECT id, s FROM drv_pgx WHERE b > $1 ORDER BY id", int64(10_000_000_000))
	must("query", err)
	var got []string
	for rows.Next() {
		must("scan", rows.Scan(&id, &s))
		got = append(got, fmt.Sprintf("%d:%s", id, s))
	}
	must("rows", rows.Err())
	check("rows", got, []string{"2:row 2 ü", "3:row 3 ü"})
	check("select tag", rows.CommandTag().String(), "SELECT 2")

	// LIMIT and OFFSET parameters (bigint), inferred by Parse.
	rows, err = conn.Query(ctx, "SELECT id FROM drv_pgx ORDER BY id LIMIT $1 OFFSET $2", 2, 1)
	must("limit query", err)
	got = nil
	for rows.Next() {
		must("scan", rows.Scan(&id))
		got = append(got, fmt.Sprint(id))
	}
	must("rows", rows.Err())
	check("limit/offset", got, []string{"2", "3"})

	// A batch: several statements pipelined before one Sync.
	batch := &pgx.Batch{}
	batch.Queue("UPDATE drv_pgx SET s = $1 WHERE id = $2", "batched", int32(2))
	batch.Queue("SELECT count(*) FROM drv_pgx")
	br := conn.SendBatch(ctx, batch)
	tag, err := br.Exec()
	must("batch update", err)
	check("batch update tag", tag.String(), "UPDATE 1")
	var count int64
	must("batch count", br.QueryRow().Scan(&count))
	check("batch count", count, int64(3))
	must("batch close", br.Close())

	// Transactions.
	tx, err := conn.Begin(ctx)
	must("begin", err)
	_, err = tx.Exec(ctx, "DELETE FROM drv_pgx")
	must("delete", err)
	must("rollback", tx.Rollback(ctx))
	must("count", conn.QueryRow(ctx, "SELECT count(*) FROM drv_pgx").Scan(&count))
	check("rollback discards", count, int64(3))
	tx, err = conn.Begin(ctx)
	must("begin", err)
	_, err = tx.Exec(ctx, "INSERT INTO drv_pgx (id) VALUES ($1)", int32(1))
	check("unique violation", sqlState(err), "23505")
	_, err = tx.Exec(ctx, "SELECT 1")
	check("failed transaction", sqlState(err), "25P02")
	must("rollback", tx.Rollback(ctx))
	_, err = conn.Exec(ctx, "SELECT * FROM no_such_table")
	check("undefined table", sqlState(err), "42P01")
	_, err = conn.Exec(ctx, "DROP TABLE drv_pgx")
	must("drop", err)
}

func runLibpq() {
	db, err := sql.Open("postgres", "sslmode=disable") // PG* environment
	must("lib/pq open", err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec("DROP TABLE IF EXISTS drv_pq")
	must("drop", err)
	_, err = db.Exec("CREATE TABLE drv_pq (id INTEGER PRIMARY KEY, b BIGINT, s TEXT, by BYTEA, ok BOOLEAN, tz TIMESTAMPTZ)")
	must("create", err)
	tz := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	stmt, err := db.Prepare("INSERT INTO drv_pq VALUES ($1, $2, $3, $4, $5, $6)")
	must("prepare", err)
	for i := 1; i <= 3; i++ {
		res, err := stmt.Exec(i, int64(i)*9_000_000_000, fmt.Sprintf("pq %d", i), []byte{byte(i), 0}, i == 2, tz)
		must("insert", err)
		n, _ := res.RowsAffected()
		check("rows affected", n, int64(1))
	}
	must("close stmt", stmt.Close())
	var (
		b  int64
		s  string
		by []byte
		ok bool
		ts time.Time
	)
	must("select", db.QueryRow("SELECT b, s, by, ok, tz FROM drv_pq WHERE id = $1", 2).Scan(&b, &s, &by, &ok, &ts))
	check("row", []any{b, s, by, ok, ts.UTC()}, []any{int64(18_000_000_000), "pq 2", []byte{2, 0}, true, tz})
	var null sql.NullString
	must("null", db.QueryRow("SELECT NULL::text").Scan(&null))
	check("null", null.Valid, false)

	tx, err := db.Begin()
	must("begin", err)
	_, err = tx.Exec("UPDATE drv_pq SET s = 'x'")
	must("update", err)
	must("rollback", tx.Rollback())
	must("after rollback", db.QueryRow("SELECT s FROM drv_pq WHERE id = 1").Scan(&s))
	check("rollback discards", s, "pq 1")
	_, err = db.Exec("INSERT INTO drv_pq (id) VALUES ($1)", 3)
	check("unique violation", sqlState(err), "23505")
	_, err = db.Exec("SELECT 1/0")
	check("division by zero", sqlState(err), "22012")
	// COPY FROM STDIN through lib/pq's CopyIn.
	tx, err = db.Begin()
	must("begin copy", err)
	cp, err := tx.Prepare(pq.CopyIn("drv_pq", "id", "s"))
	must("copy in", err)
	for i := 10; i < 15; i++ {
		_, err = cp.Exec(i, fmt.Sprintf("copied %d", i))
		must("copy row", err)
	}
	_, err = cp.Exec()
	must("copy flush", err)
	must("copy close", cp.Close())
	must("copy commit", tx.Commit())
	var count int
	must("count", db.QueryRow("SELECT count(*) FROM drv_pq").Scan(&count))
	check("copied rows", count, 8)
	_, err = db.Exec("DROP TABLE drv_pq")
	must("drop", err)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	runPgx(ctx)
	fmt.Printf("go: pgx ok\n")
	runLibpq()
	fmt.Printf("go: %d checks passed (pgx, lib/pq)\n", checks)
}
