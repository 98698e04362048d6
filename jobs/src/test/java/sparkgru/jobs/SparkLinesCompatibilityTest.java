package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import picocli.CommandLine;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.ml.GruEstimator;
import sparkgru.jobs.ml.PipelineFixtures;

/**
 * The same numbers on every Spark line. Run once per line with {@code -Dsparkgru.compatDir=DIR}
 * (bin/test-all does, for every line), it writes what this line computes into {@code DIR/<line>/}:
 * the demo training's weights, those of a training resumed from a checkpoint, the forecast file,
 * the predictions of {@code predict}, the Keras file of {@code export} (entry by entry, but for the
 * time it was saved), and the predictions of an MLlib pipeline fitted, saved and loaded. It then
 * asserts that every other line's directory already there holds the same bytes, and that the model
 * file and the PipelineModel saved by every other line load here and predict exactly what they
 * predicted there. The engine does not depend on Spark: the same configuration, data, seed and
 * partition count give the same weights on every line.
 */
@EnabledIfSystemProperty(named = "sparkgru.compatDir", matches = ".+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkLinesCompatibilityTest {
  /** The line of the Spark on the class path: "3.5", "4.0", ... */
  static final String LINE = org.apache.spark.package$.MODULE$.SPARK_VERSION().replaceAll("^(\\d+\\.\\d+).*", "$1");
  private static final Path ROOT = Path.of(System.getProperty("sparkgru.compatDir", "")).toAbsolutePath();
  private static final Path HERE = ROOT.resolve(LINE);
  /** The outputs compared byte for byte between lines. */
  private static final List<String> OUTPUTS = List.of("weights.bin", "resumed-weights.bin", "forecast.csv",
      "predictions.csv", "pipeline-predictions.csv");
  /** Written last: a line's directory without it is from a run that did not finish. */
  private static final String DONE = "done";

  private static void run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    assertEquals(0, status, String.join(" ", args) + "\n" + out + err);
  }

  /** The demo configuration of conf/demo.conf, smaller, with two partitions and outputs in {@code HERE}. */
  private static List<String> train(String model, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--config", Path.of("..", "conf", "demo.conf").toString(),
        "--set", "demo.sequences=60", "--set", "demo.steps=240", "--set", "train.partitions=2",
        "--set", "spark.master=local[2]", "--set", "output.progress=false",
        "--set", "output.model=" + HERE.resolve(model).toUri(),
        "--set", "output.metrics=" + HERE.resolve(model + ".metrics.jsonl").toUri(), "--set", "output.report="));
    for (String e : extra) {
      args.add("--set");
      args.add(e);
    }
    return args;
  }

  private static void writeWeights(String model, String to) throws IOException {
    Path file = HERE.resolve(model);
    float[] w = ModelFile.read(Files.readAllBytes(file), file.toString()).model().parameters().toArray();
    ByteBuffer b = ByteBuffer.allocate(4 * w.length);
    b.asFloatBuffer().put(w);
    Files.write(HERE.resolve(to), b.array());
  }

  /** Sequences for predict: 20 of 48 steps of the demo model's three features, in long format. */
  private static Path predictInput() throws IOException {
    StringBuilder sb = new StringBuilder("sequence_id,step,value,hour_sin,hour_cos\n");
    SplittableRandom r = new SplittableRandom(3);
    for (int s = 0; s < 20; s++) {
      for (int t = 0; t < 48; t++) {
        double hour = 2 * Math.PI * ((t + s) % 24) / 24;
        sb.append(String.format(Locale.ROOT, "q%02d,%d,%.6f,%.6f,%.6f%n", s, t, Math.sin(hour) + r.nextDouble() * 0.1,
            Math.sin(hour), Math.cos(hour)));
      }
    }
    Path file = ROOT.resolve("predict-input.csv");
    Files.createDirectories(ROOT);
    Files.writeString(file, sb.toString());
    return file;
  }

  /** Each window's prediction as text, in window order: float32 values printed exactly. */
  private static String predictions(Dataset<Row> predicted) {
    StringBuilder sb = new StringBuilder();
    for (Row r : predicted.select("window_id", "prediction").orderBy("window_id").collectAsList()) {
      sb.append(r.getString(0)).append(',').append(Float.toString((float) r.getDouble(1))).append('\n');
    }
    return sb.toString();
  }

  /**
   * The name and the SHA-256 of every entry of a .keras archive, in order, but for metadata.json,
   * which holds the time it was saved.
   */
  private static List<String> zipEntries(Path zip) throws Exception {
    List<String> entries = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] bytes = in.readAllBytes();
        if (!e.getName().equals("metadata.json")) {
          entries.add(e.getName() + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
      }
    }
    return entries;
  }

  /** The other lines' finished directories. */
  private static List<Path> otherLines() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs.filter(d -> Files.isDirectory(d) && !d.equals(HERE) && Files.exists(d.resolve(DONE))).sorted()
          .toList();
    }
  }

  @Test
  @Order(1)
  void thisLineTrainsResumesForecastsPredictsExportsAndFitsAPipeline() throws Exception {
    if (Files.exists(HERE)) {
      try (Stream<Path> old = Files.walk(HERE)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(HERE);
    run(train("model.sgru", "train.epochs=2").toArray(String[]::new));
    writeWeights("model.sgru", "weights.bin");

    // One epoch with a checkpoint, then --resume to the second: a run of its own, on every line.
    String checkpoints = HERE.resolve("checkpoints").toUri().toString();
    run(train("first.sgru", "train.epochs=1", "checkpoint.path=" + checkpoints).toArray(String[]::new));
    List<String> resume = train("resumed.sgru", "train.epochs=2", "checkpoint.path=" + checkpoints);
    resume.add(1, "--resume");
    run(resume.toArray(String[]::new));
    writeWeights("resumed.sgru", "resumed-weights.bin");

    String model = HERE.resolve("model.sgru").toUri().toString();
    run("forecast", "--model", model, "--output", HERE.resolve("forecast.csv").toUri().toString());
    Path input = predictInput();
    run("predict", "--model", model, "--input", input.toUri().toString(), "--output",
        HERE.resolve("predictions.csv").toUri().toString());
    run("export", "--model", model, "--output", HERE.resolve("model.keras").toUri().toString());

    SparkSession spark = SparkTestSession.get();
    GruEstimator gru = new GruEstimator().setUnits(8).setEpochs(3).setBatchSize(16).setLearningRate(0.01)
        .setSequenceIdCol("window_id");
    Dataset<Row> data = PipelineFixtures.series(spark).repartition(2);
    PipelineModel fitted = new Pipeline().setStages(PipelineFixtures.stages(gru)).fit(data);
    String pipeline = HERE.resolve("pipeline-model").toUri().toString();
    fitted.write().save(pipeline);
    String predicted = predictions(PipelineModel.load(pipeline).transform(PipelineFixtures.series(spark)));
    assertEquals(predictions(fitted.transform(PipelineFixtures.series(spark))), predicted, "the loaded pipeline predicts the same");
    Files.writeString(HERE.resolve("pipeline-predictions.csv"), predicted);
    Files.writeString(HERE.resolve(DONE), org.apache.spark.package$.MODULE$.SPARK_VERSION() + "\n");
  }

  @Test
  @Order(2)
  void everyOtherLineComputedTheSameBytes() throws Exception {
    for (Path other : otherLines()) {
      for (String output : OUTPUTS) {
        assertArrayEquals(Files.readAllBytes(other.resolve(output)), Files.readAllBytes(HERE.resolve(output)),
            output + " of Spark " + other.getFileName() + " and of Spark " + LINE);
      }
      // A .keras file is a zip archive whose entries carry the time they were written.
      assertEquals(zipEntries(other.resolve("model.keras")), zipEntries(HERE.resolve("model.keras")),
          "model.keras of Spark " + other.getFileName() + " and of Spark " + LINE);
    }
  }

  @Test
  @Order(3)
  void modelFilesAndPipelinesSavedOnEveryOtherLineLoadAndPredictTheSameHere() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Path input = predictInput();
    for (Path other : otherLines()) {
      String from = other.getFileName().toString();
      Path out = HERE.resolve("from-" + from);
      Files.createDirectories(out);
      run("predict", "--model", other.resolve("model.sgru").toUri().toString(), "--input", input.toUri().toString(),
          "--output", out.resolve("predictions.csv").toUri().toString(), "--overwrite");
      assertArrayEquals(Files.readAllBytes(other.resolve("predictions.csv")),
          Files.readAllBytes(out.resolve("predictions.csv")), "Spark " + from + "'s model file predicting on " + LINE);
      PipelineModel loaded = PipelineModel.load(other.resolve("pipeline-model").toUri().toString());
      assertEquals(Files.readString(other.resolve("pipeline-predictions.csv")),
          predictions(loaded.transform(PipelineFixtures.series(spark))), "Spark " + from + "'s PipelineModel predicting on " + LINE);
    }
    assertTrue(Files.exists(HERE.resolve(DONE)), "this line's outputs were written");
  }
}
