package sparkgru.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Calendar frequencies on generated calendar data: Februaries, leap years, month ends, weekends,
 * a missing month, anchored quarters and years, and the names, inference and errors of
 * {@code data.frequency}.
 */
class FrequencyTest {
  private static long at(String dateTime) {
    return LocalDateTime.parse(dateTime.length() == 10 ? dateTime + "T00:00:00" : dateTime.replace(' ', 'T'))
        .toEpochSecond(ZoneOffset.UTC) * Series.MICROS_PER_SECOND;
  }

  private static long[] times(String... dateTimes) {
    return Arrays.stream(dateTimes).mapToLong(FrequencyTest::at).toArray();
  }

  private static Series series(FrequencyRule rule, long... times) {
    return new Series("s", times, new double[times.length][1], true, null, rule.resolve("s", times, true, null),
        new String[0]);
  }

  private static Series auto(String... dateTimes) {
    return series(FrequencyRule.AUTO, times(dateTimes));
  }

  private static String text(Series s, int row) {
    return s.timeText(s.time(row));
  }

  private static List<Integer> stretches(Series s) {
    return Arrays.stream(s.stretches()).boxed().toList();
  }

  @Test
  void monthStartsHaveNoGapsWhateverTheLengthsOfTheMonths() {
    Series s = auto("2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01");
    assertEquals("MS", s.frequency().name());
    assertEquals(List.of(0, 5), stretches(s));
    assertEquals("2024-04-01 00:00:00", text(s, 5), "forecast times continue the calendar");
    assertEquals("2025-01-01 00:00:00", text(s, 14));
  }

  @Test
  void monthEndsStayMonthEndsThroughFebruariesAndLeapYears() {
    Series s = auto("2023-12-31", "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30");
    assertEquals("ME", s.frequency().name());
    assertEquals(List.of(0, 5), stretches(s));
    assertEquals(List.of("2024-05-31 00:00:00", "2024-06-30 00:00:00"), List.of(text(s, 5), text(s, 6)));
    assertEquals("2025-02-28 00:00:00", text(s, 14), "2025 is not a leap year");
    assertEquals("2028-02-29 00:00:00", text(s, 50), "2028 is");
    Series y2100 = auto("2099-12-31", "2100-01-31");
    assertEquals("2100-02-28 00:00:00", text(y2100, 2), "2100 is not a leap year: divisible by 100, not 400");
  }

  @Test
  void aMissingMonthIsAGapOfOnePeriod() {
    Series s = auto("2024-01-01", "2024-02-01", "2024-04-01", "2024-05-01");
    assertEquals("MS", s.frequency().name());
    assertEquals(List.of(0, 2, 4), stretches(s));
    assertEquals(2, s.periodsBetween(2));
    Series filled = s.withMissingPeriods();
    assertArrayEquals(times("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"), filled.times());
    assertEquals(Double.NaN, filled.values()[2][0]);
  }

  @Test
  void quartersAndYearsAreAnchoredOnTheirMonth() {
    Series q = auto("2023-03-31", "2023-06-30", "2023-09-30", "2023-12-31");
    assertEquals("QE-DEC", q.frequency().name());
    assertEquals("2024-03-31 00:00:00", text(q, 4));
    Series qs = auto("2023-01-01", "2023-04-01", "2023-10-01");
    assertEquals("QS-JAN", qs.frequency().name());
    assertEquals(List.of(0, 2, 3), stretches(qs), "July is missing");
    Series y = auto("2021-01-01", "2022-01-01", "2023-01-01");
    assertEquals("YS-JAN", y.frequency().name());
    assertEquals("2024-01-01 00:00:00", text(y, 3));
    Series fiscal = auto("2021-06-30", "2022-06-30");
    assertEquals("YE-JUN", fiscal.frequency().name());
    assertEquals("2023-06-30 00:00:00", text(fiscal, 2));
  }

