package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.io.DataInput;

/** The three layouts read into long form: rows, ids, times and values. */
class SeriesSourceTest {
  @TempDir
  Path dir;

  private static SeriesSource source(String format, Path path, boolean header, String time) {
    return new SeriesSource(DataInput.files("csv", path.toUri().toString(), header, false), format, "series_id",
        time, "one", SeriesSource.NA_VALUES, 0, 2, 0);
  }

  private static List<Row> typed(SeriesSource source, List<String> columns) {
    SeriesSource.Table t = source.read(SparkTestSession.get());
    SlidingWindows w = new SlidingWindows(t.series(), t.time(), new WindowSpec(columns, columns, 1, 1, 1,
        WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, false));
    return w.select(t.rows(), t.origin()).orderBy(t.series(), t.time()).collectAsList();
  }

  @Test
  void aWideTableIsOneSeriesNumberedByRowsWithoutATimeColumn() throws Exception {
    Path f = dir.resolve("rates.txt");
    Files.writeString(f, "0.5,10\n0.6,11\n0.7,12\n");
    List<Row> rows = typed(source("wide", f, false, ""), List.of("_c0", "_c1"));
    assertEquals(3, rows.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("one", rows.get(i).getString(0));
      assertEquals(i, rows.get(i).getLong(1), "file order gives the steps");
      assertEquals(10.0 + i, rows.get(i).getDouble(3));
    }
    Path dated = dir.resolve("ett.csv");
    Files.writeString(dated, "date,OT\n2016-07-01 01:00:00,2\n2016-07-01 00:00:00,1\n");
    List<Row> byTime = typed(source("wide", dated, true, "date"), List.of("OT"));
    assertEquals(3600 * Series.MICROS_PER_SECOND, byTime.get(1).getLong(1) - byTime.get(0).getLong(1));
    assertEquals(1.0, byTime.get(0).getDouble(2));
  }

  @Test
  void m4RowsBecomeSeriesOfTheirNonEmptyCells() throws Exception {
    Path f = dir.resolve("Hourly-train.csv");
    Files.writeString(f, "\"V1\",\"V2\",\"V3\",\"V4\"\n\"H1\",1.5,2.5,3.5\n\"H2\",7,8,\n");
    List<Row> rows = typed(source("m4", f, true, "timestamp"), List.of("value"));
    assertEquals(5, rows.size(), "H2's padding is not a value");
    assertEquals("H1", rows.get(0).getString(0));
    assertEquals(0L, rows.get(0).getLong(1));
    assertEquals(3.5, rows.get(2).getDouble(2));
    assertEquals("H2", rows.get(4).getString(0));
    assertEquals(1L, rows.get(4).getLong(1));
  }

  @Test
  void numericTextTimesAreStepsAndEmptyCellsInsideAnM4RowAreMissing() throws Exception {
    Path f = dir.resolve("long.csv");
    Files.writeString(f, "series_id,t,v\na,2017,1\na,2016,0\na,2018,2\n");
    List<Row> rows = typed(longCsv(f, false, SeriesSource.NA_VALUES), List.of("v"));
    assertEquals(List.of(2016L, 2017L, 2018L), rows.stream().map(r -> r.getLong(1)).toList(),
        "years-like numbers stay numbers, one apart");
    Path m4 = dir.resolve("gappy.csv");
    Files.writeString(m4, "V1,V2,V3,V4,V5\nH1,1,,3,\n");
    List<Row> gappy = typed(source("m4", m4, true, ""), List.of("value"));
    assertEquals(3, gappy.size(), "the trailing empty cell pads, the inner one is a missing value");
    assertTrue(gappy.get(1).isNullAt(2));
  }

