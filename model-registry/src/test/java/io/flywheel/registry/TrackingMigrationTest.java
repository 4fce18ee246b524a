package io.flywheel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;

/**
 * The tracking database's versioned schema: a new home gets V1; a home written by a Flywheel from
 * before versioned migrations (its tables made by {@link #OLD_DDL}, no Flyway history) is baselined
 * at version 1 with its data kept, and takes later migrations like any other.
 */
class TrackingMigrationTest {
  /** A later release's migrations, beside the real ones (src/test/resources). */
  private static final String LATER = "classpath:db/test-migration";

  private static final String RUN_ID = "0123456789abcdef0123456789abcdef";

  /**
   * The DDL the tracking store ran on every open before its schema was versioned, copied verbatim
   * from that code: a home written by an older Flywheel has exactly these tables.
   */
  private static final List<String> OLD_DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS experiments (id BIGINT PRIMARY KEY, "
              + "name VARCHAR(500) NOT NULL UNIQUE, artifact_location VARCHAR(2000), "
              + "lifecycle_stage VARCHAR(20) NOT NULL, creation_time BIGINT, last_update_time BIGINT)",
          "CREATE TABLE IF NOT EXISTS experiment_tags (experiment_id BIGINT, "
              + "k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (experiment_id, k))",
          "CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR(32) PRIMARY KEY, "
              + "experiment_id BIGINT NOT NULL, run_name VARCHAR(250), user_id VARCHAR(250), "
              + "status VARCHAR(20) NOT NULL, start_time BIGINT, end_time BIGINT, "
              + "artifact_uri VARCHAR(2000), lifecycle_stage VARCHAR(20) NOT NULL)",
          "CREATE TABLE IF NOT EXISTS params (run_id VARCHAR(32), k VARCHAR(250), "
              + "v VARCHAR(6000), PRIMARY KEY (run_id, k))",
          "CREATE TABLE IF NOT EXISTS tags (run_id VARCHAR(32), k VARCHAR(250), "
              + "v VARCHAR(8000), PRIMARY KEY (run_id, k))",
          "CREATE TABLE IF NOT EXISTS metrics (seq BIGINT AUTO_INCREMENT PRIMARY KEY, "
              + "run_id VARCHAR(32) NOT NULL, k VARCHAR(250) NOT NULL, v DOUBLE PRECISION, "
              + "ts BIGINT, step BIGINT)",
          "CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, k)",
          "CREATE TABLE IF NOT EXISTS registered_models (name VARCHAR(256) PRIMARY KEY, "
              + "description VARCHAR(5000), creation_time BIGINT, last_update_time BIGINT)",
          "CREATE TABLE IF NOT EXISTS registered_model_tags (name VARCHAR(256), "
              + "k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (name, k))",
          "CREATE TABLE IF NOT EXISTS model_versions (name VARCHAR(256), version INT, "
              + "source VARCHAR(2000), run_id VARCHAR(32), description VARCHAR(5000), "
              + "creation_time BIGINT, last_update_time BIGINT, PRIMARY KEY (name, version))",
          "CREATE TABLE IF NOT EXISTS model_version_tags (name VARCHAR(256), "
              + "version INT, k VARCHAR(250), v VARCHAR(8000), PRIMARY KEY (name, version, k))",
          "CREATE TABLE IF NOT EXISTS model_aliases (name VARCHAR(256), "
              + "alias VARCHAR(255), version INT, PRIMARY KEY (name, alias))");

  @TempDir Path folder;

  @Test
  void aNewHomeIsMigratedToV1() throws Exception {
    try (TrackingStore store = new TrackingStore(folder)) {
      assertThat(store.experiments.get("0").getName()).isEqualTo("Default");
      store.experiments.create("ctr", null, Map.of());
    }
    assertThat(history(folder))
        .containsExactly(
            "1 SQL tracking schema true",
            "2 SQL model version stages true",
            "3 SQL run inputs true",
            "4 SQL traces true",
            "5 SQL logged models true");
    // Opening again applies nothing and keeps what was written.
    try (TrackingStore store = new TrackingStore(folder)) {
      assertThat(store.experiments.byName("ctr").getExperimentId()).isEqualTo("1");
    }
    assertThat(history(folder)).hasSize(5);
  }

