package sparkgru.engine.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The tutorial runs, learns, prints every epoch and returns Keras' shapes. */
class TutorialTest {

  @Test
  void tutorialTrainsAndReturnsSequencesAndState() {
    StringWriter text = new StringWriter();
    Tutorial.Result result = Tutorial.run(42, new PrintWriter(text));
    String printed = text.toString();

    double[] loss = result.history().get("loss");
    double[] accuracy = result.history().get("binary_accuracy");
    assertTrue(loss.length == 10, "10 epochs");
    assertTrue(loss[9] < 0.8 * loss[0], "loss falls: " + Arrays.toString(loss));
    assertTrue(accuracy[9] > 0.75, "accuracy after 10 epochs: " + accuracy[9]);
    assertTrue(printed.contains("Epoch 1/10 - loss: ") && printed.contains("Epoch 10/10 - loss: "), printed);
    assertTrue(printed.contains("binary_accuracy: "), printed);
    assertTrue(printed.contains("Total params: 23,901"), "Keras counts 8,550 + 15,300 + 51\n" + printed);
    assertArrayEquals(new int[] {5, 10, 50}, result.sequenceShape());
    assertArrayEquals(new int[] {5, 50}, result.stateShape());
  }
}
