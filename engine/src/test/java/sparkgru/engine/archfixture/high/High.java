package sparkgru.engine.archfixture.high;

import sparkgru.engine.archfixture.low.Low;

/** A higher package's class that uses the lower one, as layers may. */
public final class High {
  private High() {}

  /** A value the lower package reads. */
  public static int value() {
    return 1;
  }

  /** Reaches down. */
  public static int forward() {
    return Low.backEdge();
  }
}
