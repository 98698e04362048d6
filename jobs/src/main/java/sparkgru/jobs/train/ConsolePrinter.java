package sparkgru.jobs.train;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import sparkgru.engine.model.EpochListener;

/** Prints one line per epoch: the epoch, then every log value. */
public final class ConsolePrinter implements EpochListener {
  private final PrintWriter out;
  private final int epochs;

  /** Prints to {@code out}, numbering epochs out of {@code epochs}. */
  public ConsolePrinter(PrintWriter out, int epochs) {
    this.out = out;
    this.epochs = epochs;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    StringBuilder sb = new StringBuilder("Epoch " + epoch + "/" + epochs);
    logs.forEach((k, v) -> sb.append(String.format(Locale.ROOT, format(k), k, v)));
    out.println(sb);
    out.flush();
  }

  private static String format(String key) {
    if (key.equals("samples_per_s")) {
      return " - %s: %.0f";
    }
    return key.endsWith("seconds") ? " - %s: %.2f" : " - %s: %.4f";
  }
}