  @Test
  void businessDaysSkipWeekends() {
    // Thursday 2024-02-29 to Tuesday 2024-03-05, then Monday 2024-03-11 after a missing week's rest.
    Series s = auto("2024-02-29", "2024-03-01", "2024-03-04", "2024-03-05", "2024-03-11");
    assertEquals("B", s.frequency().name());
    assertEquals(List.of(0, 4, 5), stretches(s));
    assertEquals(4, s.periodsBetween(4), "Wednesday to Friday are missing");
    assertEquals(List.of("2024-03-12 00:00:00", "2024-03-15 00:00:00", "2024-03-18 00:00:00"),
        List.of(text(s, 5), text(s, 8), text(s, 9)), "Friday is followed by Monday");
    for (int p = -20; p < 20; p++) {
      Frequency.BusinessDays b = (Frequency.BusinessDays) s.frequency();
      LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(b.time(p), Frequency.DAY));
      assertEquals(true, d.getDayOfWeek().getValue() <= 5, d + " is a weekday");
      assertEquals(p, b.period(b.time(p)));
    }
  }

  @Test
  void fixedStepsAreTheMostCommonDifferenceAndWeeksNameTheirWeekday() {
    Series hourly = auto("2024-01-01 00:00:00", "2024-01-01 01:00:00", "2024-01-01 03:00:00", "2024-01-01 04:00:00");
    assertEquals("h", hourly.frequency().name());
    assertEquals(List.of(0, 2, 4), stretches(hourly));
    Series weekly = auto("2024-01-07", "2024-01-14", "2024-01-28");
    assertEquals("W-SUN", weekly.frequency().name());
    assertEquals("W-FRI", auto("2024-03-01", "2024-03-08", "2024-03-15").frequency().name(),
        "weekdays a week apart are weekly, not business days with gaps");
    assertEquals("2024-02-04 00:00:00", text(weekly, 3));
    Series daily = auto("2024-03-01", "2024-03-02", "2024-03-03");
    assertEquals("D", daily.frequency().name(), "a weekend inside: not business days");
    assertEquals("15min", auto("2024-01-01 00:00:00", "2024-01-01 00:15:00").frequency().name());
    assertEquals("3", new Series("n", new long[] {0, 3, 6, 12}, new double[4][1], false).frequency().name());
  }

  @Test
  void aRowOffTheGridNamesTheSeriesTwoTimesAndWhatWasTried() {
    long[] hours = IntStream.range(0, 8).mapToLong(i -> at("2024-01-01 00:00:00") + i * 3_600_000_000L).toArray();
    hours[5] += Series.MICROS_PER_SECOND;
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> series(FrequencyRule.AUTO, hours));
    assertEquals("series s has times that fit no frequency; the nearest is a step of h (the most common), which 1 "
        + "of its 8 times is off, e.g. 2024-01-01 05:00:01 (row 6 of the series); tried month starts: 7 off, month "
        + "ends: 8 off, business days: 7 off, a step of h (the most common): 1 off; fix or round these times, or set "
        + "data.frequency (now auto)", e.getMessage());
    long[] monthly = new long[24];
    for (int m = 0; m < monthly.length; m++) {
      monthly[m] = at(java.time.LocalDate.of(1995, 1, 1).plusMonths(m).toString());
    }
    monthly[14] = at("1996-03-15");
    InvalidInputException mid = assertThrows(InvalidInputException.class, () -> series(FrequencyRule.AUTO, monthly));
    assertTrue(mid.getMessage().startsWith("series s has times that fit no frequency; the nearest is month starts, "
        + "which 1 of its 24 times is off, e.g. 1996-03-15 00:00:00 (row 15 of the series); tried month starts: 1 "
        + "off, month ends: 24 off, business days: "), mid.getMessage());
    InvalidInputException named = assertThrows(InvalidInputException.class,
        () -> series(FrequencyRule.of("MS"), times("2024-01-01", "2024-02-01", "2024-02-15", "2024-03-31")));
    assertEquals("series s has times off the grid of data.frequency=MS: 2024-02-15 00:00:00 (row 3 of the series) "
        + "and 2024-03-31 00:00:00 (row 4); the first day of each month at one time of day from 2024-01-01 00:00:00; "
        + "fix or round these times, or set data.frequency to the series' frequency (auto infers it)",
        named.getMessage());
  }

  @Test
  void namedFrequenciesFollowPandasAliases() {
    long[] days = times("2024-01-05", "2024-01-08", "2024-01-09");
    assertEquals("B", series(FrequencyRule.of("B"), days).frequency().name());
    assertEquals("D", series(FrequencyRule.of("D"), days).frequency().name());
    assertEquals(List.of(0, 1, 3), stretches(series(FrequencyRule.of("D"), days)), "as days, the weekend is a gap");
    assertEquals("ME", series(FrequencyRule.of("M"), times("2024-01-31")).frequency().name());
    assertEquals("QE-DEC", series(FrequencyRule.of("Q"), times("2024-03-31")).frequency().name());
    assertEquals("QS-JAN", series(FrequencyRule.of("QS-APR"), times("2024-04-01")).frequency().name(),
        "QS-APR and QS-JAN are the same quarters");
    assertEquals("YE-DEC", series(FrequencyRule.of("A"), times("2024-12-31")).frequency().name());
    assertEquals("2h", series(FrequencyRule.of("2h"), times("2024-01-01 00:00:00")).frequency().name());
    assertEquals("W-MON", series(FrequencyRule.of("W-MON"), times("2024-01-01")).frequency().name());
    assertEquals("5", FrequencyRule.of("5").resolve("n", new long[] {0, 5}, false, null).name());
    String[][] examples = {{"MS", "2020-01-01"}, {"ME", "2020-01-31"}, {"QS-FEB", "2020-02-01"},
        {"QE-NOV", "2020-02-29"}, {"YS-MAR", "2020-03-01"}, {"YE-JUN", "2020-06-30"}, {"3MS", "2020-04-01"},
        {"B", "2020-01-01"}, {"h", "2020-01-01"}, {"15min", "2020-01-01"}, {"W-WED", "2020-01-01"}};
    for (String[] e : examples) {
      Frequency f = FrequencyRule.of(e[0]).resolve("s", times(e[1]), true, null);
      assertEquals(f, FrequencyRule.of(f.name()).resolve("s", times(e[1]), true, null),
          e[0] + " reads back from its name " + f.name());
    }
  }

  @Test
  void wallClockTimesAreReadAtTheSeriesOffset() {
    ZoneOffset paris = ZoneOffset.ofHours(1);
    // Month starts at midnight in Paris are 23:00 UTC the day before.
    long[] t = {at("2023-12-31 23:00:00"), at("2024-01-31 23:00:00"), at("2024-02-29 23:00:00")};
    Frequency f = FrequencyRule.AUTO.resolve("s", t, true, paris);
    assertEquals("MS", f.name());
    assertEquals(at("2024-03-31 23:00:00"), f.time(f.period(t[2]) + 1));
  }

  @Test
  void unknownOrMisappliedFrequenciesAreRefused() {
    assertEquals("data.frequency must be auto or a pandas frequency such as 15min, h, D, B, W-SUN, MS, ME, QS, QE, "
        + "YS, YE (optionally with a multiple, e.g. 2h, 3MS), or a whole number (the step) for numeric times; got "
        + "'monthly'", assertThrows(InvalidInputException.class, () -> FrequencyRule.of("monthly")).getMessage());
    assertEquals("data.frequency='W-XYZ' names no weekday: write W-MON, W-TUE, ... or W-SUN",
        assertThrows(InvalidInputException.class, () -> FrequencyRule.of("W-XYZ")).getMessage());
    assertEquals("data.frequency takes business days without a multiple (B), got '2B'",
        assertThrows(InvalidInputException.class, () -> FrequencyRule.of("2B")).getMessage());
    assertEquals("data.frequency needs a multiple of at least 1 and at most 9223372036854775807, got '0h'",
        assertThrows(InvalidInputException.class, () -> FrequencyRule.of("0h")).getMessage());
    assertEquals("data.frequency=MS is a calendar frequency, and series n has numeric times; give the step as a "
        + "whole number (e.g. 1)", assertThrows(InvalidInputException.class,
        () -> FrequencyRule.of("MS").resolve("n", new long[] {1, 2}, false, null)).getMessage());
    assertEquals("data.frequency=7 is a step for numeric times, and series d has date-times; name a frequency such "
        + "as h, D or MS", assertThrows(InvalidInputException.class,
        () -> FrequencyRule.of("7").resolve("d", times("2024-01-01"), true, null)).getMessage());
  }
}
