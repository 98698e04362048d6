package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data whose flaw an ordinary error would hide behind a symptom: {@code spark-gru train} on a small
 * long-format CSV exits 2 with one line that names the flaw itself, and writes none of its outputs.
 */
class MisleadingDataMessagesTest {
  @TempDir
  Path dir;

  /** Series a at times 0..29 with value t, in columns id, t, v. */
  private static String series() {
    StringBuilder csv = new StringBuilder("id,t,v\n");
    for (int t = 0; t < 30; t++) {
      csv.append("a,").append(t).append(',').append(t).append('\n');
    }
    return csv.toString();
  }

  /** Trains on {@code data} of the test's directory with extra keys, and returns the exit status and error line. */
  private String[] train(String data, String... sets) {
    List<String> args = new ArrayList<>(List.of("train"));
    List<String> keys = new ArrayList<>(List.of("data.source=csv", "data.format=long", "data.series_column=id",
        "data.time_column=t", "data.feature_columns=v", "data.target_columns=v",
        "data.path=" + dir.resolve(data).toUri(), "output.model=" + dir.resolve("out/model.sgru").toUri(),
        "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri(),
        "output.report=" + dir.resolve("out/report.png").toUri(), "checkpoint.path=" + dir.resolve("ck").toUri(),
        "window.lookback=2", "window.horizon=1", "train.epochs=1"));
    keys.addAll(List.of(sets));
    for (String k : keys) {
      args.add("--set");
      args.add(k);
    }
    String[] r = BadCommandLinesTest.run(args.toArray(new String[0]));
    NoPartialOutput.assertOnly(dir, List.of(data), data);
    return r;
  }

  private void assertError(String message, String[] r) {
    assertEquals("2", r[0], r[2]);
    assertEquals("spark-gru: error: " + message + System.lineSeparator(), r[2]);
  }

  @Test
  void aHeaderThatRepeatsANameSaysSo() throws Exception {
    Path csv = Files.writeString(dir.resolve("twice.csv"), series().replace("id,t,v\n", "id,t,v,V\n")
        .replaceAll("(?m)^(a,.*)$", "$1,1"));
    assertError(csv.toUri() + ": the header repeats the column name 'v' (columns 3 and 4, counting from 1); give "
        + "each column its own name", train("twice.csv"));
  }

  @Test
  void aZipArchiveGivenAsDataSaysSoAndWhichCompressionsAreRead() throws Exception {
    Path zip = dir.resolve("series.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("series.csv"));
      out.write(series().getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    assertError("data.path " + zip.toUri() + ": file:" + zip + " is a zip archive, which Spark does not read; "
        + "unzip it, or compress the CSV file with gzip (.gz), bzip2 (.bz2), deflate (.deflate), lz4 (.lz4) or "
        + "snappy (.snappy), which are read as they are", train("series.zip"));
    assertError("data.path " + zip.toUri() + ": file:" + zip + " is a zip archive, not a Parquet file: unzip it "
        + "and give the Parquet files (Parquet compresses within the file)", train("series.zip",
        "data.source=parquet"));
  }

  @Test
  void anUnreadableTimeIsNamedWithItsRow() throws Exception {
    Files.writeString(dir.resolve("hours.csv"), "id,t,v\na,2020-01-01 00:00:00,1\na,2020-01-01 25:00:00,2\n"
        + "a,2020-01-01 02:00:00,3\n");
    assertError(dir.resolve("hours.csv").toUri() + ": column 't' has an unreadable time '2020-01-01 25:00:00' in the "
        + "row a,2020-01-01 25:00:00,2 (series a); times must be numbers or date-times like 2016-07-01 00:00:00",
        train("hours.csv"));
  }

  /**
   * 20 hourly series of 24 rows from 2016-07-01 in epoch seconds, except that series s7 writes its
   * rows from hour 12 on ({@code millisecondsLater}) or before it in epoch milliseconds.
   */
  private static String mixedUnits(boolean millisecondsLater) {
    StringBuilder csv = new StringBuilder("id,t,v\n");
    for (int s = 0; s < 20; s++) {
      for (int h = 0; h < 24; h++) {
        long seconds = 1467331200L + 3600L * h;
        long t = s == 7 && (h >= 12) == millisecondsLater ? seconds * 1000 : seconds;
        csv.append('s').append(s).append(',').append(t).append(',').append(s + Math.sin(h)).append('\n');
      }
    }
    return csv.toString();
  }

  @Test
  void secondsAndMillisecondsInOneSeriesSaySo() throws Exception {
    Files.writeString(dir.resolve("later.csv"), mixedUnits(true));
    assertError("series s7 jumps from time 1467370800 (row 12 of the series, sorted by time) to 1467374400000 (row "
        + "13), a factor of about 1000: epoch seconds next to epoch milliseconds (or milliseconds next to "
        + "microseconds); write all times of the data in one unit", train("later.csv"));
    // Milliseconds first: sorted, the rows in seconds still come first.
    Files.delete(dir.resolve("later.csv"));
    Files.writeString(dir.resolve("earlier.csv"), mixedUnits(false));
    assertError("series s7 jumps from time 1467414000 (row 12 of the series, sorted by time) to 1467331200000 (row "
        + "13), a factor of about 1000: epoch seconds next to epoch milliseconds (or milliseconds next to "
        + "microseconds); write all times of the data in one unit", train("earlier.csv"));
  }

  @Test
  void namesWithSpacesAreQuoted() throws Exception {
    Files.writeString(dir.resolve("spaced.csv"), series().replace("id,t,v\n", "id,t, v\n"));
    assertError(dir.resolve("spaced.csv").toUri() + " has no column 'v'; its columns are ['id', 't', ' v'] (a name "
        + "in the header begins or ends with spaces: remove them, or for a CSV file set data.trim_spaces=true)",
        train("spaced.csv"));
  }
}
