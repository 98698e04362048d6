package sparkgru.engine.optim;

import sparkgru.engine.errors.InvalidInputException;

/**
 * Keras' gradient clipping, at most one kind at a time: {@code clipnorm} rescales each
 * variable's gradient to norm &lt;= c, {@code global_clipnorm} rescales all gradients together
 * so that their joint norm is &lt;= c, {@code clipvalue} clips each element to [-c, c]. In
 * each case {@code g * c / max(norm, c)}, Keras' formula.
 *
 * @param clipnorm       per-variable norm bound, or 0 for none
 * @param globalClipnorm joint norm bound, or 0 for none
 * @param clipvalue      element bound, or 0 for none
 */
public record GradientClipping(double clipnorm, double globalClipnorm, double clipvalue) {

  /** No clipping. */
  public static final GradientClipping NONE = new GradientClipping(0, 0, 0);

  /** Validates: each bound is 0 (off) or positive, and at most one is set. */
  public GradientClipping {
    check("clipnorm", clipnorm);
    check("global_clipnorm", globalClipnorm);
    check("clipvalue", clipvalue);
    int set = (clipnorm > 0 ? 1 : 0) + (globalClipnorm > 0 ? 1 : 0) + (clipvalue > 0 ? 1 : 0);
    if (set > 1) {
      throw new InvalidInputException("only one of clipnorm, global_clipnorm and clipvalue can be set, got clipnorm="
          + clipnorm + ", global_clipnorm=" + globalClipnorm + ", clipvalue=" + clipvalue);
    }
  }

  private static void check(String field, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new InvalidInputException(field + " must be a finite number > 0 (or 0 for none), got " + v);
    }
  }

  /** Clips {@code grads} in place; {@code offsets} bound the variables (length variables + 1). */
  public void apply(float[] grads, int[] offsets) {
    if (clipnorm > 0) {
      for (int v = 0; v + 1 < offsets.length; v++) {
        scale(grads, offsets[v], offsets[v + 1], clipnorm / Math.max(norm(grads, offsets[v], offsets[v + 1]), clipnorm));
      }
    } else if (globalClipnorm > 0) {
      int end = offsets[offsets.length - 1];
      scale(grads, 0, end, globalClipnorm / Math.max(norm(grads, 0, end), globalClipnorm));
    } else if (clipvalue > 0) {
      float c = (float) clipvalue;
      for (int i = 0, end = offsets[offsets.length - 1]; i < end; i++) {
        grads[i] = Math.max(-c, Math.min(c, grads[i]));
      }
    }
  }

  private static double norm(float[] g, int from, int to) {
    double sq = 0;
    for (int i = from; i < to; i++) {
      sq += (double) g[i] * g[i];
    }
    return Math.sqrt(sq);
  }

  private static void scale(float[] g, int from, int to, double factor) {
    if (factor == 1.0) {
      return;
    }
    float f = (float) factor;
    for (int i = from; i < to; i++) {
      g[i] *= f;
    }
  }
}
