package io.flywheel.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One transaction's connection, with the few statement shapes the stores use. Every value is bound;
 * nothing from a request is spliced into SQL. A failing statement becomes MLflow's {@code
 * INTERNAL_ERROR}, and the transaction around it rolls back.
 */
final class Sql {
  interface Mapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final Connection connection;

  Sql(Connection connection) {
    this.connection = connection;
  }

  <T> List<T> list(String sql, Mapper<T> mapper, Object... args) {
    try (PreparedStatement ps = prepare(sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(mapper.map(rs));
      }
      return out;
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** The first row, mapped; empty when there is none or it maps to null. */
  <T> Optional<T> first(String sql, Mapper<T> mapper, Object... args) {
    List<T> rows = list(sql, mapper, args);
    return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
  }

  boolean exists(String sql, Object... args) {
    return first(sql, rs -> Boolean.TRUE, args).isPresent();
  }

  /** The first column of the first row; 0 when there is none or it is NULL. */
  long queryLong(String sql, Object... args) {
    return first(sql, rs -> rs.getLong(1), args).orElse(0L);
  }

  int update(String sql, Object... args) {
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /** One statement executed for each row of arguments, as one JDBC batch. */
  void batch(String sql, List<Object[]> rows) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          ps.setObject(i + 1, row[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  static MlflowError failed(SQLException e) {
    return new MlflowError(MlflowError.Code.INTERNAL_ERROR, "tracking store: " + e.getMessage());
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    try {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }
}
