package io.flywheel.registry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The H2 database file ({@code tracking.mv.db}) the stores share: a small connection pool, its
 * schema brought up to date by Flyway on open, and one transaction per store operation.
 *
 * <p>Migrations live in {@value #MIGRATIONS}. A database written before migrations were versioned
 * has the V1 tables but no history table: it is baselined at version 1 (its data kept, V1 not run)
 * and gets only the migrations after V1.
 */
final class TrackingDatabase implements AutoCloseable {
  static final String MIGRATIONS = "classpath:db/migration/tracking";
  private static final int MAX_CONNECTIONS = 16;

  interface Work<T> {
    T run(Sql sql);
  }

  private final JdbcConnectionPool pool;

  TrackingDatabase(Path folder) {
    pool = JdbcConnectionPool.create(url(folder), "", "");
    pool.setMaxConnections(MAX_CONNECTIONS);
    try {
      migrate(pool, List.of(MIGRATIONS));
    } catch (RuntimeException e) {
      pool.dispose();
      throw new IllegalStateException(
          "cannot open the tracking database under " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The JDBC URL of the database under {@code folder}, as every Flywheel version opened it. */
  static String url(Path folder) {
    return "jdbc:h2:file:"
        + folder.resolve("tracking").toAbsolutePath()
        + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * Applies the pending migrations found in {@code locations}; a non-empty schema without Flyway's
   * history table is first baselined at version 1.
   */
  static MigrateResult migrate(DataSource dataSource, List<String> locations) {
    return migrate(dataSource, locations, "latest");
  }

  /** As above, up to {@code target} (a version, or {@code latest}). */
  static MigrateResult migrate(DataSource dataSource, List<String> locations, String target) {
    return Flyway.configure(TrackingDatabase.class.getClassLoader())
        .dataSource(dataSource)
        .locations(locations.toArray(String[]::new))
        .baselineOnMigrate(true)
        .baselineVersion("1")
        .baselineDescription("tracking schema created before versioned migrations")
        .target(target)
        .load()
        .migrate();
  }

  /** Runs {@code work} in its own transaction: committed when it returns, rolled back if not. */
  <T> T transaction(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(new Sql(c));
        c.commit();
        return result;
      } catch (RuntimeException | Error e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw Sql.failed(e);
    }
  }

  @Override
  public void close() {
    pool.dispose();
  }
}
