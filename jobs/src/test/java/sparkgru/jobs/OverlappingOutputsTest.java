package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.config.JobConfig;
import sparkgru.jobs.data.Scaler;

/**
 * Outputs that would overwrite another output or what the run reads: two outputs of one run on
 * the same path (however spelled) or one inside the other, an output inside the training data's
 * directory or a glob's, and a forecast, prediction or evaluation written over its input. Each
 * exits 2 before Spark starts with one line naming both keys or options and the path, and the
 * run's directory (its data, an existing model and earlier outputs) stays byte for byte as it was.
 */
class OverlappingOutputsTest {
  /** A series run of {@code data/h.csv} in the run's directory, writing under {@code out/}. */
  static List<String> train(Path dir, String... sets) {
    List<String> keys = new ArrayList<>(List.of("data.source=csv", "data.format=long", "data.feature_columns=v",
        "data.target_columns=v", "data.path=" + dir.resolve("data/h.csv").toUri(),
        "output.model=" + dir.resolve("out/model.sgru").toUri(),
        "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri(),
        "checkpoint.path=" + dir.resolve("checkpoints").toUri()));
    keys.addAll(List.of(sets));
    List<String> args = new ArrayList<>(List.of("train"));
    for (String k : keys) {
      args.add("--set");
      args.add(k);
    }
    return args;
  }

  /** {@code path} of the run's directory as the Hadoop FileSystem qualifies it (no trailing slash). */
  private static String q(Path dir, String path) {
    return "file:" + dir.resolve(path).toAbsolutePath();
  }

