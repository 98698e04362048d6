package sparkgru.jobs.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.io.TableOutput;
import sparkgru.jobs.train.TrainJob;

/**
 * Inputs read through the session catalog ({@code data.source=table}) and through any Spark data
 * source ({@code data.source=format}, here ORC and CSV with reader options), and forecasts written
 * to a table ({@code --output-table}, each {@code --output-mode}) or to a partitioned Parquet
 * directory: the same series give the same forecasts whichever way they are read, and every
 * output holds the same columns.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TablesAndFormatsTest {
  private static final String DB = "spark_gru_tables_test";
  private static final String SERIES = DB + ".series";

  @TempDir
  static Path dir;
  private SparkSession spark;
  private Path model;

  /** Three series of 60 steps at levels 0, 10 and 100, as CSV: {@code id,t,v}. */
  private static List<String> rows(String separator) {
    List<String> rows = new ArrayList<>(List.of(String.join(separator, "id", "t", "v")));
    String[] ids = {"a", "b", "c"};
    for (int s = 0; s < ids.length; s++) {
      for (int t = 0; t < 60; t++) {
        double v = Math.pow(10, s) - 1 + Math.sin(2 * Math.PI * t / 12);
        rows.add(String.join(separator, ids[s], Integer.toString(t), String.format(Locale.ROOT, "%.6f", v)));
      }
    }
    return rows;
  }

  /** The keys of a small long-format model of columns id, t, v (lookback 8, horizon 4), without its data source. */
  static List<String> config(String... more) {
    List<String> o = new ArrayList<>(List.of("data.format=long", "data.series_column=id", "data.time_column=t",
        "data.feature_columns=v", "data.target_columns=v", "window.lookback=8", "window.horizon=4",
        "split.train=0.7", "split.validation=0.1", "split.test=0.2", "model.layer.0.units=4", "train.epochs=1",
        "train.batch_size=16", "train.partitions=2", "output.progress=false"));
    o.addAll(List.of(more));
    return o;
  }

  @BeforeAll
  void tableAndModel() throws Exception {
    spark = SparkTestSession.get();
    spark.sql("CREATE DATABASE IF NOT EXISTS " + DB + " LOCATION '" + dir.resolve("warehouse").toUri() + "'");
    Path csv = Files.write(dir.resolve("series.csv"), rows(","));
    spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()).write()
        .saveAsTable(SERIES);
    model = dir.resolve("model/model.sgru");
    JobConfig config = JobConfig.of(config("data.source=table", "data.table=" + SERIES,
        "output.model=" + model.toUri(), "output.metrics=" + dir.resolve("model/metrics.jsonl").toUri())
        .toArray(new String[0]));
    TrainJob.run(spark, config, new PrintWriter(new StringWriter()));
  }

  @AfterAll
  void dropDatabase() {
    spark.sql("DROP DATABASE IF EXISTS " + DB + " CASCADE");
  }

  private TrainedModel trained(String... sets) {
    return TrainedModel.read(model.toUri().toString(), List.of(sets), spark.sparkContext().hadoopConfiguration());
  }

  /** The rows of a one-file CSV output, header first, the others sorted. */
  private static List<String> sortedLines(Path csv) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
    body.sort(null);
    body.add(0, lines.get(0));
    return body;
  }

  private List<String> forecast(String name, String... sets) throws Exception {
    Path out = dir.resolve(name);
    ForecastJob.run(spark, trained(sets), out.toUri().toString(), false, false, new PrintWriter(new StringWriter()));
    return sortedLines(out);
  }

  @Test
  void aTableAnOrcDirectoryAndACsvFileWithReaderOptionsGiveTheSameForecasts() throws Exception {
    List<String> fromTable = forecast("from-table.csv");
    assertEquals("id,t,v", fromTable.get(0));
    assertEquals(1 + 3 * 4, fromTable.size(), "4 steps of 3 series: " + fromTable);

    Path orc = dir.resolve("series.orc");
    spark.table(SERIES).write().orc(orc.toString());
    assertEquals(fromTable, forecast("from-orc.csv", "data.source=format", "data.format_name=orc",
        "data.path=" + orc.toUri()));

    // Semicolons and a header that only the reader options explain: without them, one column "id;t;v".
    Path semicolons = Files.write(dir.resolve("semicolons.txt"), rows(";"));
    assertEquals(fromTable, forecast("from-semicolons.csv", "data.source=format", "data.format_name=csv",
        "data.path=" + semicolons.toUri(), "data.options.sep=;", "data.options.header=true"));
    InvalidInputException withoutOptions = assertThrows(InvalidInputException.class, () -> forecast(
        "without-options.csv", "data.source=format", "data.format_name=csv", "data.path=" + semicolons.toUri()));
    assertEquals(semicolons.toUri() + " has no column 'id'; its columns are [_c0]", withoutOptions.getMessage());
  }

  @Test
  void evaluationAndTrainingOnSequencesReadTablesToo() {
    EvaluateJob.Report report = EvaluateJob.run(spark, trained(), null, null, null, null,
        new PrintWriter(new StringWriter()));
    assertTrue(report.evaluation().windows() > 0, "test windows of the table's series");
    assertEquals("table " + SERIES, report.report().get("data"));

    List<String> sequences = new ArrayList<>(List.of("sequence_id,step,x,y"));
    for (int s = 0; s < 16; s++) {
      for (int t = 0; t < 5; t++) {
        sequences.add("q" + s + "," + t + "," + (s + t) + "," + (s % 2));
      }
    }
    spark.createDataset(sequences.subList(1, sequences.size()), org.apache.spark.sql.Encoders.STRING()).toDF()
        .selectExpr("split(value, ',') AS f").selectExpr("f[0] AS sequence_id", "CAST(f[1] AS INT) AS step",
            "CAST(f[2] AS DOUBLE) AS x", "CAST(f[3] AS DOUBLE) AS y").write().saveAsTable(DB + ".sequences");
    StringWriter log = new StringWriter();
    TrainJob.run(spark, JobConfig.of("data.source=table", "data.table=" + DB + ".sequences",
        "data.feature_columns=x", "data.target_columns=y", "train.epochs=1", "model.layer.0.units=2",
        "output.progress=false", "output.model=" + dir.resolve("sequences/model.sgru").toUri(),
        "output.metrics=" + dir.resolve("sequences/metrics.jsonl").toUri()), new PrintWriter(log));
    assertTrue(Files.exists(dir.resolve("sequences/model.sgru")), log.toString());
  }

  @Test
  void forecastsGoToATableInEachOutputModeWithTheColumnsOfAFileOutput() throws Exception {
    String table = DB + ".forecasts";
    TableOutput.Target create = new TableOutput.Target(null, table, TableOutput.Mode.ERROR, List.of());
    ForecastJob.run(spark, trained(), create, false, null, new PrintWriter(new StringWriter()));
    Dataset<Row> written = spark.table(table);
    assertEquals(12, written.count());
    Path parquet = dir.resolve("forecasts.parquet");
    ForecastJob.run(spark, trained(), parquet.toUri().toString(), false, false, new PrintWriter(new StringWriter()));
    assertEquals(spark.read().parquet(parquet.toString()).schema(), written.schema(),
        "a table holds the columns of a Parquet output, with their types");

    InvalidInputException refused = assertThrows(InvalidInputException.class,
        () -> ForecastJob.run(spark, trained(), create, false, null, new PrintWriter(new StringWriter())));
    assertEquals("--output-table " + table + " already exists in the session catalog (current catalog "
        + "spark_catalog, database default); pass --output-mode append to add the rows to it or --output-mode "
        + "overwrite to replace its rows", refused.getMessage());
    assertEquals(12, spark.table(table).count(), "a refused run leaves the table as it was");

    ForecastJob.run(spark, trained(), new TableOutput.Target(null, table, TableOutput.Mode.APPEND, List.of()), false, null,
        new PrintWriter(new StringWriter()));
    assertEquals(24, spark.table(table).count(), "appended");
    ForecastJob.run(spark, trained(), new TableOutput.Target(null, table, TableOutput.Mode.OVERWRITE, List.of()),
        false, null, new PrintWriter(new StringWriter()));
    assertEquals(12, spark.table(table).count(), "replaced");
    assertEquals(spark.read().parquet(parquet.toString()).orderBy("id", "t").collectAsList(),
        spark.table(table).orderBy("id", "t").collectAsList());
  }

  @Test
  void aParquetDirectoryIsPartitionedBySpark() throws Exception {
    Path out = dir.resolve("partitioned");
    ForecastJob.run(spark, trained(), new TableOutput.Target(out.toUri().toString(), null, TableOutput.Mode.ERROR,
        List.of("id")), false, null, new PrintWriter(new StringWriter()));
    for (String id : List.of("a", "b", "c")) {
      assertTrue(Files.isDirectory(out.resolve("id=" + id)), "one directory per series: " + Arrays.toString(
          out.toFile().list()));
    }
    assertEquals(12, spark.read().parquet(out.toString()).count());

    InvalidInputException csv = assertThrows(InvalidInputException.class, () -> new TableOutput.Target(
        dir.resolve("p.csv").toString(), null, TableOutput.Mode.ERROR, List.of("id")));
    assertEquals("--partition-by needs a directory output, but --output " + dir.resolve("p.csv") + " ends in .csv "
        + "and is written as one file; give a directory path (written as Parquet) or --output-table",
        csv.getMessage());
    Path unknown = dir.resolve("unknown-column");
    InvalidInputException column = assertThrows(InvalidInputException.class, () -> ForecastJob.run(spark, trained(),
        new TableOutput.Target(unknown.toUri().toString(), null, TableOutput.Mode.ERROR, List.of("series")), false, null,
        new PrintWriter(new StringWriter())));
    assertEquals("--partition-by names column 'series', which the output does not have; its columns are [id, t, v]",
        column.getMessage());
    assertFalse(Files.exists(unknown));
  }

  @Test
  void aMissingTableAndAnUnknownFormatAreNamedAndNothingIsWritten() throws Exception {
    Path out = dir.resolve("bad");
    Files.createDirectories(out);
    InvalidInputException table = assertThrows(InvalidInputException.class, () -> ForecastJob.run(spark,
        trained("data.table=" + DB + ".no_such_table"), out.resolve("f.csv").toUri().toString(), false, false,
        new PrintWriter(new StringWriter())));
    assertEquals("data.table " + DB + ".no_such_table does not exist: the session catalog (current catalog "
        + "spark_catalog, database default) has no table or view of that name; name it as Spark does (tbl, db.tbl "
        + "or catalog.db.tbl)", table.getMessage());
    InvalidInputException format = assertThrows(InvalidInputException.class, () -> ForecastJob.run(spark,
        trained("data.source=format", "data.format_name=no_such_format", "data.path=" + out.toUri()),
        out.resolve("f.csv").toUri().toString(), false, false, new PrintWriter(new StringWriter())));
    assertEquals("data.format_name no_such_format is no data source on the class path: no jar on it registers that "
        + "name (a DataSourceRegister) or holds a class of that name; the jar that provides it must be on the class "
        + "path, e.g. with spark-submit --packages io.delta:delta-spark_2.13:4.0.0 for delta on Spark 4.0",
        format.getMessage());
    NoPartialOutput.assertOnly(out, List.of(), "a missing table and an unknown format");
  }
}
