package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.io.Json;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.train.TrainJob;

/**
 * {@code spark-gru evaluate --folds K [--fold-step N]} on the command line: bad combinations and
 * ranges exit 2 with one line before Spark starts and write nothing; without {@code --fold-step}
 * the folds lie {@code window.horizon} rows apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluateFoldsCommandLineTest {
  @TempDir
  static Path dir;
  private Path model;

  /** A model of lookback 8 and horizon 3 on two series of 40 hourly rows. */
  @BeforeAll
  void trainOnce() throws Exception {
    StringBuilder csv = new StringBuilder("id,t,v\n");
    for (String id : List.of("a", "b")) {
      for (int t = 0; t < 40; t++) {
        csv.append(id).append(',').append(t).append(',')
            .append(String.format(Locale.ROOT, "%.6f", Math.sin(t / 3.0) + (id.equals("a") ? 0 : 5))).append('\n');
      }
    }
    Path data = Files.writeString(dir.resolve("series.csv"), csv.toString());
    model = dir.resolve("m.sgru");
    TrainJob.run(SparkTestSession.get(), JobConfig.of("data.source=csv", "data.format=long",
        "data.path=" + data.toUri(), "data.series_column=id", "data.time_column=t", "data.feature_columns=v",
        "data.target_columns=v", "window.lookback=8", "window.horizon=3", "model.layer.0.units=3",
        "train.epochs=1", "train.partitions=2", "output.model=" + model.toUri(),
        "output.metrics=" + dir.resolve("m.jsonl").toUri()), new PrintWriter(new StringWriter()));
  }

  static Stream<Arguments> badFolds() {
    return Stream.of(
        Arguments.of("--folds must be in [1, 1000], got 0", List.of("--folds", "0")),
        Arguments.of("--folds must be in [1, 1000], got 1001", List.of("--folds", "1001")),
        Arguments.of("--fold-step must be in [1, 100000], got 0", List.of("--folds", "2", "--fold-step", "0")),
        Arguments.of("--fold-step is for --folds: give --folds K to score K rolling origins --fold-step rows apart",
            List.of("--fold-step", "3")),
        Arguments.of("--folds and --actuals are mutually exclusive: --actuals scores the one window after each "
            + "series against its actual values, --folds scores windows counted back from the end of each series "
            + "of the model's data; give one", List.of("--folds", "2", "--actuals", "DIR/series.csv")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badFolds")
  void badFoldOptionsExitTwoBeforeAnyWork(String message, List<String> options) throws Exception {
    Path out = dir.resolve("out");
    List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--report",
        out.resolve("r.json").toString(), "--plot", out.resolve("r.png").toString()));
    options.forEach(o -> args.add(o.replace("DIR", dir.toString())));
    String[] r = BadCommandLinesTest.run(args.toArray(new String[0]));
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + message + System.lineSeparator(), r[2]);
    assertEquals(false, Files.exists(out), "nothing written");
  }

  @Test
  void foldsWithoutAStepLieAHorizonApart() throws Exception {
    Path report = dir.resolve("folds.json");
    String[] r = BadCommandLinesTest.run("evaluate", "--model", model.toString(), "--folds", "2", "--report",
        report.toString());
    assertEquals("0", r[0], r[2]);
    Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(report));
    assertEquals(3L, ((Number) json.get("fold_step")).longValue(), "window.horizon");
    List<?> folds = (List<?>) json.get("folds");
    // 40 rows, horizon 3, 2 folds 3 rows apart: the cutoffs are rows 33 and 36, at times 33 and 36.
    assertEquals(List.of("33", "36"), folds.stream().map(f -> ((Map<?, ?>) f).get("cutoff")).toList());
    assertEquals(List.of(2L, 2L), folds.stream().map(f -> ((Number) ((Map<?, ?>) f).get("windows")).longValue())
        .toList());
  }
}
