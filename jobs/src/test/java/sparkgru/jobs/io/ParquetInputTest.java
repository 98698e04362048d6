package sparkgru.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.LongFormat;
import sparkgru.jobs.train.TrainJob;

/**
 * Bad Parquet input to the train job (sequences in long format, and one series table): missing
 * and mistyped columns, nulls, NaN and infinities, no rows, files that are not Parquet, and a
 * directory holding a cut-short part file. Each fails with the message naming the input, the
 * column and the row (or the file), and leaves none of the run's outputs behind.
 */
class ParquetInputTest {
  /** Writes the input under a run's directory and returns its data.path. */
  private interface Input {
    String write(Path dir) throws Exception;
  }

  /**
   * A Parquet directory of sequences s0..s5 with steps 0..2: columns seq (string), t, x0, x1, y
   * (doubles unless {@code types} changes them, by column index), and {@code change} applied to
   * each row's values before it is written.
   */
  private static Input sequences(DataType[] types, java.util.function.UnaryOperator<Object[]> change) {
    return dir -> {
      String[] names = {"seq", "t", "x0", "x1", "y"};
      DataType[] t = {DataTypes.StringType, DataTypes.IntegerType, DataTypes.DoubleType, DataTypes.DoubleType,
          DataTypes.DoubleType};
      StructType schema = new StructType();
      for (int c = 0; c < names.length; c++) {
        DataType type = types != null && c < types.length && types[c] != null ? types[c] : t[c];
        if (type != DataTypes.NullType) {
          schema = schema.add(names[c], type);
        }
      }
      List<Row> rows = new ArrayList<>();
      for (int s = 0; s < 6; s++) {
        for (int step = 0; step < 3; step++) {
          Object[] v = change.apply(new Object[] {"s" + s, step, 0.1 * s, 0.2 * step, 0.3 * s + step});
          List<Object> kept = new ArrayList<>();
          for (int c = 0; c < names.length; c++) {
            if (schema.getFieldIndex(names[c]).isDefined()) {
              kept.add(v[c]);
            }
          }
          rows.add(RowFactory.create(kept.toArray()));
        }
      }
      Path out = dir.resolve("in");
      SparkTestSession.get().createDataFrame(rows, schema).coalesce(1).write().parquet(out.toString());
      return out.toUri().toString();
    };
  }

  /** Sets value {@code column} of the row of sequence s3, step 1 to {@code value}. */
  private static java.util.function.UnaryOperator<Object[]> at(int column, Object value) {
    return v -> {
      if (v[0].equals("s3") && v[1].equals(1)) {
        v[column] = value;
      }
      return v;
    };
  }

  private static DataType[] column(int c, DataType type) {
    DataType[] t = new DataType[5];
    t[c] = type;
    return t;
  }

  /** Converts the value of column {@code c} of every row with {@code to}. */
  private static java.util.function.UnaryOperator<Object[]> every(int c,
      java.util.function.Function<Object, Object> to) {
    return v -> {
      v[c] = to.apply(v[c]);
      return v;
    };
  }

