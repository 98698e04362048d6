package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparkgru.engine.model.LayerSpec;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;

/**
 * Bad configuration on the command line of {@code spark-gru train}: each exits 2 with one line,
 * {@code spark-gru: error: <message>}, before Spark starts, and leaves none of the run's outputs
 * (model, metrics, checkpoints, report) behind. Each case names its outputs in a fresh directory
 * that holds only the run's input, and the directory must hold only that input afterwards.
 */
class BadCommandLinesTest {
  /** The keys of a series run reading {@code data.csv} of the run's directory. */
  private static final String[] SERIES = {"data.source=csv", "data.format=long", "data.feature_columns=v,c",
      "data.target_columns=v"};

  private static Arguments sequences(String message, String... sets) {
    return Arguments.of(message, false, List.of(sets));
  }

  private static Arguments series(String message, String... sets) {
    return Arguments.of(message, true, List.of(sets));
  }

  static Stream<Arguments> badKeys() {
    return Stream.of(
        sequences("unknown key 'train.epoks'; did you mean 'train.epochs'?; see conf/demo.conf for every key",
            "train.epoks=3"),
        sequences("train.batch_size must be in [1, 16777216], got 0", "train.batch_size=0"),
        sequences("data.path must be set when data.source=csv", "data.source=csv", "data.path="),
        sequences("model.layer.5.units configures layer 5 but model.layers lists 2 layers [gru, dense]",
            "model.layer.5.units=3"),
        sequences("data.validation_fraction must be in [0.0, 0.9], got 0.95", "data.validation_fraction=0.95"),
        sequences("monitoring val_loss needs validation data: set data.validation_fraction > 0",
            "early_stopping.monitor=val_loss", "data.validation_fraction=0"),
        sequences("model.layer.0: stateful GRUs cannot train data-parallel (their state would cross partitions and "
            + "rounds); set stateful=false", "model.layer.0.stateful=true"),
        sequences("override 'epochs' must be key=value, e.g. train.epochs=5", "epochs"),
        sequences("train.averaging_frequency must be in [1, 1000000], got 0", "train.averaging_frequency=0"),
        sequences("adam has no argument 'learning_rat'; did you mean 'learning_rate'?; it takes [beta_1, beta_2, "
            + "clipnorm, clipvalue, epsilon, global_clipnorm, learning_rate, schedule, weight_decay]",
            "optimizer.learning_rat=0.1"),
        sequences("loss must be one of [mse, mae, huber, binary_crossentropy], got 'cross_entropy'",
            "train.loss=cross_entropy"),
        sequences("early_stopping.monitor must be a loss or metric key of the epoch logs [loss, mae, rmse, val_loss, "
            + "val_mae, val_rmse], got 'val_binary_accuracy'", "early_stopping.monitor=val_binary_accuracy"),
        sequences("reduce_lr.monitor must be a loss or metric key of the epoch logs [loss], got 'mae'",
            "train.metrics=", "data.validation_fraction=0", "reduce_lr.monitor=mae"),
        series("split.mode must be one of [fractions, rows, last_rows, times], got 'random'", "split.mode=random"),
        series("split.train must be a time with split.mode=times: a whole number or a date-time like 2017-06-26 "
            + "00:00:00, got '0.7'", "split.mode=times"),
        series("split times must be in order, split.train <= split.validation <= split.test, got 1498435200, "
            + "1498435100, 9223372036854775807", "split.mode=times", "split.train=2017-06-26",
            "split.validation=1498435100", "split.test="),
        series("split fractions must be split.train > 0, split.validation >= 0, split.test >= 0 with a sum <= 1, "
            + "got 0.8, 0.2, 0.2", "split.train=0.8", "split.validation=0.2"),
        series("split row counts must be whole numbers >= 0 and split.train >= 1, got 100.5, 10.0, 10.0",
            "split.mode=rows", "split.train=100.5", "split.validation=10", "split.test=10"),
        series("scaling.scope must be one of [global, per_column, per_series], got 'per_row'",
            "scaling.scope=per_row"),
        series("forecast.mode must be one of [direct, recursive], got 'iterated'", "forecast.mode=iterated"),
        series("window.lookback must be in [1, 100000], got 0", "window.lookback=0"),
        series("evaluate.steps must list steps in [1, 24] (window.horizon), got '25'", "evaluate.steps=25"),
        series("data.format must be one of [sequences, long, wide, m4], got 'tall'", "data.format=tall"),
        series("monitoring val_loss needs validation data: set split.validation > 0", "split.validation=0",
            "early_stopping.monitor=val_loss"),
        series("window.normalization=last subtracts each target's last or mean input value, so every target must "
            + "also be an input; targets [v, d] are not all in the inputs [v, c]", "data.target_columns=v,d",
            "window.normalization=last"),
        series("forecast.mode=recursive feeds each forecast back as the next input, so the inputs and targets must "
            + "be the same columns, got inputs [v, c] and targets [v]; use forecast.mode=direct with covariates",
            "forecast.mode=recursive"),
        series("columns are listed twice in [v, v]", "data.feature_columns=v,v"),
        series("window.horizon must be in [1, 100000], got 0", "window.horizon=0"),
        series("window.normalization must be one of [none, last, mean, standard], got 'median'",
            "window.normalization=median"),
        series("data.missing must be one of [error, forward_fill, drop], got 'zero'", "data.missing=zero"),
        series("scaling.method must be one of [none, standard, min_max, max_abs], got 'robust'",
            "scaling.method=robust"),
        series("train.quantiles must each lie strictly between 0 and 1, got 1.5", "train.quantiles=0.5,1.5"),
        series("train.quantiles must be increasing with no repeats, got [0.5, 0.1]", "train.quantiles=0.5,0.1"),
        series("train.quantiles must be numbers such as 0.1,0.5,0.9, got 'median'", "train.quantiles=median"),
        series("data.frequency must be auto or a pandas frequency such as 15min, h, D, B, W-SUN, MS, ME, QS, QE, "
            + "YS, YE (optionally with a multiple, e.g. 2h, 3MS), or a whole number (the step) for numeric times; "
            + "got 'monthly'", "data.frequency=monthly"),
        series("features.calendar takes hour_of_day, day_of_week, day_of_month, day_of_year, week_of_year, "
            + "month_of_year, quarter; got 'season'", "features.calendar=season"),
        series("data.future_columns lists the target 'v': a target is what is forecast, not known in advance; "
            + "remove it from data.future_columns or data.target_columns", "data.future_columns=v"),
        series("data.static_columns lists 'c', which is also a feature, target or future column; a static column "
            + "holds one value per series and is given to the model on its own", "data.static_columns=c"),
        series("forecast.mode=recursive feeds each forecast back as the next input and knows nothing else about the "
            + "future; data.future_columns, data.static_columns and features.calendar need forecast.mode=direct",
            "data.feature_columns=v", "forecast.mode=recursive", "features.calendar=month_of_year"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badKeys")
  void badKeysExitTwoWithTheirMessageAndWriteNothing(String message, boolean series, List<String> sets,
      @TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("data.csv"), "id,t,v,c\na,0,1.0,2.0\n");
    List<String> args = new ArrayList<>(List.of("train"));
    List<String> keys = new ArrayList<>(List.of("data.path=" + dir.resolve("data.csv").toUri(),
        "output.model=" + dir.resolve("out/model.sgru").toUri(), "output.metrics=" + dir.resolve("out/metrics.jsonl")
            .toUri(), "checkpoint.path=" + dir.resolve("checkpoints").toUri()));
    if (series) {
      keys.addAll(List.of(SERIES));
      keys.add("output.report=" + dir.resolve("out/report.png").toUri());
    }
    keys.addAll(sets);
    for (String k : keys) {
      args.add("--set");
      args.add(k);
    }
    String[] r = run(args.toArray(new String[0]));
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + message + System.lineSeparator(), r[2]);
    NoPartialOutput.assertOnly(dir, List.of("data.csv"), String.join(" ", sets));
  }

  static Stream<Arguments> badSparkSettings() {
    String forms = " must be a Spark master URL: local, local[N], local[*], local[N,F] (N threads >= 1, F task "
        + "failures), local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn or k8s://URL; got ";
    return Stream.of(
        Arguments.of("spark.master" + forms + "'bogus'", List.of("train", "--set", "spark.master=bogus"), Map.of()),
        Arguments.of("spark.master" + forms + "'local[0]'", List.of("train", "--set", "spark.master=local[0]"),
            Map.of()),
        Arguments.of("spark.master" + forms + "'spark://node1'", List.of("train", "--set", "spark.master=spark://node1"),
            Map.of()),
        Arguments.of("--master" + forms + "'yarn-client'", List.of("predict", "--master", "yarn-client"), Map.of()),
        Arguments.of("train.partitions must be in [0, 1000000], got -1", List.of("train", "--set",
            "train.partitions=-1"), Map.of()),
        Arguments.of("train.aggregation_depth must be in [1, 8], got 9", List.of("train", "--set",
            "train.aggregation_depth=9"), Map.of()),
        Arguments.of("spark.driver.maxResultSize must be a size in bytes with an optional unit b, k, m, g, t or p (e.g. "
            + "512m or 2g), got '1x'", List.of("train"), Map.of("spark.driver.maxResultSize", "1x")),
        Arguments.of("spark.task.maxDirectResultSize must be a size in bytes with an optional unit b, k, m, g, t or p "
            + "(e.g. 512m or 2g), got '64 megabytes'", List.of("predict"),
            Map.of("spark.task.maxDirectResultSize", "64 megabytes")),
        Arguments.of("spark.executorEnv.OPENBLAS_NUM_THREADS is '8', but spark-gru runs one model per task and one "
            + "BLAS thread each (more threads per task oversubscribe the executor's cores and slow training down); "
            + "remove the setting (spark-gru sets it to 1), or, where a cluster-wide default sets it, override it for "
            + "the job with --conf spark.executorEnv.OPENBLAS_NUM_THREADS=1", List.of("train"),
            Map.of("spark.executorEnv.OPENBLAS_NUM_THREADS", "8")));
  }

  /**
   * Spark settings the jobs read or rely on: the master URL (config key or {@code --master}),
   * partitions and the averaging tree's depth, and settings given to Spark (as spark-submit's
   * {@code --conf} does, through system properties): each exits 2 before Spark starts, leaving
   * nothing behind.
   */
  @ParameterizedTest(name = "{1} {2}")
  @MethodSource("badSparkSettings")
  void badSparkSettingsExitTwoBeforeSparkStartsAndWriteNothing(String message, List<String> command,
      Map<String, String> sparkConf, @TempDir Path dir) throws Exception {
    Path model = dir.resolve("m.sgru");
    ModelSpec spec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "3"), LayerSpec.of("dense", "units",
        "1")));
    Files.write(model, ModelFile.write(spec, spec.build(3), Provenance.NONE));
    Files.writeString(dir.resolve("in.csv"), "sequence_id,step,x0,x1\na,0,1.0,2.0\n");
    List<String> args = new ArrayList<>(command);
    if (command.get(0).equals("train")) {
      args.addAll(List.of("--set", "output.model=" + dir.resolve("out/model.sgru").toUri(), "--set",
          "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri(), "--set", "checkpoint.path="
              + dir.resolve("checkpoints").toUri(), "--set", "demo.sequences=8", "--set", "train.epochs=1"));
    } else {
      args.addAll(List.of("--model", model.toString(), "--input", dir.resolve("in.csv").toString(), "--output",
          dir.resolve("out/p.csv").toString()));
    }
    sparkConf.forEach(System::setProperty);
    String[] r;
    try {
      r = run(args.toArray(new String[0]));
    } finally {
      sparkConf.keySet().forEach(System::clearProperty);
    }
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + message + System.lineSeparator(), r[2]);
    NoPartialOutput.assertOnly(dir, List.of("m.sgru", "in.csv"), String.join(" ", command));
  }

  /**
   * Models a command cannot use: one trained on sequences given to {@code forecast}, and a
   * stateful one given to {@code export}; each exits 2 and writes nothing.
   */
  @org.junit.jupiter.api.Test
  void modelsACommandCannotUseExitTwoAndWriteNothing(@TempDir Path dir) throws Exception {
    ModelSpec spec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "3"), LayerSpec.of("dense", "units",
        "1")));
    Path sequences = dir.resolve("sequences.sgru");
    Files.write(sequences, ModelFile.write(spec, spec.build(3), Provenance.fromJson(Map.of("config",
        sparkgru.jobs.config.JobConfig.of().effectiveValues()))));
    String[] r = run("forecast", "--model", sequences.toString(), "--output", dir.resolve("out/f.csv").toString());
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + sequences + ": it was trained on sequences (data.format=sequences), not on "
        + "time series; forecasting needs a model trained with data.format=long, wide or m4" + System.lineSeparator(),
        r[2]);
    NoPartialOutput.assertOnly(dir, List.of("sequences.sgru"), "forecast with a sequence model");
    ModelSpec statefulSpec = new ModelSpec(-1, 2, List.of(LayerSpec.of("gru", "units", "3", "stateful", "true")));
    Path stateful = dir.resolve("stateful.sgru");
    Files.write(stateful, ModelFile.write(statefulSpec, statefulSpec.build(3), Provenance.NONE));
    r = run("export", "--model", stateful.toString(), "--output", dir.resolve("out/m.keras").toString());
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: a stateful GRU cannot be exported: Keras needs a fixed batch size for it, which "
        + "a spark-gru model does not have" + System.lineSeparator(), r[2]);
    NoPartialOutput.assertOnly(dir, List.of("sequences.sgru", "stateful.sgru"), "export of a stateful model");
  }

  /** With a configuration file, a bad value is blamed on where it came from: the file or a --set. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("blamedSources")
  void aBadValueNamesTheSourceItCameFrom(String fileEpochs, String setEpochs, String blamed, @TempDir Path dir)
      throws Exception {
    Path conf = Files.writeString(dir.resolve("x.conf"), "output.model = " + dir.resolve("out/model.sgru").toUri()
        + "\noutput.metrics = "
        + dir.resolve("out/metrics.jsonl").toUri() + "\ncheckpoint.path = " + dir.resolve("checkpoints").toUri()
        + "\ntrain.epochs = " + fileEpochs + "\n");
    List<String> args = new ArrayList<>(List.of("train", "--config", conf.toString(), "--set",
        "train.batch_size=8"));
    if (setEpochs != null) {
      args.addAll(List.of("--set", "train.epochs=" + setEpochs));
    }
    String[] r = run(args.toArray(new String[0]));
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + blamed.replace("<conf>", conf.toString()) + ": train.epochs must be in [1, "
        + "1000000], got 0" + System.lineSeparator(), r[2]);
    NoPartialOutput.assertOnly(dir, List.of("x.conf"), blamed);
  }

  static Stream<Arguments> blamedSources() {
    return Stream.of(Arguments.of("3", "0", "--set train.epochs=0"), Arguments.of("0", null, "<conf>"),
        Arguments.of("0", "0", "--set train.epochs=0"));
  }

  /** Runs the command line: exit status, standard output, standard error. */
  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = Cli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }
}
