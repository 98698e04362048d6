package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;

/** Times as a series holds, prints and checks them. */
class SeriesTest {
  private static final long JULY_2016 = 1467331200L;

  /** Series "s" of one value column at {@code times}. */
  private static Series numbers(long... times) {
    List<Row> rows = new ArrayList<>();
    for (long t : times) {
      rows.add(RowFactory.create("s", t, 1.0, null));
    }
    Iterator<Series> all = Series.group(rows.iterator(), 1, false);
    return all.next();
  }

  @Test
  void dateTimesPrintFractionsOnlyWhenTheyHaveThem() {
    long t = JULY_2016 * Series.MICROS_PER_SECOND;
    Series utc = new Series("s", new long[0], new double[0][], true);
    assertEquals("2016-07-01 00:00:00", utc.timeText(t));
    assertEquals("2016-07-01 00:00:00.250", utc.timeText(t + 250_000));
    assertEquals("2016-07-01 00:00:00.000250", utc.timeText(t + 250));
    assertEquals("1969-12-31 23:59:59.750", utc.timeText(-250_000));
    Series paris = new Series("s", new long[0], new double[0][], true, ZoneOffset.ofHours(2));
    assertEquals("2016-07-01T02:00:00+02:00", paris.timeText(t));
    assertEquals("2016-07-01T00:00:00.500Z",
        new Series("s", new long[0], new double[0][], true, ZoneOffset.UTC).timeText(t + 500_000));
    assertEquals("1467331200", new Series("s", new long[0], new double[0][], false).timeText(JULY_2016));
  }

  @Test
  void quarterSecondStepsAreStepsNotGaps() {
    long t = JULY_2016 * Series.MICROS_PER_SECOND;
    Series s = new Series("s", new long[] {t, t + 250_000, t + 500_000, t + 1_000_000}, new double[4][1], true);
    assertEquals("250ms", s.frequency().name());
    assertEquals(List.of(0, 3, 4), Arrays.stream(s.stretches()).boxed().toList());
  }

  @Test
  void onlyAJumpOfAboutAThousandFromAnEpochIsTakenForMixedUnits() {
    // Ordinary gaps stay gaps: steps from 1 to 1000, dates written as numbers, ten years of epoch seconds.
    assertEquals(3, numbers(1, 1000, 1_000_000).size());
    assertEquals(2, numbers(20160701, 20260701).size());
    assertEquals(2, numbers(JULY_2016, JULY_2016 + 10 * 365 * 86_400L).size());
    assertEquals(2, numbers(JULY_2016 * 1000, (JULY_2016 + 10 * 365 * 86_400L) * 1000).size());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> numbers(JULY_2016 * 1000,
        (JULY_2016 + 3600) * 1_000_000));
    assertEquals("series s jumps from time 1467331200000 (row 1 of the series, sorted by time) to "
        + "1467334800000000 (row 2), a factor of about 1000: epoch seconds next to epoch milliseconds (or "
        + "milliseconds next to microseconds); write all times of the data in one unit", e.getMessage());
  }
}