  static Stream<Arguments> badInputs() {
    String expected = "; expected numbers (any numeric type, booleans, or text holding numbers)";
    String values = ": column '%s' has a missing, non-numeric or infinite value or beyond float32 range (sequence s3, "
        + "step %s, value %s); ";
    return Stream.of(
        Arguments.of("missing column", sequences(column(3, DataTypes.NullType), v -> v),
            "<path> has no column 'x1'; its columns are [seq, t, x0, y]"),
        Arguments.of("text that is not a number", sequences(column(3, DataTypes.StringType), v -> {
          v[3] = v[0].equals("s3") && v[1].equals(1) ? "abc" : String.valueOf(v[3]);
          return v;
        }), "<path>" + String.format(values, "x1", "1", "'abc'") + "clean or impute the data"),
        Arguments.of("array column", sequences(column(3, DataTypes.createArrayType(DataTypes.DoubleType)),
            every(3, x -> List.of(x))), "<path>: column 'x1' has type array<double>" + expected),
        Arguments.of("date column", sequences(column(2, DataTypes.DateType), every(2, x -> java.sql.Date.valueOf(
            "2024-01-01"))), "<path>: column 'x0' has type date" + expected),
        Arguments.of("boolean steps", sequences(column(1, DataTypes.BooleanType), every(1, x -> x.equals(1))),
            "<path>: column 't' has type boolean; expected whole-number steps 0, 1, ..., T-1 (a numeric type, or "
            + "text holding them)"),
        Arguments.of("fractional step", sequences(column(1, DataTypes.DoubleType), v -> {
          v[1] = ((Integer) v[1]) + (v[0].equals("s3") && v[1].equals(1) ? 0.5 : 0.0);
          return v;
        }), "<path>: column 't' has a step that is not a whole number (sequence s3, value '1.5'); steps must run 0, "
            + "1, ..., T-1"),
        Arguments.of("null value", sequences(null, at(2, null)),
            "<path>" + String.format(values, "x0", "1", "null") + "clean or impute the data"),
        Arguments.of("NaN target", sequences(null, at(4, Double.NaN)),
            "<path>" + String.format(values, "y", "1", "'NaN'") + "clean or impute the data"),
        Arguments.of("infinite value", sequences(null, at(3, Double.POSITIVE_INFINITY)),
            "<path>" + String.format(values, "x1", "1", "'Infinity'") + "clean or impute the data"),
        Arguments.of("null step", sequences(null, at(1, null)),
            "<path>" + String.format(values, "t", "null", "null")
                + "every row needs a sequence id and an integer step"),
        Arguments.of("no rows", (Input) dir -> {
          Path out = dir.resolve("in");
          SparkTestSession.get().createDataFrame(List.of(), new StructType().add("seq", DataTypes.StringType)
              .add("t", DataTypes.IntegerType).add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
              .add("y", DataTypes.DoubleType)).write().parquet(out.toString());
          return out.toUri().toString();
        }, "the training data is empty: no partition holds a sample"),
        Arguments.of("a CSV file", (Input) dir -> {
          Path csv = dir.resolve("data.csv");
          Files.writeString(csv, "seq,t,x0,x1,y\ns0,0,1,2,3\n");
          return csv.toUri().toString();
        }, "data.path <path>: <dir>/data.csv is not a Parquet file: it does not begin and end with Parquet's magic "
            + "bytes PAR1 (another format, e.g. CSV: set data.source=csv; or a file cut short)"),
        Arguments.of("a part file cut short", (Input) dir -> {
          String path = sequences(null, v -> v).write(dir);
          Path in = Path.of(java.net.URI.create(path));
          Path part;
          try (Stream<Path> files = Files.list(in)) {
            part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
          }
          byte[] bytes = Files.readAllBytes(part);
          Files.write(in.resolve("part-99999-cut.parquet"), Arrays.copyOf(bytes, bytes.length / 2));
          return path;
        }, "data.path <path>: <dir>/in/part-99999-cut.parquet is not a Parquet file: it does not begin and end with "
            + "Parquet's magic bytes PAR1 (another format, e.g. CSV: set data.source=csv; or a file cut short)"),
        Arguments.of("a directory without data files", (Input) dir -> {
          Path in = Files.createDirectories(dir.resolve("in"));
          Files.writeString(in.resolve("_SUCCESS"), "");
          return in.toUri().toString();
        }, "data.path <path> cannot be read as Parquet: [UNABLE_TO_INFER_SCHEMA] Unable to infer schema for Parquet. "
            + "It must be specified manually."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badParquetSequencesFailNamingTheProblemAndWriteNothing(String name, Input input, String message,
      @TempDir Path dir) throws Exception {
    String path = input.write(dir);
    Map<String, String> before = NoPartialOutput.snapshot(dir);
    JobConfig config = JobConfig.of("data.source=parquet", "data.path=" + path, "data.id_column=seq",
        "data.step_column=t", "data.feature_columns=x0,x1", "data.target_columns=y", "model.layer.0.units=4",
        "train.epochs=1", "train.partitions=2", "output.model=" + dir.resolve("out/model.sgru").toUri(),
        "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri(), "checkpoint.path="
            + dir.resolve("checkpoints").toUri());
    assertEquals(message.replace("<path>", path).replace("<dir>", "file:" + dir), failure(config));
    NoPartialOutput.assertUnchanged(dir, before, name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSeries")
  void badParquetSeriesFailNamingTheColumnAndWriteNothing(String name, StructType schema, Row row, String message,
      @TempDir Path dir) throws Exception {
    Path in = dir.resolve("series");
    SparkTestSession.get().createDataFrame(List.of(row), schema).write().parquet(in.toString());
    Map<String, String> before = NoPartialOutput.snapshot(dir);
    JobConfig config = JobConfig.of("data.source=parquet", "data.format=long", "data.path=" + in.toUri(),
        "data.series_column=id", "data.time_column=ts", "data.feature_columns=v", "data.target_columns=v",
        "window.lookback=2", "window.horizon=1", "train.epochs=1", "output.model=" + dir.resolve("out/model.sgru")
            .toUri(), "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri(), "output.report="
            + dir.resolve("out/report.png").toUri());
    assertEquals(message.replace("<path>", in.toUri().toString()), failure(config));
    NoPartialOutput.assertUnchanged(dir, before, name);
  }

  static Stream<Arguments> badSeries() {
    StructType base = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.LongType);
    return Stream.of(
        Arguments.of("missing value column", base.add("w", DataTypes.DoubleType), RowFactory.create("a", 0L, 1.0),
            "<path> has no column 'v'; its columns are [id, ts, w]"),
        Arguments.of("struct value column", base.add("v", new StructType().add("x", DataTypes.DoubleType)),
            RowFactory.create("a", 0L, RowFactory.create(1.0)), "<path>: column 'v' has type struct<x:double>; "
            + "expected numbers (any numeric type, booleans, or text holding numbers)"));
  }

  /**
   * Files Spark skips are skipped by the check too, under a directory and among a glob's matches
   * alike: a Spark-written directory read as {@code dir/*} (its {@code _SUCCESS} and {@code .crc}
   * files matched by the glob), with a {@code _committed_} marker, a {@code .crc} file, an empty
   * part file and a half-copied {@code ._COPYING_} file beside the data, reads every row.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"in/*", "in", "in/part-*"})
  void filesSparkSkipsAreNotChecked(String input, @TempDir Path dir) throws Exception {
    Path in = Path.of(java.net.URI.create(sequences(null, v -> v).write(dir)));
    Files.writeString(in.resolve("_committed_1234"), "{\"added\":[]}");
    Files.createFile(in.resolve("part-00009-empty.parquet"));
    Files.writeString(in.resolve("part-00008.parquet._COPYING_"), "not yet");
    Files.writeString(in.resolve(".part-00007.parquet.crc"), "crc");
    assertTrue(Files.exists(in.resolve("_SUCCESS")), "Spark's marker");
    assertEquals(18, ParquetInput.read(SparkTestSession.get(), dir.resolve(input).toUri().toString().replace("%2A",
        "*"), "data.path").count());
  }

  @org.junit.jupiter.api.Test
  void sparksNameRuleIsMirrored() {
    for (String name : List.of("_SUCCESS", "_committed_1", "_temporary", ".part-0.parquet.crc", ".hidden",
        "part-0.parquet._COPYING_")) {
      assertEquals(true, ParquetInput.skipped(name), name);
    }
    for (String name : List.of("part-0.parquet", "_metadata", "_common_metadata", "_year=2024", "a_b.parquet")) {
      assertEquals(false, ParquetInput.skipped(name), name);
    }
  }

  /**
   * Boolean feature and target columns (e.g. {@code is_holiday}) are read as 1 and 0, and a
   * fractional step column holding whole numbers (pandas writes float64 when a column had nulls)
   * as those steps, for double, float and decimal columns alike.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("fractionalStepTypes")
  void booleanValuesAndWholeFractionalStepsAreRead(DataType stepType, java.util.function.Function<Integer, Object>
      step, @TempDir Path dir) throws Exception {
    String path = sequences(new DataType[] {null, stepType, DataTypes.BooleanType, null, DataTypes.BooleanType},
        v -> {
          boolean odd = ((Integer) v[1]) % 2 == 1;
          v[1] = step.apply((Integer) v[1]);
          v[2] = odd;
          v[4] = !odd;
          return v;
        }).write(dir);
    LongFormat format = new LongFormat("seq", "t", List.of("x0", "x1"), List.of("y"));
    List<Row> typed = format.select(ParquetInput.read(SparkTestSession.get(), path, "data.path"), "in")
        .orderBy("seq", "t").collectAsList();
    assertEquals(18, typed.size());
    for (int i = 0; i < typed.size(); i++) {
      Row r = typed.get(i);
      assertEquals("s" + i / 3, r.getString(0));
      assertEquals(i % 3, r.getInt(1));
      assertEquals(i % 3 == 1 ? 1.0 : 0.0, r.getDouble(2), "x0 of " + r);
      assertEquals(i % 3 == 1 ? 0.0 : 1.0, r.getDouble(4), "y of " + r);
    }
  }

  static Stream<Arguments> fractionalStepTypes() {
    java.util.function.Function<Integer, Object> asDouble = t -> (double) t;
    java.util.function.Function<Integer, Object> asFloat = t -> (float) t;
    java.util.function.Function<Integer, Object> asDecimal = t -> new java.math.BigDecimal(t + ".00");
    return Stream.of(Arguments.of(DataTypes.DoubleType, asDouble), Arguments.of(DataTypes.FloatType, asFloat),
        Arguments.of(DataTypes.createDecimalType(10, 2), asDecimal));
  }

  /** The message of the data error a run fails with. */
  private static String failure(JobConfig config) {
    Exception e = assertThrows(Exception.class, () -> TrainJob.run(SparkTestSession.get(), config,
        new PrintWriter(new StringWriter())));
    return DataErrors.message(e).orElseThrow(() -> new AssertionError("not a data error", e));
  }
}
