package sparkgru.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-epoch logs of a fit, as Keras' {@code History}: keys {@code loss}, metric names, and
 * {@code val_}-prefixed ones when validation data was given.
 */
public final class History {
  private final List<Map<String, Double>> epochs = new ArrayList<>();

  /** Appends one epoch's logs. */
  public void add(Map<String, Double> logs) {
    epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(logs)));
  }

  /** The logs of each epoch, in order. */
  public List<Map<String, Double>> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** One key across epochs, e.g. {@code history.get("val_loss")}. */
  public double[] get(String key) {
    double[] out = new double[epochs.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = epochs.get(i).get(key);
      if (v == null) {
        throw new IllegalArgumentException("history has no '" + key + "'; keys: "
            + (epochs.isEmpty() ? "[]" : epochs.get(0).keySet()));
      }
      out[i] = v;
    }
    return out;
  }
}
