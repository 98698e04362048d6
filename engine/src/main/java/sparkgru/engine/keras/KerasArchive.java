package sparkgru.engine.keras;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import sparkgru.engine.errors.InvalidInputException;

/**
 * The entries of a Keras 3 {@code .keras} archive (a zip of {@code config.json},
 * {@code metadata.json} and {@code model.weights.h5}), read as untrusted data: only those names
 * are accepted (no paths, so no traversal), and each entry is decompressed with a running count
 * that stops at its bound (zip bombs): {@link #MAX_JSON_BYTES} for the JSON files,
 * {@link #MAX_WEIGHTS_BYTES} for the weights. Copying an entry out of its growing buffer peaks at
 * about three times its size.
 */
final class KerasArchive {
  /** Largest decompressed config.json or metadata.json: 16 MiB. */
  static final long MAX_JSON_BYTES = 16L << 20;
  /** Largest decompressed model.weights.h5: 1 GiB (268 million float32 weights). */
  static final long MAX_WEIGHTS_BYTES = 1L << 30;
  private static final Set<String> NAMES = Set.of("config.json", "metadata.json", "model.weights.h5");

  private KerasArchive() {}

  /** The archive's entries by name. */
  static Map<String, byte[]> entries(byte[] data, String name) {
    if (!hasEndRecord(data)) {
      // Entries are read in order from the front, so a file cut after its last entry would still read.
      throw new InvalidInputException(name + " is truncated or not a zip archive: a .keras file ends with a zip "
          + "end-of-central-directory record, and " + name + " has none");
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(data))) {
      ZipEntry e;
      while ((e = nextEntry(zip, name)) != null) {
        String entry = e.getName();
        if (e.isDirectory() && entry.equals("assets/")) {
          continue;
        }
        if (!NAMES.contains(entry)) {
          throw new InvalidInputException(name + " holds an entry '" + entry + "'; a .keras file of the supported "
              + "layers holds only " + new TreeSet<>(NAMES) + " (entries with paths are refused)");
        }
        if (out.containsKey(entry)) {
          throw new InvalidInputException(name + " holds '" + entry + "' twice");
        }
        out.put(entry, readBounded(zip, name, entry, entry.endsWith(".h5") ? MAX_WEIGHTS_BYTES : MAX_JSON_BYTES));
      }
    } catch (ZipException e) {
      throw new InvalidInputException(name + " is not a readable zip archive (corrupt or truncated .keras file): "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new InvalidInputException(name + " cannot be read as a .keras archive: " + e.getMessage(), e);
    }
    for (String required : new String[] {"config.json", "model.weights.h5"}) {
      if (!out.containsKey(required)) {
        throw new InvalidInputException(name + " has no " + required + " (truncated or not a Keras 3 .keras file)");
      }
    }
    return out;
  }

  /** Whether the zip end-of-central-directory signature lies where it may: in the last 22 + 65535 bytes. */
  private static boolean hasEndRecord(byte[] data) {
    for (int i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xFFFF); i--) {
      if (data[i] == 'P' && data[i + 1] == 'K' && data[i + 2] == 5 && data[i + 3] == 6) {
        return true;
      }
    }
    return false;
  }

  /** The next entry; a name that is not UTF-8 (the JDK's IllegalArgumentException) is a corrupt archive too. */
  private static ZipEntry nextEntry(ZipInputStream zip, String name) throws IOException {
    try {
      return zip.getNextEntry();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(name + " is not a readable zip archive (corrupt or truncated .keras file): an "
          + "entry name is not valid UTF-8 (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] readBounded(InputStream in, String name, String entry, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    long count = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      count += n;
      if (count > max) {
        throw new InvalidInputException(name + ": entry '" + entry + "' decompresses to more than " + max
            + " bytes (a zip bomb, or not a model)");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
