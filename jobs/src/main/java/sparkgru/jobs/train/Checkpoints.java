package sparkgru.jobs.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;
import sparkgru.engine.model.History;
import sparkgru.engine.model.ModelFile;
import sparkgru.engine.model.ModelSpec;
import sparkgru.engine.model.Provenance;
import sparkgru.engine.model.Sequential;
import sparkgru.jobs.io.AtomicFiles;

/**
 * Checkpoints in a directory on any Hadoop file system, one file per checkpointed epoch,
 * {@code checkpoint-<epoch>.ckpt}: the magic {@code SGRUCKPT}, the epoch, the optimiser
 * iterations and state, the history as JSON, then the model as a {@link ModelFile}. Each is
 * written to a temporary name and renamed, so a crash mid-write leaves no file that looks like
 * a checkpoint; {@link #latest} also skips files that fail to read.
 */
public final class Checkpoints {
  private static final byte[] MAGIC = "SGRUCKPT".getBytes(StandardCharsets.US_ASCII);
  private static final System.Logger LOG = System.getLogger(Checkpoints.class.getName());
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.ckpt");

  private final Path dir;
  private final Configuration conf;

  /** Checkpoints under {@code dir}. */
  public Checkpoints(String dir, Configuration conf) {
    this.dir = new Path(dir);
    this.conf = conf;
  }

  /** Writes the state after an epoch. */
  public void write(TrainingState state, ModelSpec spec, Sequential scratch, Provenance provenance) {
    scratch.parameters().copyFrom(state.weights());
    byte[] model = ModelFile.write(spec, scratch, provenance);
    byte[] history = Json.write(new ArrayList<>(state.history().epochs())).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(model.length + history.length
        + 4 * state.optimizerState().length + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(state.epoch());
      out.writeLong(state.iterations());
      out.writeDouble(state.learningRate());
      out.writeInt(state.optimizerState().length);
      for (float v : state.optimizerState()) {
        out.writeFloat(v);
      }
      out.writeInt(history.length);
      out.write(history);
      out.writeInt(state.callbackStates().size());
      for (double[] c : state.callbackStates()) {
        out.writeInt(c.length);
        for (double v : c) {
          out.writeDouble(v);
        }
      }
      out.write(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicFiles.write(new Path(dir, "checkpoint-" + state.epoch() + ".ckpt"), conf, bytes.toByteArray());
  }

  /** A checkpoint read back: the state, the model spec it was written for and the run's provenance. */
  public record Restored(TrainingState state, ModelSpec spec, Provenance provenance, Path path) {}

  /** Whether the directory holds any checkpoint file. */
  public boolean any() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      return fs.exists(dir) && Arrays.stream(fs.listStatus(dir)).anyMatch(f -> NAME.matcher(f.getPath().getName()).matches());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The newest checkpoint that reads correctly, if any. */
  public Optional<Restored> latest() {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      List<FileStatus> files = new ArrayList<>(Arrays.asList(fs.listStatus(dir)));
      files.removeIf(f -> !NAME.matcher(f.getPath().getName()).matches());
      files.sort(Comparator.comparingInt(Checkpoints::epochOf).reversed());
      for (FileStatus f : files) {
        try (InputStream in = fs.open(f.getPath())) {
          return Optional.of(read(in.readAllBytes(), f.getPath()));
        } catch (InvalidInputException | ClassCastException | IOException e) {
          LOG.log(System.Logger.Level.WARNING, "skipping unreadable checkpoint " + f.getPath() + ": " + e.getMessage());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static int epochOf(FileStatus f) {
    Matcher m = NAME.matcher(f.getPath().getName());
    return m.matches() && m.group(1).length() < 9 ? Integer.parseInt(m.group(1)) : -1;
  }

  @SuppressWarnings("unchecked")
  static Restored read(byte[] data, Path path) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new InvalidInputException(path + " is not a spark-gru checkpoint");
    }
    int epoch = in.readInt();
    long iterations = in.readLong();
    double learningRate = in.readDouble();
    int stateLength = in.readInt();
    if (stateLength < 0 || stateLength > data.length / 4) {
      throw new InvalidInputException(path + " declares " + stateLength + " optimizer values (corrupt)");
    }
    float[] state = new float[stateLength];
    for (int i = 0; i < stateLength; i++) {
      state[i] = in.readFloat();
    }
    int historyLength = in.readInt();
    if (historyLength < 0 || historyLength > data.length) {
      throw new InvalidInputException(path + " declares a history of " + historyLength + " bytes (corrupt)");
    }
    byte[] historyBytes = new byte[historyLength];
    in.readFully(historyBytes);
    History history = new History();
    for (Object epochLogs : (List<Object>) Json.parse(new String(historyBytes, StandardCharsets.UTF_8))) {
      Map<String, Double> logs = new LinkedHashMap<>();
      ((Map<String, Object>) epochLogs).forEach((k, v) -> logs.put(k, v == null ? Double.NaN : ((Number) v).doubleValue()));
      history.add(logs);
    }
    int callbackCount = in.readInt();
    if (callbackCount < 0 || callbackCount > 64) {
      throw new InvalidInputException(path + " declares " + callbackCount + " callback states (corrupt)");
    }
    List<double[]> callbackStates = new ArrayList<>();
    for (int c = 0; c < callbackCount; c++) {
      int n = in.readInt();
      if (n < 0 || n > data.length / 8) {
        throw new InvalidInputException(path + " declares a callback state of " + n + " values (corrupt)");
      }
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = in.readDouble();
      }
      callbackStates.add(v);
    }
    ModelFile.Loaded model = ModelFile.read(in.readAllBytes(), path.toString());
    return new Restored(new TrainingState(epoch, model.model().parameters().toArray(), state, iterations, learningRate,
        history, callbackStates), model.spec(), model.provenance(), path);
  }
}
