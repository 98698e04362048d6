package sparkgru.jobs.forecast;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.data.Series;
import sparkgru.jobs.data.SlidingWindows;

/**
 * Rows that follow each series' history, read from another input in the data's layout: the
 * actuals of {@code evaluate --actuals} and the known-future values of {@code forecast --future}.
 * Every series needs exactly {@code horizon} of them, all after its last time; the checks name the
 * first series that breaks the rule, in the words of {@link Words}.
 */
final class FutureRows {
  private FutureRows() {}

  /**
   * How the messages name the rows.
   *
   * @param some    the rows of a series, {@code actuals}
   * @param counted the rows as counted, {@code actual rows}
   * @param one     one of them, {@code an actual}
   * @param where   where they are, {@code in <path>}
   * @param rule    what they must be, ending the message: {@code the actuals must be}
   */
  record Words(String some, String counted, String one, String where, String rule) {}

  /**
   * Raw rows of a {@code --future} input completed to the history's columns: value columns it
   * lacks (targets, past-only inputs, which nothing reads over the horizon) are null, and static
   * columns it lacks take each series' value from {@code history} (raw rows, series column
   * {@code series}).
   */
  static Dataset<Row> complete(Dataset<Row> future, Dataset<Row> history, String series, List<String> values,
      List<String> statics) {
    List<String> has = Arrays.asList(future.columns());
    Dataset<Row> out = future;
    for (String c : values) {
      if (!has.contains(c)) {
        out = out.withColumn(c, lit(null).cast(DataTypes.DoubleType));
      }
    }
    List<String> missing = statics.stream().filter(c -> !has.contains(c)).toList();
    if (!missing.isEmpty()) {
      List<Column> keep = new ArrayList<>(List.of(col(series)));
      missing.forEach(c -> keep.add(col(c)));
      Dataset<Row> fixed = history.select(keep.toArray(new Column[0])).dropDuplicates(series);
      out = out.join(fixed, out.col(series).equalTo(fixed.col(series)), "left").drop(fixed.col(series));
    }
    return out;
  }

  /**
   * Checks that every series of typed history rows ({@link SlidingWindows#select}) has exactly
   * {@code horizon} typed {@code future} rows and the other way round.
   */
  static void requireCounts(Dataset<Row> history, Dataset<Row> future, String series, int horizon, Words words) {
    Dataset<Row> lengths = history.groupBy(col(series)).agg(count(lit(1)).as("_n"));
    Dataset<Row> counts = future.groupBy(col(series)).agg(count(lit(1)).as("_f"));
    List<Row> wrong = lengths.join(counts, lengths.col(series).equalTo(counts.col(series)), "full_outer")
        .filter(col("_f").isNull().or(col("_n").isNull()).or(col("_f").notEqual(horizon)))
        .select(coalesce(lengths.col(series), counts.col(series)), col("_n"), col("_f")).limit(1).collectAsList();
    if (!wrong.isEmpty()) {
      Row r = wrong.get(0);
      String found = r.isNullAt(1) ? "has " + words.some() + " " + words.where() + " but no history"
          : r.isNullAt(2) ? "has no " + words.some() + " " + words.where()
          : "has " + r.getLong(2) + " " + words.counted() + " " + words.where();
      throw new InvalidInputException("series " + r.getString(0) + " " + found + "; every series needs exactly "
          + horizon + " (window.horizon) " + words.counted() + " following its history");
    }
  }

  /** Checks that every typed {@code future} row of a series lies after the series' last history row. */
  static void requireAfter(Dataset<Row> history, Dataset<Row> future, String series, String time, int horizon,
      Words words) {
    Dataset<Row> ends = history.groupBy(col(series)).agg(max(col(time)).as("_end"));
    List<Row> early = future.join(ends, future.col(series).equalTo(ends.col(series)))
        .filter(future.col(time).leq(col("_end"))).select(future.col(series), future.col(time), col("_end"))
        .limit(1).collectAsList();
    if (!early.isEmpty()) {
      Row r = early.get(0);
      boolean dates = SlidingWindows.typedDateTimes(history, time);
      throw new InvalidInputException("series " + r.getString(0) + " has " + words.one() + " at time "
          + Series.timeText(r.getLong(1), dates, null) + " " + words.where() + ", and its history runs to "
          + Series.timeText(r.getLong(2), dates, null) + "; " + words.rule() + " the " + horizon
          + " (window.horizon) periods that follow each series' history");
    }
  }
}
