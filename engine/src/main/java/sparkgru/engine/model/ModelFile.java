package sparkgru.engine.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.io.Json;

/**
 * The project's own model format, one file: the magic {@code SPARKGRU}, a format version, a
 * JSON header (the model as layer specs, the variables with Keras paths and shapes, and its
 * {@link Provenance}: configuration, seed, data, versions, history), then the flat float32 weights.
 * Readable by the engine alone. Reading treats the bytes as untrusted: the header is limited to
 * {@value #MAX_HEADER_BYTES} bytes, the weight count must match the model the header describes,
 * and truncated or non-finite data are rejected with a message naming the file.
 */
public final class ModelFile {
  /** Format version written. */
  public static final int VERSION = 1;
  /**
   * Largest JSON header accepted (it may hold per-series scaling of many series); a header is
   * also never longer than the file that declares it.
   */
  public static final int MAX_HEADER_BYTES = 1 << 30;
  private static final byte[] MAGIC = "SPARKGRU".getBytes(StandardCharsets.US_ASCII);

  /** A loaded model and the provenance stored with it ({@link Provenance#NONE} when the file holds none). */
  public record Loaded(ModelSpec spec, Sequential model, Provenance provenance) {}

  private ModelFile() {}

  /** The file's bytes for a model built from {@code spec}, with its current weights. */
  public static byte[] write(ModelSpec spec, Sequential model, Provenance provenance) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("format", "spark-gru-model");
    header.put("version", VERSION);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("steps", spec.steps());
    m.put("features", spec.features());
    List<Object> layers = new ArrayList<>();
    for (LayerSpec l : spec.layers()) {
      layers.add(Map.of("type", l.type(), "args", new LinkedHashMap<>(l.args())));
    }
    m.put("layers", layers);
    header.put("model", m);
    List<Object> vars = new ArrayList<>();
    for (Parameters.Variable v : model.parameters().variables()) {
      List<Object> shape = new ArrayList<>();
      for (int d : v.spec().shape()) {
        shape.add(d);
      }
      vars.add(Map.of("path", v.path(), "shape", shape));
    }
    header.put("variables", vars);
    header.put("provenance", provenance.toJson());
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    float[] w = model.parameters().toArray();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(json.length + 4 * w.length + 32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(json.length);
      out.write(json);
      out.writeInt(w.length);
      for (float v : w) {
        out.writeFloat(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a model file's bytes; {@code name} appears in error messages. The model the header
   * describes is built only once the file is known to hold all its weights (4 bytes each), so a
   * header cannot make the reader allocate more than about three times the file's size.
   */
  public static Loaded read(byte[] data, String name) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new InvalidInputException(name + " is not a spark-gru model file (no SPARKGRU signature)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new InvalidInputException(name + " has model format version " + version + "; this build reads version "
            + VERSION);
      }
      int jsonLength = in.readInt();
      if (jsonLength < 2 || jsonLength > MAX_HEADER_BYTES || jsonLength > data.length) {
        throw new InvalidInputException(name + " declares a header of " + jsonLength + " bytes; at most "
            + MAX_HEADER_BYTES + " and no more than the file are allowed (corrupt file?)");
      }
      byte[] json = new byte[jsonLength];
      in.readFully(json);
      Map<String, Object> header;
      ModelSpec spec;
      long needed;
      try {
        header = object(Json.parse(new String(json, StandardCharsets.UTF_8)), "the header");
        Map<String, Object> m = object(header.get("model"), "model");
        List<Object> layerList = list(m.get("layers"), "model.layers");
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layerList.size(); i++) {
          String where = "model.layers[" + i + "]";
          Map<String, Object> l = object(layerList.get(i), where);
          if (!(l.get("type") instanceof String type)) {
            throw new InvalidInputException(where + ".type must be a layer type name, got " + l.get("type"));
          }
          Map<String, String> args = new LinkedHashMap<>();
          object(l.get("args"), where + ".args").forEach((k, v) -> args.put(k, String.valueOf(v)));
          layers.add(new LayerSpec(type, args));
        }
        spec = new ModelSpec(integer(m.get("steps"), "model.steps"), integer(m.get("features"), "model.features"),
            layers);
        needed = spec.weightCount();
      } catch (InvalidInputException e) {
        throw new InvalidInputException(name + " has an invalid header: " + e.getMessage(), e);
      }
      int count = in.readInt();
      if (count != needed) {
        throw new InvalidInputException(name + " holds " + count + " weights but its model needs " + needed);
      }
      // Checked before the model and the weights are allocated: a header cannot claim more memory than the file holds.
      if (4L * count > in.available()) {
        throw new InvalidInputException(name + " is truncated: its model needs " + count + " float32 weights ("
            + 4L * count + " bytes) but " + in.available() + " bytes follow its header");
      }
      Sequential model;
      try {
        model = spec.build(0);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(name + " has an invalid header: " + e.getMessage(), e);
      }
      float[] w = new float[count];
      for (int i = 0; i < count; i++) {
        w[i] = in.readFloat();
        if (!Float.isFinite(w[i])) {
          throw new InvalidInputException(name + " has a non-finite weight at index " + i);
        }
      }
      if (in.available() > 0) {
        throw new InvalidInputException(name + " has " + in.available() + " unexpected bytes after the weights");
      }
      model.parameters().copyFrom(w);
      return new Loaded(spec, model, Provenance.fromJson(header.get("provenance")));
    } catch (EOFException e) {
      throw new InvalidInputException(name + " is truncated: the file ends before its declared contents", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String field) {
    if (!(value instanceof Map<?, ?>)) {
      throw new InvalidInputException(field + " must be a JSON object, got " + describe(value));
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value, String field) {
    if (!(value instanceof List<?>)) {
      throw new InvalidInputException(field + " must be a JSON array, got " + describe(value));
    }
    return (List<Object>) value;
  }

  private static int integer(Object value, String field) {
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
      throw new InvalidInputException(field + " must be a whole number, got " + describe(value));
    }
    return n.intValue();
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : value instanceof Map<?, ?> ? "an object" : value instanceof List<?> ? "an array"
        : value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
