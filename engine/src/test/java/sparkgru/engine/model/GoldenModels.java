package sparkgru.engine.model;

import java.util.ArrayList;
import java.util.List;
import sparkgru.engine.layers.Dense;
import sparkgru.engine.layers.Dropout;
import sparkgru.engine.layers.GruConfig;
import sparkgru.engine.layers.GruLayer;
import sparkgru.engine.layers.Initializer;
import sparkgru.engine.layers.Layer;
import sparkgru.engine.layers.Masking;
import sparkgru.engine.layers.Regularizer;
import sparkgru.engine.linalg.Activation;
import sparkgru.engine.optim.Adam;
import sparkgru.engine.optim.GradientClipping;
import sparkgru.engine.optim.LearningRateSchedule;
import sparkgru.engine.optim.Optimizer;
import sparkgru.engine.optim.RmsProp;
import sparkgru.engine.optim.Sgd;

/** Builds engine layers and optimisers from the Keras arguments of a golden file. */
final class GoldenModels {
  private GoldenModels() {}

  static List<Layer> layers(GoldenFile file) {
    List<Layer> layers = new ArrayList<>();
    for (GoldenFile.LayerSpec spec : file.layers) {
      layers.add(switch (spec.type()) {
        case "masking" -> new Masking(Float.parseFloat(spec.get("mask_value")));
        case "dropout" -> new Dropout(Double.parseDouble(spec.get("rate")), null);
        case "dense" -> new Dense(Integer.parseInt(spec.get("units")),
            Activation.fromKerasName(spec.get("activation"), "dense.activation"), spec.flag("use_bias"),
            Initializer.glorotUniform(), new Initializer.Zeros(), null, null);
        case "gru" -> new GruLayer(gru(spec));
        default -> throw new IllegalArgumentException("unknown layer " + spec.type());
      });
    }
    return layers;
  }

  static GruConfig gru(GoldenFile.LayerSpec spec) {
    GruConfig.Builder b = GruConfig.builder(Integer.parseInt(spec.get("units")))
        .activation(spec.get("activation"))
        .recurrentActivation(spec.get("recurrent_activation"))
        .useBias(spec.flag("use_bias"))
        .resetAfter(spec.flag("reset_after"))
        .returnSequences(spec.flag("return_sequences"))
        .returnState(spec.flag("return_state"))
        .goBackwards(spec.flag("go_backwards"))
        .kernelRegularizer(Regularizer.parse(spec.args().get("kernel_regularizer"), "kernel_regularizer"))
        .recurrentRegularizer(Regularizer.parse(spec.args().get("recurrent_regularizer"), "recurrent_regularizer"))
        .biasRegularizer(Regularizer.parse(spec.args().get("bias_regularizer"), "bias_regularizer"))
        .activityRegularizer(Regularizer.parse(spec.args().get("activity_regularizer"), "activity_regularizer"));
    if (spec.args().containsKey("kernel_constraint")) {
      b.kernelConstraint(spec.get("kernel_constraint"));
    }
    if (spec.args().containsKey("recurrent_constraint")) {
      b.recurrentConstraint(spec.get("recurrent_constraint"));
    }
    if (spec.args().containsKey("bias_constraint")) {
      b.biasConstraint(spec.get("bias_constraint"));
    }
    return b.build();
  }

  static Optimizer optimizer(GoldenFile file) {
    var t = file.train;
    LearningRateSchedule schedule;
    if (t.containsKey("schedule")) {
      String[] p = t.get("schedule").split(":");
      schedule = switch (p[0]) {
        case "exponential_decay" -> new LearningRateSchedule.ExponentialDecay(Double.parseDouble(p[1]),
            Long.parseLong(p[2]), Double.parseDouble(p[3]), Boolean.parseBoolean(p[4]));
        case "cosine_decay" -> new LearningRateSchedule.CosineDecay(Double.parseDouble(p[1]), Long.parseLong(p[2]),
            Double.parseDouble(p[3]));
        default -> throw new IllegalArgumentException(p[0]);
      };
    } else {
      schedule = new LearningRateSchedule.Constant(Double.parseDouble(t.get("learning_rate")));
    }
    GradientClipping clipping = new GradientClipping(num(t, "clipnorm", 0), num(t, "global_clipnorm", 0),
        num(t, "clipvalue", 0));
    return switch (t.get("optimizer")) {
      case "sgd" -> new Sgd(schedule, num(t, "momentum", 0), Boolean.parseBoolean(t.getOrDefault("nesterov", "false")),
          clipping, 0);
      case "adam" -> new Adam(schedule, num(t, "beta_1", 0.9), num(t, "beta_2", 0.999), num(t, "epsilon", 1e-7),
          clipping, 0);
      case "adamw" -> new Adam(schedule, num(t, "beta_1", 0.9), num(t, "beta_2", 0.999), num(t, "epsilon", 1e-7),
          clipping, num(t, "weight_decay", Adam.ADAMW_DEFAULT_WEIGHT_DECAY));
      case "rmsprop" -> new RmsProp(schedule, num(t, "rho", 0.9), num(t, "momentum", 0), num(t, "epsilon", 1e-7),
          Boolean.parseBoolean(t.getOrDefault("centered", "false")), clipping, 0);
      default -> throw new IllegalArgumentException(t.get("optimizer"));
    };
  }

  private static double num(java.util.Map<String, String> t, String key, double fallback) {
    return t.containsKey(key) ? Double.parseDouble(t.get(key)) : fallback;
  }
}