  @Test
  void spacesAroundCsvCellsAndNamesAreRemovedWhenAsked() throws Exception {
    Path f = dir.resolve("spaced.csv");
    Files.writeString(f, "series_id , t,\tv\n a , 1 ,  2.5\t\na,0,1.5\n");
    List<Row> rows = typed(longCsv(f, true, SeriesSource.NA_VALUES), List.of("v"));
    assertEquals("[[a,0,1.5,null], [a,1,2.5,null]]", rows.toString(), "one series a, its times and values "
        + "read (and no offset: the times are numbers)");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> typed(longCsv(f, false, SeriesSource.NA_VALUES), List.of("v")));
    assertEquals(f.toUri() + " has no column 'series_id'; its columns are ['series_id ', ' t', '\tv'] (a name in "
        + "the header begins or ends with spaces: remove them, or for a CSV file set data.trim_spaces=true)",
        e.getMessage());
  }

  /** Series a at times 0..9 with value t, except {@code cell} at time 4. */
  private SeriesSource withCellAtTime4(String cell, List<String> naValues) throws Exception {
    StringBuilder csv = new StringBuilder("series_id,t,v\n");
    for (int t = 0; t < 10; t++) {
      csv.append("a,").append(t).append(',').append(t == 4 ? cell : String.valueOf(t)).append('\n');
    }
    Path f = Files.writeString(Files.createTempFile(dir, "marker", ".csv"), csv);
    return longCsv(f, false, naValues);
  }

  /** A long-format CSV file with a header and columns series_id, t, .... */
  private static SeriesSource longCsv(Path f, boolean trimSpaces, List<String> naValues) {
    return new SeriesSource(DataInput.files("csv", f.toUri().toString(), true, trimSpaces), "long", "series_id", "t",
        "", naValues, 0, 2, 0);
  }

  /** The windows of lookback 3 and horizon 2, stride 1, of what {@code source} reads. */
  private static WindowReport windows(SeriesSource source, WindowSpec.Missing missing) {
    SeriesSource.Table t = source.read(SparkTestSession.get());
    SlidingWindows w = new SlidingWindows(t.series(), t.time(), new WindowSpec(List.of("v"), List.of("v"), 3, 2, 1,
        missing, WindowSpec.Normalization.NONE, false));
    return SlidingWindows.report(w.build(w.select(t.rows(), t.origin()), 2));
  }

  /** The cell texts pandas reads as missing are missing values here too, and data.missing decides what they do. */
  @Test
  void missingValueMarkersFollowDataMissing() throws Exception {
    List<String> cells = new java.util.ArrayList<>(SeriesSource.NA_VALUES);
    cells.addAll(List.of("", " NA "));
    for (String cell : cells) {
      SeriesSource source = withCellAtTime4(cell, SeriesSource.NA_VALUES);
      assertEquals("series a has a missing value in column 'v' at time 4 (row 5 of the series); set data.missing to "
          + "forward_fill or drop, or clean the data", assertThrows(IllegalArgumentException.class,
          () -> windows(source, WindowSpec.Missing.ERROR)).getMessage(), "'" + cell + "'");
      assertEquals(6, windows(source, WindowSpec.Missing.FORWARD_FILL).windows(), "'" + cell + "'");
      WindowReport dropped = windows(source, WindowSpec.Missing.DROP);
      assertEquals(1, dropped.windows(), "only the window starting at 5 misses time 4: '" + cell + "'");
      assertEquals(5, dropped.droppedWindows());
    }
    SeriesSource custom = withCellAtTime4("?", List.of("?"));
    assertEquals(6, windows(custom, WindowSpec.Missing.FORWARD_FILL).windows(), "a marker of data.na_values");
    SeriesSource notListed = withCellAtTime4("NA", List.of("?"));
    assertEquals(notListed.input().path() + ": column 'v' has a non-numeric value 'NA' (series a, time 4)",
        assertThrows(IllegalArgumentException.class, () -> windows(notListed, WindowSpec.Missing.FORWARD_FILL)).getMessage());
    SeriesSource text = withCellAtTime4("abc", SeriesSource.NA_VALUES);
    assertEquals(text.input().path() + ": column 'v' has a non-numeric value 'abc' (series a, time 4)", assertThrows(
        IllegalArgumentException.class, () -> windows(text, WindowSpec.Missing.FORWARD_FILL)).getMessage());
    Path m4 = dir.resolve("marked.csv");
    Files.writeString(m4, "V1,V2,V3,V4,V5\nH1,1,NA,3,-\n");
    List<Row> marked = typed(source("m4", m4, true, ""), List.of("value"));
    assertEquals(3, marked.size(), "a trailing marker pads like an empty cell, an inner one is a missing value");
    assertTrue(marked.get(1).isNullAt(2));
  }

  @Test
  void parquetTimestampsAreReadAsTheirInstants() throws Exception {
    Path parquet = dir.resolve("series.parquet");
    DemoData.series(SparkTestSession.get(), 2, 5, 1, 1).write().parquet(parquet.toString());
    SeriesSource source = new SeriesSource(DataInput.files("parquet", parquet.toUri().toString(),
        true, false), "long", "series_id",
        "timestamp", "", SeriesSource.NA_VALUES, 0, 2, 0);
    SeriesSource.Table t = source.read(SparkTestSession.get());
    List<String> cols = List.of("value", "hour_sin", "hour_cos");
    SlidingWindows w = new SlidingWindows(t.series(), t.time(), new WindowSpec(cols, List.of("value"), 1, 1, 1,
        WindowSpec.Missing.ERROR, WindowSpec.Normalization.NONE, false));
    org.apache.spark.sql.Dataset<Row> typed = w.select(t.rows(), t.origin());
    assertTrue(w.typedDateTimes(typed));
    List<Row> rows = typed.orderBy("series_id", "timestamp").collectAsList();
    long hour = 3600 * Series.MICROS_PER_SECOND;
    assertEquals(hour, rows.get(1).getLong(1) - rows.get(0).getLong(1), "hourly, in epoch microseconds");
    assertEquals(0, (rows.get(0).getLong(1) - 1_704_067_200L * Series.MICROS_PER_SECOND) % hour,
        "whole hours after 2024-01-01 00:00 UTC");
  }

  @Test
  void aWideTableNumberedByRowOrderMustBeOneFile() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("parts"));
    Files.writeString(folder.resolve("a.csv"), "x\n1\n");
    Files.writeString(folder.resolve("b.csv"), "x\n2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> source("wide", folder, true, "").read(SparkTestSession.get()));
    assertTrue(e.getMessage().contains("holds 2 files; a wide table without data.time_column is numbered by row order"),
        e.getMessage());
  }

  @Test
  void layoutsAndPathsAreChecked() throws Exception {
    assertEquals("data.format must be one of [sequences, long, wide, m4], got 'tall'", assertThrows(
        IllegalArgumentException.class, () -> source("tall", dir, true, "t")).getMessage());
    assertEquals("data.source=demo generates long-format series; set data.format=long", assertThrows(
        IllegalArgumentException.class, () -> new SeriesSource(DataInput.files("demo", null, true, false),
            "wide", "id", "t", "x",
        SeriesSource.NA_VALUES, 1, 2, 0))
        .getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> source("long", dir.resolve("nope.csv"), true, "t").read(SparkTestSession.get()));
    assertTrue(missing.getMessage().endsWith("nope.csv does not exist (or matches no file)"), missing.getMessage());
    Path clash = dir.resolve("clash.csv");
    Files.writeString(clash, "series_id,v\n1,2\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> source("wide", clash, true, "")
        .read(SparkTestSession.get())).getMessage().contains("already has a column 'series_id'; a wide table holds one "
        + "series"));
  }
}
