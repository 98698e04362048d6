package sparkgru.engine.archfixture.low;

import sparkgru.engine.archfixture.high.High;

/** A lower package's class that uses a higher one: the back edge {@code LayeringTest} must catch. */
public final class Low {
  private Low() {}

  /** Reaches up. */
  public static int backEdge() {
    return High.value();
  }
}
