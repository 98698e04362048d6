package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.io.TableOutput;
import sparkgru.jobs.train.TrainJob;

/**
 * Delta Lake for real (delta-spark, a test dependency of the Spark 4.0 build): a Delta table read
 * as {@code data.source=format} and as a table of a Delta session catalog sees only its current
 * version, though the superseded version's Parquet files remain in its directory (read as plain
 * Parquet, they would be series too); a reader option travels back to the older version; and
 * forecasts written with {@code --output-table} make a Delta table, whose overwrite is a new Delta
 * version. Delta needs its own session (its SQL extension and catalog are fixed when a session
 * starts): the shared one is stopped first, and this one is stopped at the end. Skipped where
 * Delta is not on the class path (the other Spark lines' builds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeltaTablesTest {
  @TempDir
  static Path dir;
  private SparkSession spark;
  private Path delta;
  private Path model;

  /** {@code series} of 60 steps each, at levels 0, 10, 100, ...: {@code id, t, v}. */
  private Dataset<Row> series(String... ids) {
    List<String> rows = new ArrayList<>();
    for (int s = 0; s < ids.length; s++) {
      for (int t = 0; t < 60; t++) {
        rows.add(ids[s] + "," + t + "," + String.format(Locale.ROOT, "%.6f", Math.pow(10, s) - 1
            + Math.sin(2 * Math.PI * t / 12)));
      }
    }
    return spark.createDataset(rows, Encoders.STRING()).selectExpr("split(value, ',') AS f")
        .selectExpr("f[0] AS id", "CAST(f[1] AS BIGINT) AS t", "CAST(f[2] AS DOUBLE) AS v");
  }

  /** Whether Delta Lake is on the class path. */
  private static boolean deltaPresent() {
    try {
      Class.forName("io.delta.sql.DeltaSparkSessionExtension", false, DeltaTablesTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Each test is skipped, naming why, where Delta is absent. */
  @BeforeEach
  void requireDelta() {
    assumeTrue(deltaPresent(), "Delta Lake (io.delta:delta-spark_2.13) is not on the test class path: it is a test "
        + "dependency of the spark-4.0 profile only, the Spark line delta-spark 4.0 runs on");
  }

  @BeforeAll
  void deltaSessionTableAndModel() {
    if (!deltaPresent()) {
      return;
    }
    scala.Option<SparkSession> shared = SparkSession.getDefaultSession();
    if (shared.isDefined()) {
      shared.get().stop();
    }
    spark = SparkSession.builder().master("local[2]").appName("spark-gru-delta-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toUri().toString())
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.sources.default", "delta")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    delta = dir.resolve("series.delta");
    // Version 0 holds a fourth series; version 1 replaces the table, whose version-0 files stay behind.
    series("a", "b", "c", "old").write().format("delta").save(delta.toString());
    series("a", "b", "c").write().format("delta").mode("overwrite").save(delta.toString());
    model = dir.resolve("model/model.sgru");
    TrainJob.run(spark, JobConfig.of(Stream.concat(TablesAndFormatsTest.config().stream(), Stream.of(
        "data.source=format", "data.format_name=delta", "data.path=" + delta.toUri(), "output.model=" + model.toUri(),
        "output.metrics=" + dir.resolve("model/metrics.jsonl").toUri())).toArray(String[]::new)),
        new PrintWriter(new StringWriter()));
  }

  @AfterAll
  void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private TrainedModel trained(String... sets) {
    return TrainedModel.read(model.toUri().toString(), List.of(sets), spark.sparkContext().hadoopConfiguration());
  }

  /** The series ids of a forecast to a one-file CSV output, and its lines. */
  private List<String> forecast(String name, String... sets) throws Exception {
    Path out = dir.resolve(name);
    ForecastJob.run(spark, trained(sets), out.toUri().toString(), false, false, new PrintWriter(new StringWriter()));
    List<String> lines = new ArrayList<>(Files.readAllLines(out));
    lines.sort(null);
    return lines;
  }

  private static long series(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("id,")).map(l -> l.split(",")[0]).distinct().count();
  }

  @Test
  void aDeltaTableReadsItsCurrentVersionOnlyAsAFormatAndAsACatalogTable() throws Exception {
    assertEquals(420, spark.read().parquet(delta.toString()).count(), "the directory's Parquet files hold both "
        + "versions: 4 series, then 3, of 60 rows each");
    assertEquals(180, spark.read().format("delta").load(delta.toString()).count());
    List<String> current = forecast("current.csv");
    assertEquals(3, series(current), "the 3 series of the current version: " + current);
    assertEquals(1 + 3 * 4, current.size());

    spark.sql("CREATE TABLE delta_series USING delta LOCATION '" + delta.toUri() + "'");
    assertEquals(current, forecast("table.csv", "data.source=table", "data.table=delta_series"));

    List<String> first = forecast("version0.csv", "data.options.versionAsOf=0");
    assertEquals(4, series(first), "versionAsOf=0 reaches the replaced version, series old included: " + first);
  }

  @Test
  void forecastsWrittenToATableOfADeltaCatalogMakeADeltaTable() throws Exception {
    String table = "delta_forecasts";
    ForecastJob.run(spark, trained(), new TableOutput.Target(null, table, TableOutput.Mode.ERROR, List.of("id")),
        false, null, new PrintWriter(new StringWriter()));
    Path log = dir.resolve("warehouse").resolve(table).resolve("_delta_log");
    assertTrue(Files.exists(log.resolve("00000000000000000000.json")), "a Delta table: its log's first version");
    assertEquals(12, spark.table(table).count());
    Row detail = spark.sql("DESCRIBE DETAIL " + table).first();
    assertEquals("delta", detail.getAs("format"));
    assertEquals(List.of("id"), detail.getList(detail.fieldIndex("partitionColumns")), "partitioned by --partition-by");

    ForecastJob.run(spark, trained(), new TableOutput.Target(null, table, TableOutput.Mode.OVERWRITE, List.of()),
        false, null, new PrintWriter(new StringWriter()));
    assertEquals(12, spark.table(table).count(), "the rows replaced");
    assertTrue(Files.exists(log.resolve("00000000000000000001.json")), "as the table's next Delta version");
    assertEquals(12, spark.read().format("delta").option("versionAsOf", "0").load(log.getParent().toString())
        .count(), "the version before the overwrite is still there");
  }
}
