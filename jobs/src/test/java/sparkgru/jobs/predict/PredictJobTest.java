package sparkgru.jobs.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.keras.KerasImporter;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.Provenance;
import sparkgru.jobs.NoPartialOutput;
import sparkgru.jobs.SparkTestSession;

/**
 * Models saved by real Keras (the engine's golden resources) predicted on Spark from long-format
 * rows in random order give Keras' numbers; ragged sequences get what each gives alone; bad rows
 * are named.
 */
class PredictJobTest {
  private static final Path KERAS = Path.of("..", "engine", "src", "test", "resources", "keras");

  @TempDir
  Path dir;

  /** x [n, t, f] and Keras' y from a golden case. */
  private static Map<String, float[]> golden(String name, Map<String, int[]> shapes) throws IOException {
    Map<String, float[]> out = new HashMap<>();
    List<String> lines = Files.readAllLines(KERAS.resolve(name + ".txt"));
    for (int i = 0; i < lines.size(); i++) {
      String[] head = lines.get(i).split(" ");
      if (head[0].equals("tensor")) {
        int rank = Integer.parseInt(head[2]);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
          shape[d] = Integer.parseInt(head[3 + d]);
        }
        String[] v = lines.get(i + 1).split(" ");
        float[] data = new float[v.length];
        for (int k = 0; k < v.length; k++) {
          data[k] = Float.parseFloat(v[k]);
        }
        out.put(head[1], data);
        shapes.put(head[1], shape);
      }
    }
    return out;
  }

  /** Long-format CSV of x, rows shuffled; sequence i keeps its first lengths[i] steps. */
  private Path csv(float[] x, int n, int t, int f, int[] lengths) throws IOException {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < lengths[i]; s++) {
        StringBuilder sb = new StringBuilder("seq" + i + "," + s);
        for (int c = 0; c < f; c++) {
          sb.append(',').append(String.format(Locale.ROOT, "%.9g", x[(i * t + s) * f + c]));
        }
        rows.add(sb.toString());
      }
    }
    java.util.Collections.shuffle(rows, new java.util.Random(2));
    StringBuilder header = new StringBuilder("sequence_id,step");
    for (int c = 0; c < f; c++) {
      header.append(",x").append(c);
    }
    Path p = dir.resolve("in-" + rows.size() + "-" + n + ".csv");
    Files.writeString(p, header + "\n" + String.join("\n", rows) + "\n");
    return p;
  }

  private static void close(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= 1e-5 * Math.max(1, Math.abs(expected)), what + ": " + actual
        + " vs " + expected);
  }

  @Test
  void kerasModelsPredictKerasNumbersFromShuffledRows() throws IOException {
    for (String name : List.of("stacked", "masking")) {
      Map<String, int[]> shapes = new HashMap<>();
      Map<String, float[]> g = golden(name, shapes);
      int[] xs = shapes.get("x");
      Path in = csv(g.get("x"), xs[0], xs[1], xs[2], new int[] {xs[1], xs[1], xs[1], xs[1]});
      Path out = dir.resolve(name + "-out");
      PredictJob.Result r = PredictJob.run(SparkTestSession.get(), KERAS.resolve(name + ".keras").toString(),
          in.toString(), out.toString(), false, new PrintWriter(new StringWriter()));
      assertEquals(4, r.sequences());
      int k = shapes.get("y")[1];
      for (Row row : SparkTestSession.get().read().parquet(out.toString()).collectAsList()) {
        int i = Integer.parseInt(row.getString(0).substring(3));
        for (int j = 0; j < k; j++) {
          close(g.get("y")[i * k + j], row.getDouble(1 + j), name + " " + row.getString(0) + " y" + j);
        }
      }
    }
  }

  @Test
  void sequenceOutputsComeInKerasOrderAndRaggedSequencesAsAlone() throws IOException {
    Map<String, int[]> shapes = new HashMap<>();
    Map<String, float[]> g = golden("backwards", shapes);
    int[] xs = shapes.get("x");
    int t = xs[1];
    int f = xs[2];
    int[] lengths = {t, 3, t, 1};
    Path in = csv(g.get("x"), xs[0], t, f, lengths);
    Path out = dir.resolve("backwards.csv");
    PredictJob.run(SparkTestSession.get(), KERAS.resolve("backwards.keras").toString(), in.toString(), out.toString(),
        false, new PrintWriter(new StringWriter()));
    List<String> lines = Files.readAllLines(out);
    assertEquals("sequence_id,step,y0,y1", lines.get(0));
    assertEquals(1 + t + 3 + t + 1, lines.size());
    ModelFile.Loaded m = KerasImporter.read(Files.readAllBytes(KERAS.resolve("backwards.keras")), "backwards");
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",");
      int i = Integer.parseInt(v[0].substring(3));
      int s = Integer.parseInt(v[1]);
      if (lengths[i] == t) {
        close(g.get("y")[(i * t + s) * 2], Double.parseDouble(v[2]), "full sequence " + i + " step " + s);
      } else {
        float[] alone = java.util.Arrays.copyOfRange(g.get("x"), i * t * f, (i * t + lengths[i]) * f);
        float[] y = m.model().predict(Tensor.of(alone, 1, lengths[i], f), 1).toArray();
        close(y[s * 2 + 1], Double.parseDouble(v[3]), "short sequence " + i + " step " + s);
      }
    }
  }

  @Test
  void badRowsAndShapesAreNamed() throws IOException {
    String model = KERAS.resolve("stacked.keras").toString();
    Path dup = dir.resolve("dup.csv");
    Files.writeString(dup, "sequence_id,step,x0,x1,x2\na,0,1,2,3\na,1,1,2,3\na,1,1,2,3\n");
    Path out = dir.resolve("never.csv");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(
        SparkTestSession.get(), model, dup.toString(), out.toString(), false, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("sequence a: duplicate step 1; steps must run 0, 1, ..., T-1"), e.getMessage());
    Path gap = dir.resolve("gap.csv");
    Files.writeString(gap, "sequence_id,step,x0,x1,x2\nb,0,1,2,3\nb,2,1,2,3\n");
    e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(SparkTestSession.get(), model,
        gap.toString(), out.toString(), false, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("sequence b: missing step 1 (next step found is 2)"), e.getMessage());
    Path narrow = dir.resolve("narrow.csv");
    Files.writeString(narrow, "sequence_id,step,x0,x1\nb,0,1,2\n");
    e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(SparkTestSession.get(), model,
        narrow.toString(), out.toString(), false, new PrintWriter(new StringWriter())));
    assertEquals(narrow + " has 2 feature columns [x0, x1] but the model " + model + " reads 3 per step",
        e.getMessage());
    Path header = dir.resolve("header.csv");
    Files.writeString(header, "id,t,x0,x1,x2\nb,0,1,2,3\n");
    e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(SparkTestSession.get(), model,
        header.toString(), out.toString(), false, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().endsWith("predict reads sequence_id, step, then the feature columns x0, x1, ..."),
        e.getMessage());
    assertFalse(Files.exists(out));
    NoPartialOutput.assertOnly(dir, List.of("dup.csv", "gap.csv", "narrow.csv", "header.csv"), "predict of bad rows");
  }

  @Test
  void fixedLengthAndStatefulModelsAreCheckedUpFront() throws IOException {
    Path fixed = dir.resolve("fixed.sgru");
    sparkgru.engine.model.ModelSpec spec = new sparkgru.engine.model.ModelSpec(3, 1, List.of(
        sparkgru.engine.model.LayerSpec.of("gru", "units", "2"), sparkgru.engine.model.LayerSpec.of("dense", "units",
            "1")));
    Files.write(fixed, ModelFile.write(spec, spec.build(1), Provenance.NONE));
    Path in = dir.resolve("two.csv");
    Files.writeString(in, "sequence_id,step,x0\nok,0,1\nok,1,2\nok,2,3\nshort,0,1\nshort,1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(
        SparkTestSession.get(), fixed.toString(), in.toString(), dir.resolve("o.csv").toString(), false,
        new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("sequence short has 2 steps but the model reads exactly 3"), e.getMessage());
    NoPartialOutput.assertOnly(dir, List.of("fixed.sgru", "two.csv"), "predict with a fixed-length model");
    Path stateful = dir.resolve("stateful.sgru");
    sparkgru.engine.model.ModelSpec s2 = new sparkgru.engine.model.ModelSpec(-1, 1, List.of(
        sparkgru.engine.model.LayerSpec.of("gru", "units", "2", "stateful", "true")));
    Files.write(stateful, ModelFile.write(s2, s2.build(1), Provenance.NONE));
    e = assertThrows(IllegalArgumentException.class, () -> PredictJob.run(SparkTestSession.get(), stateful.toString(),
        in.toString(), dir.resolve("o.csv").toString(), false, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().endsWith("has a stateful GRU: its outputs would depend on how sequences fall into "
        + "batches and partitions; save it with stateful=False for batch prediction"), e.getMessage());
    NoPartialOutput.assertOnly(dir, List.of("fixed.sgru", "two.csv", "stateful.sgru"), "predict with a stateful model");
  }
}
