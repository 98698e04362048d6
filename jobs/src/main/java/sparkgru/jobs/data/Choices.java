package sparkgru.jobs.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sparkgru.engine.errors.InvalidInputException;

/** Configuration values that name one constant of an enum, in lower case. */
final class Choices {
  private Choices() {}

  /**
   * The constant of {@code type} named {@code name} (any case, surrounding blanks ignored), or an
   * error naming {@code key}, the allowed names and the value given.
   */
  static <E extends Enum<E>> E parse(Class<E> type, String key, String name) {
    try {
      return Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw new InvalidInputException(key + " must be one of " + allowed + ", got '" + name + "'", e);
    }
  }
}
