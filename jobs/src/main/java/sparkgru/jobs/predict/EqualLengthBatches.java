package sparkgru.jobs.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sparkgru.engine.linalg.Tensor;
import sparkgru.engine.model.Sequential;

/**
 * Predicts a batch of sequences of any lengths: sequences of one length run through the model
 * together, unpadded, so each gets what Keras computes for it alone, with no padding or mask
 * ({@code go_backwards} and {@code return_sequences} included), up to float32 rounding: the
 * matrix products of a batch block their sums by its size, so the same sequence predicted among
 * other sequences can differ in the last bits (relative differences near 1e-7, measured in
 * {@code GruEstimatorTest#predictionsDependOnTheBatchSizeOnlyByFloat32Rounding}).
 */
public final class EqualLengthBatches {
  private EqualLengthBatches() {}

  /**
   * The model's output for each sequence, in the order given: {@code [k]} values for a model
   * ending in one vector, {@code [steps * k]} (row-major {@code [steps, k]}) for one returning
   * sequences.
   *
   * @param batch sequences as {@code [steps][width]}
   * @param width features per step
   */
  public static float[][] predict(Sequential model, List<double[][]> batch, int width) {
    boolean sequences = model.outputShape().length == 2;
    Map<Integer, List<Integer>> byLength = new TreeMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byLength.computeIfAbsent(batch.get(i).length, l -> new ArrayList<>()).add(i);
    }
    float[][] out = new float[batch.size()][];
    for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
      int t = group.getKey();
      List<Integer> members = group.getValue();
      float[] x = new float[members.size() * t * width];
      for (int m = 0; m < members.size(); m++) {
        double[][] q = batch.get(members.get(m));
        for (int s = 0; s < t; s++) {
          for (int c = 0; c < width; c++) {
            x[(m * t + s) * width + c] = (float) q[s][c];
          }
        }
      }
      float[] y = model.predict(Tensor.of(x, members.size(), t, width), members.size()).toArray();
      int per = y.length / members.size();
      for (int m = 0; m < members.size(); m++) {
        out[members.get(m)] = Arrays.copyOfRange(y, m * per, (m + 1) * per);
      }
    }
    return out;
  }
}
