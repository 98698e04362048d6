package sparkgru.jobs.io;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import sparkgru.engine.errors.InvalidInputException;

/**
 * CSV input, checked before Spark reads it: no data file (listed as Spark lists them)
 * may be a zip archive, which Spark's CSV reader would read as text, one garbled column.
 * Spark reads a compressed CSV file through Hadoop's codec for the file's extension: {@code .gz}
 * (gzip), {@code .bz2} (bzip2), {@code .deflate}, {@code .lz4} and {@code .snappy}. The check
 * reads the first 4 bytes of every file, on the driver. With {@code trimSpaces} the spaces and
 * tabs around every cell and column name are removed ({@code id, v} names the columns {@code id}
 * and {@code v}).
 */
public final class CsvInput {
  /** The compressions Spark reads in a CSV file, by the file's extension. */
  public static final String COMPRESSIONS = "gzip (.gz), bzip2 (.bz2), deflate (.deflate), lz4 (.lz4) or snappy "
      + "(.snappy)";

  private CsvInput() {}

  /** The rows of the CSV input {@code path}, given as {@code key} (named in messages). */
  public static Dataset<Row> read(SparkSession spark, String path, String key, boolean header, boolean trimSpaces) {
    DataFiles.check(spark, path, key, (fs, file) -> {
      if (file.getLen() >= 4 && DataFiles.isZip(DataFiles.head(fs, file))) {
        throw new InvalidInputException(key + " " + path + ": " + file.getPath() + " is a zip archive, which Spark "
            + "does not read; unzip it, or compress the CSV file with " + COMPRESSIONS + ", which are read as they "
            + "are");
      }
    });
    return reader(spark, header, trimSpaces).csv(path);
  }

  /** Spark's CSV reader with these options. */
  public static DataFrameReader reader(SparkSession spark, boolean header, boolean trimSpaces) {
    return spark.read().option("header", String.valueOf(header))
        .option("ignoreLeadingWhiteSpace", String.valueOf(trimSpaces))
        .option("ignoreTrailingWhiteSpace", String.valueOf(trimSpaces));
  }
}
