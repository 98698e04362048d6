package sparkgru.engine.model;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The worst relative error seen per kind of golden comparison, printed after the golden tests. */
final class ErrorLog {
  private static final ConcurrentHashMap<String, Double> WORST = new ConcurrentHashMap<>();

  private ErrorLog() {}

  static void record(String what, double error) {
    String kind = what.replaceAll("^\\S+ ", "").replaceAll("\\.\\d+\\.", ".");
    String group = (what.startsWith("train_") ? "train " : "forward ") + kind;
    WORST.merge(group, error, Math::max);
  }

  static void print() {
    System.out.println("Golden comparison, worst relative error by kind:");
    WORST.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-44s %.2e%n", e.getKey(), e.getValue()));
  }
}
