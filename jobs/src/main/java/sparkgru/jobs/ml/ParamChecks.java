package sparkgru.jobs.ml;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.util.MLReader;
import scala.Function1;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.data.FrequencyRule;
import sparkgru.engine.loss.Loss;

/**
 * Validators for MLlib {@code Param}s that fail with a message naming the stage, the param, the
 * allowed values and the value given (MLlib's own validators only say "invalid value"). They
 * run whenever a value is set, directly, through a {@code ParamMap} or a param grid.
 */
final class ParamChecks {
  private ParamChecks() {}

  /** A serializable Scala predicate. */
  interface Check<T> extends Function1<T, Object>, Serializable {}

  /** A number in [min, max]. */
  static Check<Object> range(String owner, String name, double min, double max) {
    return v -> {
      double d = ((Number) v).doubleValue();
      if (!(d >= min && d <= max)) {
        throw new InvalidInputException(owner + " param " + name + " must be in [" + format(min) + ", "
            + format(max) + "], got " + v);
      }
      return true;
    };
  }

  /** One of {@code allowed} (case-insensitive). */
  static Check<String> oneOf(String owner, String name, List<String> allowed) {
    return v -> {
      if (v == null || !allowed.contains(v.trim().toLowerCase(Locale.ROOT))) {
        throw new InvalidInputException(owner + " param " + name + " must be one of " + allowed + ", got '" + v
            + "'");
      }
      return true;
    };
  }

  /** A frequency as {@code data.frequency} takes it: auto, a pandas alias or a whole number. */
  static Check<String> frequency(String owner, String name) {
    return v -> {
      try {
        FrequencyRule.of(v);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(owner + " param " + name + ": " + e.getMessage(), e);
      }
      return true;
    };
  }

  /** A comma-separated list whose every item is one of {@code allowed}; empty when {@code emptyOk}. */
  static Check<String> listOf(String owner, String name, List<String> allowed, boolean emptyOk) {
    return v -> {
      if (emptyOk && v != null && v.isBlank()) {
        return true;
      }
      List<String> items = v == null ? List.of() : List.of(v.split(",", -1));
      for (String item : items) {
        if (!allowed.contains(item.trim().toLowerCase(Locale.ROOT))) {
          throw new InvalidInputException(owner + " param " + name + " must be a comma-separated list of "
              + allowed + ", got '" + v + "'");
        }
      }
      if (items.isEmpty() && !emptyOk) {
        throw new InvalidInputException(owner + " param " + name + " must not be empty");
      }
      return true;
    };
  }

  /** Every entry matches {@code pattern} (a regular expression), described by {@code form}. */
  static Check<String[]> entries(String owner, String name, String pattern, String form) {
    return v -> {
      for (String e : v) {
        if (e == null || !e.trim().matches(pattern)) {
          throw new InvalidInputException(owner + " param " + name + " entries must look like " + form + ", got '"
              + e + "'");
        }
      }
      return true;
    };
  }

  /**
   * Quantile levels as the pinball loss takes them (increasing, each strictly between 0 and 1),
   * checked by {@link Loss.Pinball}; empty for none.
   */
  static Check<double[]> quantiles(String owner, String name) {
    return v -> {
      if (v == null) {
        throw new InvalidInputException(owner + " param " + name + " must not be null (empty for point predictions)");
      }
      if (v.length > 0) {
        Loss.Pinball.check(v, owner + " param " + name);
      }
      return true;
    };
  }

  /** Any value but null. */
  static Check<String> notNull(String owner, String name) {
    return v -> {
      if (v == null) {
        throw new InvalidInputException(owner + " param " + name + " must not be null (empty to leave it off)");
      }
      return true;
    };
  }

  /** A non-blank column name. */
  static Check<String> column(String owner, String name) {
    return v -> {
      if (v == null || v.isBlank()) {
        throw new InvalidInputException(owner + " param " + name + " must name a column, got '" + v + "'");
      }
      return true;
    };
  }

  /**
   * Loads a saved stage with MLlib's params reader, failing with a message naming both classes
   * when {@code path} holds another kind of stage.
   */
  static <T> T stage(MLReader<T> reader, String path, Class<T> type) {
    Object stage = reader.load(path);
    if (!type.isInstance(stage)) {
      throw new InvalidInputException(path + " holds a saved " + stage.getClass().getName() + ", not a "
          + type.getName());
    }
    return type.cast(stage);
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
