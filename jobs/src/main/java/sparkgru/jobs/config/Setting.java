package sparkgru.jobs.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import sparkgru.engine.errors.InvalidInputException;

/**
 * One fixed key of the job configuration, typed: its name, default, what it accepts and what it
 * means. {@link #parse} reads the text of a value (from a configuration file, a {@code --set}
 * override or the configuration a model file stores) and fails naming the key, the value and
 * what is allowed. Every setting is a constant of {@link Settings}; {@link JobConfig#get(Setting)}
 * reads one, and the documentation, {@code conf/demo.conf} and the MLlib params derive from it.
 *
 * @param <T> the type of the value
 */
public sealed interface Setting<T> permits Setting.IntRange, Setting.Whole, Setting.NumberRange, Setting.Flag,
    Setting.OneOf, Setting.Choice, Setting.Items, Setting.Text {

  /** The key, e.g. {@code train.epochs}. */
  String name();

  /** The default as a configuration file writes it; null when the key has none (it is then unset). */
  String defaultText();

  /** What the key means; the range or allowed values are {@link #allowed}. */
  String description();

  /** The kind of value: integer, number, boolean, one of, list, text, column, path or table. */
  String type();

  /** The range or the allowed values, as the documentation shows them; empty when the type says all. */
  String allowed();

  /** The value written as {@code text}, null when unset; fails naming the key unless it is allowed. */
  T parse(String text);

  /** The value as a configuration file writes it. */
  default String text(T value) {
    return String.valueOf(value);
  }

  /** The default value, or null when the key has none. */
  default T defaultValue() {
    return defaultText() == null ? null : parse(defaultText());
  }

  /** The default as the documentation shows it: the value, {@code empty} or {@code unset}. */
  default String defaultLabel() {
    return defaultText() == null ? "unset" : defaultText().isEmpty() ? "empty" : defaultText();
  }

  /**
   * An integer in {@code [min, max]}.
   *
   * @param name        the key
   * @param defaultText the default
   * @param min         the smallest value allowed
   * @param max         the largest value allowed
   * @param description what it means
   */
  record IntRange(String name, String defaultText, int min, int max, String description) implements Setting<Integer> {
    @Override
    public String type() {
      return "integer";
    }

    @Override
    public String allowed() {
      return "[" + min + ", " + max + "]";
    }

    @Override
    public Integer parse(String text) {
      int value;
      try {
        value = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(name + " must be an integer in " + allowed() + ", got '" + text + "'", e);
      }
      return check(value);
    }

    /** Returns {@code value}, or fails naming the key unless it is in {@code [min, max]}. */
    public int check(int value) {
      if (value < min || value > max) {
        throw new InvalidInputException(name + " must be in " + allowed() + ", got " + value);
      }
      return value;
    }
  }

  /**
   * Any 64-bit integer.
   *
   * @param name        the key
   * @param defaultText the default
   * @param description what it means
   */
  record Whole(String name, String defaultText, String description) implements Setting<Long> {
    @Override
    public String type() {
      return "integer";
    }

    @Override
    public String allowed() {
      return "64-bit";
    }

    @Override
    public Long parse(String text) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(name + " must be an integer, got '" + text + "'", e);
      }
    }
  }

  /**
   * A number in {@code [min, max]}, or in {@code (min, max)} when {@code open}.
   *
   * @param name        the key
   * @param defaultText the default
   * @param min         the lower bound
   * @param max         the upper bound; {@link Double#MAX_VALUE} for none
   * @param open        whether the bounds themselves are excluded
   * @param description what it means
   */
  record NumberRange(String name, String defaultText, double min, double max, boolean open, String description)
      implements Setting<Double> {
    @Override
    public String type() {
      return "number";
    }

    @Override
    public String allowed() {
      if (max == Double.MAX_VALUE) {
        return (open ? "> " : ">= ") + plain(min);
      }
      return (open ? "(" : "[") + plain(min) + ", " + plain(max) + (open ? ")" : "]");
    }

    @Override
    public Double parse(String text) {
      double value;
      try {
        value = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(name + " must be a number in " + bounds() + ", got '" + text + "'", e);
      }
      if (open ? !(value > min && value < max) : !(value >= min && value <= max)) {
        throw new InvalidInputException(name + " must be in " + bounds() + ", got " + value);
      }
      return value;
    }

    /** The smallest value allowed: {@code min}, or the next double above it when the bounds are open. */
    public double least() {
      return open ? Math.nextUp(min) : min;
    }

    /** The largest value allowed: {@code max}, or the next double below it when the bounds are open. */
    public double most() {
      return open ? Math.nextDown(max) : max;
    }

    private String bounds() {
      return (open ? "(" : "[") + min + ", " + max + (open ? ")" : "]");
    }

    private static String plain(double d) {
      return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
  }

  /**
   * {@code true} or {@code false}, in any case.
   *
   * @param name        the key
   * @param defaultText the default
   * @param description what it means
   */
  record Flag(String name, String defaultText, String description) implements Setting<Boolean> {
    @Override
    public String type() {
      return "boolean";
    }

    @Override
    public String allowed() {
      return "true, false";
    }

    @Override
    public Boolean parse(String text) {
      String v = String.valueOf(text).toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new InvalidInputException(name + " must be true or false, got '" + v + "'");
      }
      return v.equals("true");
    }
  }

  /**
   * One of a list of names, read by {@code parser}, which returns the name and fails naming the
   * key and the names unless the text is one of them.
   *
   * @param name        the key
   * @param defaultText the default
   * @param names       the names allowed
   * @param parser      the name a text means
   * @param description what it means
   */
  record OneOf(String name, String defaultText, List<String> names, UnaryOperator<String> parser,
      String description) implements Setting<String> {
    /** Copies the names. */
    public OneOf {
      names = List.copyOf(names);
    }

    /**
     * One of {@code names}, in any case and without surrounding blanks.
     *
     * @param name        the key
     * @param defaultText the default
     * @param names       the names allowed, lower case
     * @param description what it means
     */
    public static OneOf of(String name, String defaultText, List<String> names, String description) {
      return new OneOf(name, defaultText, names, text -> {
        String wanted = text == null ? null : text.trim().toLowerCase(Locale.ROOT);
        if (!names.contains(wanted)) {
          throw new InvalidInputException(name + " must be one of " + names + ", got '" + wanted + "'");
        }
        return wanted;
      }, description);
    }

    @Override
    public String type() {
      return "one of";
    }

    @Override
    public String allowed() {
      return String.join(", ", names);
    }

    @Override
    public String parse(String text) {
      return parser.apply(text);
    }
  }

  /**
   * A constant of an enum, named in lower case and read by {@code parser}.
   *
   * @param name        the key
   * @param defaultText the default
   * @param constants   the enum
   * @param parser      the constant a text names, failing with the key and the names otherwise
   * @param description what it means
   * @param <E>         the enum
   */
  record Choice<E extends Enum<E>>(String name, String defaultText, Class<E> constants, Function<String, E> parser,
      String description) implements Setting<E> {
    @Override
    public String type() {
      return "one of";
    }

    @Override
    public String allowed() {
      List<String> names = new ArrayList<>();
      for (E c : constants.getEnumConstants()) {
        names.add(text(c));
      }
      return String.join(", ", names);
    }

    @Override
    public E parse(String text) {
      return parser.apply(text);
    }

    @Override
    public String text(E value) {
      return value.name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A comma-separated list, blank items dropped; its items are checked where they are used.
   *
   * @param name        the key
   * @param defaultText the default, null for none (an empty list)
   * @param names       the items allowed, empty when any
   * @param description what it means
   */
  record Items(String name, String defaultText, List<String> names, String description)
      implements Setting<List<String>> {
    /** Copies the names. */
    public Items {
      names = List.copyOf(names);
    }

    @Override
    public String type() {
      return "list";
    }

    @Override
    public String allowed() {
      return String.join(", ", names);
    }

    @Override
    public List<String> parse(String text) {
      List<String> out = new ArrayList<>();
      if (text != null) {
        for (String part : text.split(",")) {
          if (!part.isBlank()) {
            out.add(part.trim());
          }
        }
      }
      return List.copyOf(out);
    }

    @Override
    public String text(List<String> value) {
      return String.join(",", value);
    }
  }

  /**
   * Text: a column name, a path, or a value {@code check} reads (returning it as used, or failing
   * naming the key).
   *
   * @param name        the key
   * @param defaultText the default, null for none
   * @param type        text, column or path
   * @param allowed     the forms accepted, empty when any
   * @param check       the value as used, or an error naming the key
   * @param description what it means
   */
  record Text(String name, String defaultText, String type, String allowed, UnaryOperator<String> check,
      String description) implements Setting<String> {
    @Override
    public String parse(String text) {
      return text == null ? null : check.apply(text);
    }
  }
}