  @Test
  void v1IsExactlyTheSchemaTheOlderFlywheelCreatedAndBothUpgradeAlike(@TempDir Path old)
      throws Exception {
    writeOldHome(old);
    TrackingDatabase.migrate(dataSource(folder), List.of(TrackingDatabase.MIGRATIONS), "1");
    assertThat(schema(folder)).isNotEmpty().isEqualTo(schema(old));
    new TrackingStore(old).close();
    new TrackingStore(folder).close();
    assertThat(schema(folder)).isEqualTo(schema(old)).anyMatch(c -> c.contains("CURRENT_STAGE"));
  }

  @Test
  void aHomeWrittenByAnOlderFlywheelIsBaselinedWithItsDataIntact() throws Exception {
    writeOldHome(folder);
    try (TrackingStore store = new TrackingStore(folder)) {
      assertThat(store.experiments.byName("ctr").getTags(0).getValue()).isEqualTo("ads");
      Run run = store.runs.get(RUN_ID);
      assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
      assertThat(run.getInfo().getEndTime()).isEqualTo(20L);
      assertThat(run.getData().getParamsList())
          .containsExactly(Param.newBuilder().setKey("max_depth").setValue("4").build());
      assertThat(run.getData().getMetrics(0).getValue()).isEqualTo(0.81);
      assertThat(store.models.versionByAlias("flywheel-ctr", "champion").getRunId())
          .isEqualTo(RUN_ID);

      // It keeps working as before: ids and versions go on from the old rows, params stay.
      assertThat(store.experiments.create("cvr", null, Map.of())).isEqualTo("2");
      assertThat(
              store
                  .models
                  .createModelVersion("flywheel-ctr", "runs:/x/model", RUN_ID, "", Map.of())
                  .getVersion())
          .isEqualTo("2");
      assertThatThrownBy(
              () ->
                  store.runs.logBatch(
                      RUN_ID,
                      List.of(),
                      List.of(Param.newBuilder().setKey("max_depth").setValue("6").build()),
                      List.of()))
          .isInstanceOf(MlflowError.class)
          .hasMessageContaining("cannot change");
      assertThat(store.counts())
          .containsEntry("experiments", 3L)
          .containsEntry("runs", 1L)
          .containsEntry("modelVersions", 2L);
    }
    assertThat(history(folder))
        .containsExactly(
            "1 BASELINE tracking schema created before versioned migrations true",
            "2 SQL model version stages true",
            "3 SQL run inputs true",
            "4 SQL traces true",
            "5 SQL logged models true");
    // Versions registered before stages existed are in stage None, as in MLflow.
    try (TrackingStore store = new TrackingStore(folder)) {
      assertThat(store.models.modelVersion("flywheel-ctr", "1").getCurrentStage())
          .isEqualTo("None");
    }
  }

  @Test
  void laterMigrationsApplyToABaselinedHomeAndItStillOpens() throws Exception {
    writeOldHome(folder);
    new TrackingStore(folder).close();

    MigrateResult later =
        TrackingDatabase.migrate(dataSource(folder), List.of(TrackingDatabase.MIGRATIONS, LATER));
    assertThat(later.migrationsExecuted).isEqualTo(1);
    assertThat(later.targetSchemaVersion).isEqualTo("99");
    assertThat(history(folder))
        .containsExactly(
            "1 BASELINE tracking schema created before versioned migrations true",
            "2 SQL model version stages true",
            "3 SQL run inputs true",
            "4 SQL traces true",
            "5 SQL logged models true",
            "99 SQL added by a later release true");
    assertThat(query(folder, "SELECT name, note FROM experiments ORDER BY id"))
        .containsExactly("Default added by V99", "ctr added by V99");

    // A release that knows only V1 still opens it, and its writes fit the wider table.
    try (TrackingStore store = new TrackingStore(folder)) {
      assertThat(store.runs.get(RUN_ID).getData().getParamsCount()).isEqualTo(1);
      store.experiments.create("cvr", null, Map.of("k", "v"));
    }
    assertThat(query(folder, "SELECT name, note FROM experiments WHERE id = 2"))
        .containsExactly("cvr added by V99");
  }

  @Test
  void laterMigrationsApplyToANewHome() throws Exception {
    new TrackingStore(folder).close();
    MigrateResult later =
        TrackingDatabase.migrate(dataSource(folder), List.of(TrackingDatabase.MIGRATIONS, LATER));
    assertThat(later.migrationsExecuted).isEqualTo(1);
    assertThat(history(folder))
        .containsExactly(
            "1 SQL tracking schema true",
            "2 SQL model version stages true",
            "3 SQL run inputs true",
            "4 SQL traces true",
            "5 SQL logged models true",
            "99 SQL added by a later release true");
    assertThat(query(folder, "SELECT COUNT(*) FROM run_notes")).containsExactly("0");
  }

