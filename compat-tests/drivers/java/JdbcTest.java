// pgjdbc fixture: server-prepared statements (prepareThreshold=1) with binary
// transfer, every parameter type, batches, a fetch size (Execute with a row
// limit: PortalSuspended), transactions and SQLSTATEs. Connects with PGHOST,
// PGPORT, PGUSER, PGPASSWORD, PGDATABASE set by compat-tests/drivers.sh,
// which runs it against immudb and PostgreSQL 15. Exits non-zero on the
// first failure.

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.PGStatement;

public class JdbcTest {
  static int checks = 0;

  static void check(String what, Object got, Object want) {
    checks++;
    boolean same = (got instanceof byte[] && want instanceof byte[])
        ? Arrays.equals((byte[]) got, (byte[]) want) : Objects.equals(got, want);
    if (!same) {
      System.out.println("jdbc: FAIL " + what + ": got " + got + ", want " + want);
      System.exit(1);
    }
  }

  static void expectState(Connection c, String what, String sql, String state) {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
      check(what + " raised", false, true);
    } catch (SQLException e) {
      check(what, e.getSQLState(), state);
    }
  }

  static String env(String name) {
    String v = System.getenv(name);
    if (v == null) throw new IllegalStateException(name + " is not set");
    return v;
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://" + env("PGHOST") + ":" + env("PGPORT") + "/" + env("PGDATABASE");
    Properties p = new Properties();
    p.setProperty("user", env("PGUSER"));
    p.setProperty("password", env("PGPASSWORD"));
    p.setProperty("prepareThreshold", "1");
    p.setProperty("binaryTransfer", "true");
    p.setProperty("sslmode", "disable");
    try (Connection c = DriverManager.getConnection(url, p)) {
      run(c);
    }
    System.out.println("jdbc: " + checks + " checks passed");
  }

  static void run(Connection c) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      st.execute("DROP TABLE IF EXISTS drv_jdbc");
      st.execute("CREATE TABLE drv_jdbc (id INTEGER PRIMARY KEY, b BIGINT, n NUMERIC(12,3), "
          + "f DOUBLE PRECISION, r REAL, s TEXT, by BYTEA, ok BOOLEAN, d DATE, ts TIMESTAMP, "
          + "tz TIMESTAMPTZ, u UUID, j JSON, sm SMALLINT)");
    }
    LocalDate day = LocalDate.of(2024, 2, 29);
    LocalDateTime ts = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123456000);
    OffsetDateTime tz = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 654321000, ZoneOffset.UTC);
    UUID u = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    byte[] bytes = {0, (byte) 0xde, (byte) 0xad, (byte) 0xff};

    String ins = "INSERT INTO drv_jdbc VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?::json,?)";
    try (PreparedStatement ps = c.prepareStatement(ins)) {
      for (int i = 1; i <= 5; i++) {
        ps.setInt(1, i);
        ps.setLong(2, 9_000_000_000L * i);
        ps.setBigDecimal(3, new BigDecimal("12345.678").negate().add(BigDecimal.valueOf(i)));
        ps.setDouble(4, i / 4.0);
        ps.setFloat(5, 2.5f);
        ps.setString(6, "row " + i + " ü");
        ps.setBytes(7, bytes);
        ps.setBoolean(8, i % 2 == 0);
        ps.setObject(9, day.plusDays(i));
        ps.setObject(10, ts);
        ps.setObject(11, tz);
        ps.setObject(12, u);
        ps.setString(13, "{\"i\":" + i + "}");
        ps.setShort(14, (short) -i);
        check("insert count " + i, ps.executeUpdate(), 1);
        check("server-prepared insert", ps.unwrap(PGStatement.class).isUseServerPrepare(), true);
      }
    }
    // A batch of inserts, then one with a NULL of every type.
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO drv_jdbc (id, s) VALUES (?, ?)")) {
      for (int i = 6; i <= 8; i++) {
        ps.setInt(1, i);
        ps.setString(2, "batch " + i);
        ps.addBatch();
      }
      check("batch", Arrays.toString(ps.executeBatch()), "[1, 1, 1]");
    }
    try (PreparedStatement ps = c.prepareStatement(ins)) {
      ps.setInt(1, 9);
      for (int i = 2; i <= 14; i++) ps.setNull(i, java.sql.Types.NULL);
      check("insert nulls", ps.executeUpdate(), 1);
    }

    // Every type back, twice: pgjdbc asks for binary results once it has
    // described the server-prepared statement.
    String sel = "SELECT id, b, n, f, r, s, by, ok, d, ts, tz, u, j::text, sm FROM drv_jdbc WHERE id = ?";
    try (PreparedStatement ps = c.prepareStatement(sel)) {
      for (int round = 0; round < 3; round++) {
        ps.setInt(1, 2);
        try (ResultSet rs = ps.executeQuery()) {
          check("has row", rs.next(), true);
          check("int", rs.getInt(1), 2);
          check("bigint", rs.getLong(2), 18_000_000_000L);
          check("numeric", rs.getBigDecimal(3), new BigDecimal("-12343.678"));
          check("float8", rs.getDouble(4), 0.5);
          check("float4", rs.getFloat(5), 2.5f);
          check("text", rs.getString(6), "row 2 ü");
          check("bytea", rs.getBytes(7), bytes);
          check("bool", rs.getBoolean(8), true);
          check("date", rs.getObject(9, LocalDate.class), day.plusDays(2));
          check("timestamp", rs.getObject(10, LocalDateTime.class), ts);
          check("timestamptz", rs.getObject(11, OffsetDateTime.class), tz);
          check("uuid", rs.getObject(12), u);
          check("json", rs.getString(13), "{\"i\":2}");
          check("smallint", rs.getShort(14), (short) -2);
          check("one row", rs.next(), false);
          check("column type", rs.getMetaData().getColumnTypeName(3), "numeric");
          check("column type", rs.getMetaData().getColumnTypeName(11), "timestamptz");
        }
        check("server-prepared select", ps.unwrap(PGStatement.class).isUseServerPrepare(), true);
      }
      ps.setInt(1, 9);
      try (ResultSet rs = ps.executeQuery()) {
        check("null row", rs.next(), true);
        for (int i = 2; i <= 14; i++) {
          rs.getObject(i);
          check("null " + i, rs.wasNull(), true);
        }
      }
    }

    // A fetch size inside a transaction: Execute with a row limit, then
    // resumed after each PortalSuspended.
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM drv_jdbc WHERE id > ? ORDER BY id")) {
      ps.setFetchSize(2);
      ps.setInt(1, 0);
      List<Integer> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) ids.add(rs.getInt(1));
      }
      check("fetch size rows", ids.toString(), "[1, 2, 3, 4, 5, 6, 7, 8, 9]");
    }
    // Rollback discards; a unique violation is 23505 and fails the transaction.
    try (Statement st = c.createStatement()) {
      check("delete", st.executeUpdate("DELETE FROM drv_jdbc WHERE id > 5"), 4);
    }
    c.rollback();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM drv_jdbc")) {
      rs.next();
      check("rollback discards", rs.getLong(1), 9L);
    }
    c.commit();
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO drv_jdbc (id) VALUES (?)")) {
      ps.setInt(1, 1);
      ps.executeUpdate();
      check("unique violation raised", false, true);
    } catch (SQLException e) {
      check("unique violation", e.getSQLState(), "23505");
    }
    expectState(c, "failed transaction", "SELECT 1", "25P02");
    c.rollback();
    c.setAutoCommit(true);
    expectState(c, "undefined table", "SELECT * FROM no_such_table", "42P01");
    expectState(c, "syntax error", "SELEC 1", "42601");
    try (Statement st = c.createStatement()) {
      st.execute("DROP TABLE drv_jdbc");
    }
  }
}
