package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;

/**
 * The output options of {@code forecast} and {@code predict} and the inputs of
 * {@code data.source=table} and {@code format} on the command line: exactly one of
 * {@code --output} and {@code --output-table}, each with its own options, and a missing table or
 * an unknown data source named; each exits 2 with one line and writes nothing.
 */
class OutputTableCommandLinesTest {
  @TempDir
  Path dir;

  static Stream<Arguments> badOutputs() {
    return Stream.of(
        Arguments.of("--output and --output-table are mutually exclusive: give one (a path, or a table of the "
            + "session catalog)", List.of("--output", "OUT/f.csv", "--output-table", "forecasts")),
        Arguments.of("give where to write: --output PATH (a .csv file or a Parquet directory) or --output-table "
            + "NAME (a table of the session catalog)", List.of()),
        Arguments.of("--output-mode is for --output-table; with --output, pass --overwrite to replace an existing "
            + "output", List.of("--output", "OUT/f", "--output-mode", "append")),
        Arguments.of("--overwrite is for --output; with --output-table, pass --output-mode overwrite",
            List.of("--output-table", "forecasts", "--overwrite")),
        Arguments.of("--output-mode must be one of [error, append, overwrite], got 'replace'",
            List.of("--output-table", "forecasts", "--output-mode", "replace")),
        Arguments.of("--partition-by needs a directory output, but --output OUT/f.csv ends in .csv and is written as "
            + "one file; give a directory path (written as Parquet) or --output-table",
            List.of("--output", "OUT/f.csv", "--partition-by", "id")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badOutputs")
  void badOutputOptionsExitTwoBeforeAnyWork(String message, List<String> options) throws Exception {
    ModelSpec spec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "3"), LayerSpec.of("dense", "units",
        "1")));
    Path model = Files.write(dir.resolve("m.sgru"), ModelFile.write(spec, spec.build(3), Provenance.NONE));
    Files.writeString(dir.resolve("in.csv"), "sequence_id,step,x0,x1\na,0,1.0,2.0\n");
    String out = dir.resolve("out").toString();
    List<String> outputs = options.stream().map(o -> o.replace("OUT", out)).toList();
    for (String command : List.of("forecast", "predict")) {
      List<String> args = new ArrayList<>(List.of(command, "--model", model.toString()));
      if (command.equals("predict")) {
        args.addAll(List.of("--input", dir.resolve("in.csv").toString()));
      }
      args.addAll(outputs);
      String[] r = BadCommandLinesTest.run(args.toArray(new String[0]));
      assertEquals("2", r[0], r[2]);
      assertEquals("spark-gru: error: " + message.replace("OUT", out) + System.lineSeparator(), r[2]);
      NoPartialOutput.assertOnly(dir, List.of("m.sgru", "in.csv"), String.join(" ", args));
    }
  }

  @Test
  void aMissingTableAndAnUnknownDataSourceExitTwoNamingThem() throws Exception {
    List<String> train = List.of("train", "--set", "data.format=long", "--set", "data.series_column=id", "--set",
        "data.time_column=t", "--set", "data.feature_columns=v", "--set", "data.target_columns=v", "--set",
        "output.model=" + dir.resolve("out/model.sgru").toUri(), "--set", "output.metrics="
            + dir.resolve("out/metrics.jsonl").toUri());
    List<String> table = new ArrayList<>(train);
    table.addAll(List.of("--set", "data.source=table", "--set", "data.table=nowhere.series"));
    String[] r = runWithTemporaryWarehouse(table);
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: data.table nowhere.series does not exist: the session catalog (current catalog "
        + "spark_catalog, database default) has no table or view of that name; name it as Spark does (tbl, db.tbl or "
        + "catalog.db.tbl)" + System.lineSeparator(), r[2]);
    List<String> format = new ArrayList<>(train);
    format.addAll(List.of("--set", "data.source=format", "--set", "data.format_name=deltalake", "--set",
        "data.path=" + dir.resolve("series").toUri()));
    r = runWithTemporaryWarehouse(format);
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: data.format_name deltalake is no data source on the class path: no jar on it "
        + "registers that name (a DataSourceRegister) or holds a class of that name; the jar that provides it must "
        + "be on the class path, e.g. with spark-submit --packages io.delta:delta-spark_2.13:4.0.0 for delta on "
        + "Spark 4.0" + System.lineSeparator(), r[2]);
    NoPartialOutput.assertOnly(dir, List.of(), "a missing table and an unknown data source");
  }

  /** Runs the command line with the warehouse of a session it starts in the test's directory, not in the module. */
  private String[] runWithTemporaryWarehouse(List<String> args) {
    System.setProperty("spark.sql.warehouse.dir", dir.resolve("warehouse").toUri().toString());
    try {
      return BadCommandLinesTest.run(args.toArray(new String[0]));
    } finally {
      System.clearProperty("spark.sql.warehouse.dir");
    }
  }
}
