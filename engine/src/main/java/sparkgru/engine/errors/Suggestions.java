package sparkgru.engine.errors;

import java.util.Comparator;
import java.util.Set;

/** "Did you mean" hints for mistyped configuration keys. */
public final class Suggestions {
  private Suggestions() {}

  /** {@code "; did you mean 'x'?"} for the closest known key within edit distance 3, else "". */
  public static String nearest(String key, Set<String> known) {
    return known.stream().min(Comparator.comparingInt(k -> editDistance(key, k)))
        .filter(k -> editDistance(key, k) <= 3)
        .map(k -> "; did you mean '" + k + "'?")
        .orElse("");
  }

  /** Levenshtein distance. */
  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