  @Test
  void aFolderThatCannotHoldTheDatabaseIsNamed() throws Exception {
    Path file = Files.writeString(folder.resolve("not-a-folder"), "x");
    assertThatThrownBy(() -> new TrackingStore(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot open the tracking database under " + file);
  }

  /** What the older Flywheel left: its DDL, the Default experiment, a tracked, registered run. */
  private static void writeOldHome(Path home) throws SQLException {
    try (Connection c = DriverManager.getConnection(TrackingDatabase.url(home));
        Statement s = c.createStatement()) {
      for (String ddl : OLD_DDL) {
        s.execute(ddl);
      }
      s.execute(
          "INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', "
              + "1, 1)");
      s.execute("INSERT INTO experiments VALUES (1, 'ctr', 'mlflow-artifacts:/1', 'active', 2, 2)");
      s.execute("INSERT INTO experiment_tags VALUES (1, 'team', 'ads')");
      s.execute(
          "INSERT INTO runs VALUES ('"
              + RUN_ID
              + "', 1, 'train', 'kim', 'FINISHED', 10, 20, "
              + "'mlflow-artifacts:/1/"
              + RUN_ID
              + "/artifacts', 'active')");
      s.execute("INSERT INTO params VALUES ('" + RUN_ID + "', 'max_depth', '4')");
      s.execute("INSERT INTO tags VALUES ('" + RUN_ID + "', 'mlflow.runName', 'train')");
      s.execute(
          "INSERT INTO metrics (run_id, k, v, ts, step) VALUES ('"
              + RUN_ID
              + "', 'auc', "
              + "0.81, 30, 0)");
      s.execute("INSERT INTO registered_models VALUES ('flywheel-ctr', '', 40, 40)");
      s.execute(
          "INSERT INTO model_versions VALUES ('flywheel-ctr', 1, 'runs:/"
              + RUN_ID
              + "/model', '"
              + RUN_ID
              + "', '', 50, 50)");
      s.execute("INSERT INTO model_aliases VALUES ('flywheel-ctr', 'champion', 1)");
    }
  }

  /** Flyway's history of versions (not its own row for creating the history table). */
  private static List<String> history(Path home) throws SQLException {
    return query(
        home,
        "SELECT \"version\", \"type\", \"description\", \"success\" FROM "
            + "\"flyway_schema_history\" WHERE \"version\" IS NOT NULL "
            + "ORDER BY \"installed_rank\"");
  }

  /** Tables, columns and indexes, without Flyway's table and without generated names. */
  private static List<String> schema(Path home) throws SQLException {
    List<String> out =
        new ArrayList<>(
            query(
                home,
                "SELECT TABLE_NAME, COLUMN_NAME, "
                    + "ORDINAL_POSITION, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, "
                    + "IS_NULLABLE, IS_IDENTITY FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = "
                    + "'PUBLIC' AND TABLE_NAME <> 'flyway_schema_history' ORDER BY TABLE_NAME, "
                    + "ORDINAL_POSITION"));
    out.addAll(
        query(
            home,
            "SELECT i.TABLE_NAME, i.INDEX_TYPE_NAME, "
                + "CASE WHEN i.INDEX_NAME LIKE 'METRICS_BY_RUN' THEN i.INDEX_NAME END, c.COLUMN_NAME, "
                + "c.ORDINAL_POSITION FROM INFORMATION_SCHEMA.INDEXES i JOIN "
                + "INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND "
                + "c.INDEX_NAME = i.INDEX_NAME WHERE i.TABLE_SCHEMA = 'PUBLIC' AND i.TABLE_NAME <> "
                + "'flyway_schema_history' ORDER BY 1, 2, 3, 4, 5"));
    out.addAll(
        query(
            home,
            "SELECT TABLE_NAME, CONSTRAINT_TYPE FROM "
                + "INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME "
                + "<> 'flyway_schema_history' ORDER BY 1, 2"));
    return out;
  }

  /** Each row as its columns joined by spaces. */
  private static List<String> query(Path home, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(TrackingDatabase.url(home));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          cells.add(String.valueOf(rs.getObject(i)));
        }
        rows.add(String.join(" ", cells));
      }
      return rows;
    }
  }

  private static JdbcDataSource dataSource(Path home) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(TrackingDatabase.url(home));
    return ds;
  }
}
