package sparkgru.engine.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden files written by {@code src/test/resources/golden/generate_golden.py}: a
 * case name, {@code layer} lines of Keras arguments, an optional {@code train} line, and named
 * float64 tensors.
 */
final class GoldenFile {
  /** A tensor read from a golden file. */
  record Values(int[] shape, double[] data) {
    float[] floats() {
      float[] f = new float[data.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) data[i];
      }
      return f;
    }
  }

  /** One {@code layer} line: its type and arguments. */
  record LayerSpec(String type, Map<String, String> args) {
    String get(String key) {
      String v = args.get(key);
      if (v == null) {
        throw new IllegalArgumentException("layer " + type + " has no argument " + key);
      }
      return v;
    }

    boolean flag(String key) {
      return Boolean.parseBoolean(args.getOrDefault(key, "false"));
    }
  }

  final String name;
  final List<LayerSpec> layers = new ArrayList<>();
  final Map<String, String> train = new LinkedHashMap<>();
  final Map<String, Values> tensors = new LinkedHashMap<>();

  private GoldenFile(String name) {
    this.name = name;
  }

  static Path directory() {
    Path dir = Path.of("src/test/resources/golden");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("golden directory not found at " + dir.toAbsolutePath());
    }
    return dir;
  }

  static List<Path> list(String prefix) {
    try (var files = Files.list(directory())) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".txt"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GoldenFile read(Path path) {
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GoldenFile file = new GoldenFile(path.getFileName().toString());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      switch (parts[0]) {
        case "case" -> { }
        case "layer" -> file.layers.add(new LayerSpec(parts[1], keyValues(parts, 2)));
        case "train" -> file.train.putAll(keyValues(parts, 1));
        case "tensor" -> {
          int rank = Integer.parseInt(parts[2]);
          int[] shape = new int[rank];
          for (int k = 0; k < rank; k++) {
            shape[k] = Integer.parseInt(parts[3 + k]);
          }
          String[] values = lines.get(++i).trim().split("\\s+");
          double[] data = Arrays.stream(values).mapToDouble(Double::parseDouble).toArray();
          if (data.length != Arrays.stream(shape).reduce(1, (a, b) -> a * b)) {
            throw new IllegalStateException(path + ": tensor " + parts[1] + " has " + data.length + " values for shape "
                + Arrays.toString(shape));
          }
          file.tensors.put(parts[1], new Values(shape, data));
        }
        default -> throw new IllegalStateException(path + ": unknown line " + line);
      }
    }
    return file;
  }

  private static Map<String, String> keyValues(String[] parts, int from) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int k = from; k < parts.length; k++) {
      int eq = parts[k].indexOf('=');
      map.put(parts[k].substring(0, eq), parts[k].substring(eq + 1));
    }
    return map;
  }

  Values tensor(String name) {
    Values v = tensors.get(name);
    if (v == null) {
      throw new IllegalArgumentException(this.name + " has no tensor " + name);
    }
    return v;
  }

  boolean has(String name) {
    return tensors.containsKey(name);
  }
}
