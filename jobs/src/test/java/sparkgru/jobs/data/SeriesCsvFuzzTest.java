package sparkgru.jobs.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkgru.engine.FuzzContract;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.io.DataErrors;
import sparkgru.jobs.io.DataInput;

/**
 * Fuzzes the reading of a user's CSV file on the shared local Spark session: the input bytes are
 * a CSV file with a header, read as long, wide and m4 series ({@link SeriesSource#read}, then
 * {@link SlidingWindows#select} and the executors' windowing of the typed rows) and as training
 * sequences ({@link LongFormat#select}, then the packing of the typed rows). Errors raised on
 * the rows go through {@link DataErrors#rethrow}, as the jobs do. Every build replays the inputs
 * in {@code src/test/resources/sparkgru/jobs/data/SeriesCsvFuzzTestInputs/csv}; {@code
 * JAZZER_FUZZ=1} fuzzes (see RELIABILITY.md, Fuzzing). Each input costs a few small Spark jobs
 * per layout, so this target runs executions per second, not thousands; {@link
 * SlidingWindowsFuzzTest} fuzzes the windowing alone, fast.
 */
class SeriesCsvFuzzTest {
  private static final Path FILE = file();
  private static final WindowSpec LONG = new WindowSpec(List.of("value", "x"), List.of("value"), 2, 1, 1,
      WindowSpec.Missing.FORWARD_FILL, WindowSpec.Normalization.NONE, false);
  private static final WindowSpec WIDE = new WindowSpec(List.of("a", "b"), List.of("b"), 2, 1, 1,
      WindowSpec.Missing.DROP, WindowSpec.Normalization.LAST, false);
  private static final WindowSpec M4 = new WindowSpec(List.of(SeriesSource.M4_VALUE), List.of(SeriesSource.M4_VALUE),
      2, 1, 1, WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, true);
  private static final LongFormat SEQUENCES = new LongFormat("sequence_id", "step", List.of("x"), List.of("y"));

  private static Path file() {
    try {
      Path dir = Files.createTempDirectory("spark-gru-fuzz");
      dir.toFile().deleteOnExit();
      Path f = dir.resolve("input.csv");
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any CSV file reads, types and windows (or packs) or fails with a message, in every layout. */
  @FuzzTest(maxDuration = "5m")
  void csv(byte[] input) throws IOException {
    Files.write(FILE, input);
    String path = FILE.toUri().toString();
    SparkSession spark = SparkTestSession.get();
    FuzzContract.check(() -> windows(spark, new SeriesSource(DataInput.files("csv", path, true, false),
        "long", "series", "time", "s",
        SeriesSource.NA_VALUES, 1, 2, 1), LONG));
    FuzzContract.check(() -> windows(spark, new SeriesSource(DataInput.files("csv", path, true, false),
        "wide", "series_id", "", "s",
        SeriesSource.NA_VALUES, 1, 2, 1), WIDE));
    FuzzContract.check(() -> windows(spark, new SeriesSource(DataInput.files("csv", path, true, false),
        "m4", "id", "", "s",
        SeriesSource.NA_VALUES, 1, 2, 1), M4));
    FuzzContract.check(() -> rethrowing(() -> {
      Dataset<Row> typed = SEQUENCES.select(spark.read().option("header", "true").csv(path), path);
      List<Row> rows = new ArrayList<>(typed.collectAsList());
      rows.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparingInt(r -> r.getInt(1)));
      SEQUENCES.packRows(rows.iterator(), false);
    }));
  }

  private static void windows(SparkSession spark, SeriesSource source, WindowSpec spec) {
    rethrowing(() -> {
      SeriesSource.Table table = source.read(spark);
      SlidingWindows w = new SlidingWindows(table.series(), table.time(), spec);
      Dataset<Row> typed = w.select(table.rows(), table.origin());
      List<Row> rows = new ArrayList<>(typed.collectAsList());
      rows.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparingLong(r -> r.getLong(1)));
      w.windows(rows.iterator(), w.typedDateTimes(typed), SlidingWindows.CHUNK_WINDOWS).forEachRemaining(c -> { });
    });
  }

  /** Runs {@code body} and throws what the jobs would for its failure. */
  private static void rethrowing(Runnable body) {
    try {
      body.run();
    } catch (RuntimeException e) {
      throw DataErrors.rethrow(e);
    }
  }
}
