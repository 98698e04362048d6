package sparkgru.jobs.forecast;

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
 * known-future values of {@code forecast --future}. Every series needs exactly {@code horizon}
 * of them, all after its last time; the checks name the first series that breaks the rule.
 */
final class FutureRows {
  private FutureRows() {}

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
   * Typed history rows followed by typed future rows ({@link SlidingWindows#select}), after checking
   * that every series has exactly {@code horizon} future rows, all after its history's last time;
   * {@code what} names them in messages ({@code --future PATH}).
   */
  static Dataset<Row> append(Dataset<Row> history, Dataset<Row> future, String series, String time, int horizon,
      String what) {
    Dataset<Row> lengths = history.groupBy(col(series)).agg(count(lit(1)).as("_n"), max(col(time)).as("_end"));
    Dataset<Row> counts = future.groupBy(col(series)).agg(count(lit(1)).as("_f"));
    List<Row> wrong = lengths.join(counts, lengths.col(series).equalTo(counts.col(series)), "full_outer")
        .filter(col("_f").isNull().or(col("_n").isNull()).or(col("_f").notEqual(horizon)))
        .select(org.apache.spark.sql.functions.coalesce(lengths.col(series), counts.col(series)), col("_n"),
            col("_f")).limit(1).collectAsList();
    if (!wrong.isEmpty()) {
      Row r = wrong.get(0);
      String found = r.isNullAt(1) ? "has rows in " + what + " but no history"
          : r.isNullAt(2) ? "has no rows in " + what : "has " + r.getLong(2) + " rows in " + what;
      throw new InvalidInputException("series " + r.getString(0) + " " + found + "; every series needs exactly "
          + horizon + " (window.horizon) rows there, the periods that follow its history");
    }
    List<Row> early = future.join(lengths, future.col(series).equalTo(lengths.col(series)))
        .filter(future.col(time).leq(col("_end"))).select(future.col(series), future.col(time), col("_end"))
        .limit(1).collectAsList();
    if (!early.isEmpty()) {
      Row r = early.get(0);
      boolean dates = SlidingWindows.typedDateTimes(history, time);
      throw new InvalidInputException("series " + r.getString(0) + " has a row at time "
          + Series.timeText(r.getLong(1), dates, null) + " in " + what + ", and its history runs to "
          + Series.timeText(r.getLong(2), dates, null) + "; " + what + " must hold the " + horizon
          + " (window.horizon) periods that follow each series' history");
    }
    return history.unionByName(future);
  }
}
