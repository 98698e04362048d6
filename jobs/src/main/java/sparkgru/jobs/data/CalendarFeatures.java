package sparkgru.jobs.data;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/**
 * Calendar features of a date-time ({@code features.calendar}), each a position in its cycle
 * {@code x} in [0, 1) given to the model as {@code sin(2 pi x)} and {@code cos(2 pi x)}, so that
 * December sits next to January. Computed on the wall clock of the series ({@link Series#zone()})
 * for the lookback and for the forecast steps, whose times follow the series' frequency.
 *
 * <ul>
 *   <li>{@code hour_of_day}: (hour + minute / 60) / 24;
 *   <li>{@code day_of_week}: (ISO day - 1) / 7, Monday 0;
 *   <li>{@code day_of_month}: (day - 1) / days in the month;
 *   <li>{@code day_of_year}: (day - 1) / days in the year;
 *   <li>{@code week_of_year}: (ISO week - 1) / weeks in the ISO year (52 or 53);
 *   <li>{@code month_of_year}: (month - 1) / 12;
 *   <li>{@code quarter}: (quarter - 1) / 4.
 * </ul>
 *
 * @param names the features, in the order given
 */
public record CalendarFeatures(List<String> names) implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The features there are. */
  public static final List<String> NAMES = List.of("hour_of_day", "day_of_week", "day_of_month", "day_of_year",
      "week_of_year", "month_of_year", "quarter");

  /** Checks the names: known and not repeated. */
  public CalendarFeatures {
    names = List.copyOf(names);
    for (String n : names) {
      if (!NAMES.contains(n)) {
        throw new InvalidInputException("features.calendar takes " + String.join(", ", NAMES) + "; got '" + n + "'");
      }
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new InvalidInputException("features.calendar lists a feature twice: " + names);
    }
  }

  /** Inputs per step: a sine and a cosine per feature. */
  public int width() {
    return 2 * names.size();
  }

  /** The inputs' names, {@code month_of_year_sin, month_of_year_cos, ...}. */
  public List<String> inputNames() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(n + "_sin");
      out.add(n + "_cos");
    }
    return out;
  }

  /** Writes the features of {@code time} (epoch microseconds, wall clock at {@code zone}, UTC when null) at {@code x[at]}. */
  public void write(long time, ZoneOffset zone, float[] x, int at) {
    long seconds = Math.floorDiv(time, Series.MICROS_PER_SECOND);
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, zone == null ? ZoneOffset.UTC : zone);
    int o = at;
    for (String n : names) {
      double position = switch (n) {
        case "hour_of_day" -> (t.getHour() + t.getMinute() / 60.0 + t.getSecond() / 3600.0) / 24;
        case "day_of_week" -> (t.getDayOfWeek().getValue() - 1) / 7.0;
        case "day_of_month" -> (t.getDayOfMonth() - 1) / (double) t.toLocalDate().lengthOfMonth();
        case "day_of_year" -> (t.getDayOfYear() - 1) / (double) t.toLocalDate().lengthOfYear();
        case "week_of_year" -> (t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) - 1)
            / (double) t.toLocalDate().range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
        case "month_of_year" -> (t.get(ChronoField.MONTH_OF_YEAR) - 1) / 12.0;
        case "quarter" -> (t.get(IsoFields.QUARTER_OF_YEAR) - 1) / 4.0;
        default -> throw new IllegalStateException("unknown calendar feature " + n.toUpperCase(Locale.ROOT));
      };
      x[o++] = (float) Math.sin(2 * Math.PI * position);
      x[o++] = (float) Math.cos(2 * Math.PI * position);
    }
  }
}
