package sparkgru.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-file replacement on the local file system: a reader never finds the file missing or partial. */
class AtomicFilesTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void aReaderSeesTheOldFileOrTheNewOneNeverNone() throws Exception {
    java.nio.file.Path file = dir.resolve("metrics.jsonl");
    Path path = new Path(file.toUri());
    Configuration conf = new Configuration();
    AtomicFiles.write(path, conf, "0\n".getBytes(StandardCharsets.UTF_8));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger missing = new AtomicInteger();
    AtomicInteger partial = new AtomicInteger();
    Thread reader = new Thread(() -> {
      while (writing.get()) {
        try {
          String text = Files.readString(file);
          if (!text.endsWith("\n")) {
            partial.incrementAndGet();
          }
        } catch (java.io.IOException e) {
          missing.incrementAndGet();
        }
      }
    });
    reader.start();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      lines.append(i).append('\n');
      AtomicFiles.write(path, conf, lines.toString().getBytes(StandardCharsets.UTF_8));
    }
    writing.set(false);
    reader.join();
    assertEquals(0, missing.get(), "reads that found no file while it was replaced");
    assertEquals(0, partial.get(), "reads that found part of a file");
    assertEquals(lines.toString(), Files.readString(file));
    try (var listing = Files.list(dir)) {
      assertEquals(java.util.List.of(file), listing.toList(), "no temporary or checksum file is left");
    }
  }
}