  /** {@code path} of the run's directory with its symbolic links resolved. */
  private static String real(Path dir, String path) {
    try {
      return "file:" + dir.toRealPath().resolve(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Arguments of(String name, Function<Path, List<String>> command, Function<Path, String> message) {
    return Arguments.of(name, command, message);
  }

  static Stream<Arguments> overlaps() {
    String own = "; give each output a path of its own";
    String outside = "; write outputs outside what the run reads";
    return Stream.of(
        of("train: output.report on output.model, spelled differently",
            d -> train(d, "output.report=" + d + "/out/./model.sgru"),
            d -> "output.model and output.report are the same path, " + q(d, "out/model.sgru") + own),
        of("train: output.metrics on output.model",
            d -> train(d, "output.metrics=" + d.resolve("out/model.sgru")),
            d -> "output.model and output.metrics are the same path, " + q(d, "out/model.sgru") + own),
        of("train: output.metrics inside checkpoint.path",
            d -> train(d, "output.metrics=" + d.resolve("checkpoints/metrics.jsonl").toUri()),
            d -> "output.metrics " + q(d, "checkpoints/metrics.jsonl") + " lies inside checkpoint.path "
                + q(d, "checkpoints") + own),
        of("train: output.model inside data.path's directory",
            d -> train(d, "data.path=" + d.resolve("data").toUri(), "output.model=" + d.resolve("data/model.sgru")),
            d -> "output.model " + q(d, "data/model.sgru") + " lies inside data.path " + q(d, "data") + outside),
        of("train: output.metrics in the directory of data.path's glob",
            d -> train(d, "data.path=" + d + "/data/*.csv", "output.metrics=" + d.resolve("data/metrics.jsonl")),
            d -> "output.metrics " + q(d, "data/metrics.jsonl") + " lies inside data.path's directory "
                + q(d, "data") + outside),
        of("forecast --input D --output D --overwrite",
            d -> List.of("forecast", "--model", d.resolve("out/model.sgru").toString(), "--input",
                d.resolve("data/h.csv").toString(), "--output", d.resolve("data/h.csv").toUri().toString(),
                "--overwrite"),
            d -> "--output and --input are the same path, " + q(d, "data/h.csv") + outside),
        of("forecast --output inside --input's directory",
            d -> List.of("forecast", "--model", d.resolve("out/model.sgru").toString(), "--input",
                d.resolve("data").toString(), "--output", d.resolve("data/f.csv").toString()),
            d -> "--output " + q(d, "data/f.csv") + " lies inside --input " + q(d, "data") + outside),
        of("forecast --output inside the model's data.path, without --input",
            d -> List.of("forecast", "--model", d.resolve("out/model.sgru").toString(), "--output",
                d.resolve("data/f.csv").toString()),
            d -> "--output " + q(d, "data/f.csv") + " lies inside data.path " + q(d, "data") + outside),
        of("forecast --output on --model",
            d -> List.of("forecast", "--model", d.resolve("out/model.sgru").toString(), "--output",
                d.resolve("out/model.sgru").toString(), "--overwrite"),
            d -> "--output and --model are the same path, " + q(d, "out/model.sgru") + outside),
        of("predict --input D --output D --overwrite",
            d -> List.of("predict", "--model", d.resolve("out/model.sgru").toString(), "--input",
                d.resolve("data/h.csv").toString(), "--output", d.resolve("data/h.csv").toString(), "--overwrite"),
            d -> "--output and --input are the same path, " + q(d, "data/h.csv") + outside),
        of("evaluate --report on --actuals",
            d -> List.of("evaluate", "--model", d.resolve("out/model.sgru").toString(), "--actuals",
                d.resolve("data/h.csv").toString(), "--report", d.resolve("data/h.csv").toString()),
            d -> "--report and --actuals are the same path, " + q(d, "data/h.csv") + outside),
        of("evaluate --plot on --report",
            d -> List.of("evaluate", "--model", d.resolve("out/model.sgru").toString(), "--report",
                d.resolve("out/e.json").toString(), "--plot", d.resolve("out/e.json").toString()),
            d -> "--report and --plot are the same path, " + q(d, "out/e.json") + own),
        of("forecast --output on --input through a symbolic link (latest.csv -> data/h.csv)",
            d -> List.of("forecast", "--model", d.resolve("out/model.sgru").toString(), "--input",
                d.resolve("latest.csv").toString(), "--output", d.resolve("data/h.csv").toString(), "--overwrite"),
            d -> "--output and --input are the same file, " + q(d, "data/h.csv") + " and " + q(d, "latest.csv")
                + " (through symbolic links: " + real(d, "data/h.csv") + ")" + outside),
        of("train: output.model on data.path through a symbolic link",
            d -> train(d, "data.path=" + d.resolve("latest.csv"), "output.model=" + d.resolve("data/h.csv")),
            d -> "output.model and data.path are the same file, " + q(d, "data/h.csv") + " and " + q(d, "latest.csv")
                + " (through symbolic links: " + real(d, "data/h.csv") + ")" + outside),
        of("train: output.model inside data.path, a symbolic link to its directory (datalink -> data)",
            d -> train(d, "data.path=" + d.resolve("datalink"), "output.model=" + d.resolve("data/model.sgru")),
            d -> "output.model " + q(d, "data/model.sgru") + " lies inside data.path " + q(d, "datalink")
                + " (through symbolic links: " + real(d, "data/model.sgru") + " and " + real(d, "data") + ")"
                + outside),
        of("evaluate --plot inside --input's directory",
            d -> List.of("evaluate", "--model", d.resolve("out/model.sgru").toString(), "--input",
                d.resolve("data").toString(), "--plot", d.resolve("data/e.png").toString()),
            d -> "--plot " + q(d, "data/e.png") + " lies inside --input " + q(d, "data") + outside));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlaps")
  void outputsOnAnotherOutputOrAnInputExitTwoAndLoseNothing(String name, Function<Path, List<String>> command,
      Function<Path, String> message, @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("out"));
    Files.createDirectories(dir.resolve("checkpoints"));
    StringBuilder history = new StringBuilder("id,t,v\n");
    for (int t = 0; t < 200; t++) {
      history.append("a,").append(t).append(',').append(Math.sin(t / 5.0)).append('\n');
    }
    Files.writeString(dir.resolve("data/h.csv"), history.toString());
    Files.createSymbolicLink(dir.resolve("latest.csv"), dir.resolve("data/h.csv"));
    Files.createSymbolicLink(dir.resolve("datalink"), dir.resolve("data"));
    ModelSpec spec = new ModelSpec(-1, 1, List.of(LayerSpec.of("gru", "units", "3"), LayerSpec.of("dense", "units",
        "1")));
    JobConfig trained = JobConfig.of("data.source=csv", "data.format=long", "data.feature_columns=v",
        "data.target_columns=v", "data.path=" + dir.resolve("data").toUri(), "window.lookback=4", "window.horizon=1");
    Provenance provenance = Provenance.fromJson(Map.of("config", trained.effectiveValues(), "scaling",
        Scaler.unfitted("none", "global", List.of("v")).toJson()));
    Files.write(dir.resolve("out/model.sgru"), ModelFile.write(spec, spec.build(1), provenance));
    Files.writeString(dir.resolve("out/metrics.jsonl"), "{\"epoch\":1,\"loss\":0.5}\n");
    Map<String, String> before = NoPartialOutput.snapshot(dir);
    String[] r = BadCommandLinesTest.run(command.apply(dir).toArray(new String[0]));
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + message.apply(dir) + System.lineSeparator(), r[2]);
    NoPartialOutput.assertUnchanged(dir, before, name);
  }
}
