package sparkgru.engine.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sparkgru.engine.linalg.KernelCases.GruKernel;
import sparkgru.engine.linalg.KernelCases.Step;

/**
 * The fused kernels give the same bits wherever an element is computed: in a vector lane or in
 * the scalar tail, in the interpreter or in C2's code, at any vector width. Training's
 * reproducibility across machines rests on this (README, Native BLAS). Sigmoid and tanh alone
 * have their lane-and-tail test in {@code ActivationTest}; Adam's tail is {@code Adam}'s own loop,
 * tested in {@code OptimizerTest}.
 */
class VectorKernelsTest {
  /** Runs of every kernel before the one compared: with -Xbatch, enough for C2 to compile each (checked). */
  private static final int WARM_UP = 2000;
  /**
   * The methods of {@code VectorApiKernels} that hold the loops: a compiled run must end with C2's
   * code for each installed (compiled at tier 4 and not since discarded).
   */
  private static final Set<String> KERNEL_METHODS = Set.of("activate", "gruState", "gruBackwardRow", "adam");
  private static final Pattern C2_COMPILE =
      Pattern.compile("^\\s*\\d+\\s+(\\d+)\\s+[ sbn!]*\\s4\\s+sparkgru\\.engine\\.linalg\\.VectorApiKernels::(\\w+) ");

  /** A forked JVM's lane count and its outputs' bits by name. */
  private record Run(String name, int lanes, Map<String, int[]> bits) {}

  @ParameterizedTest
  @EnumSource(GruKernel.class)
  void anElementHasTheSameBitsInAVectorLaneAsInTheScalarTail(GruKernel kernel) {
    VectorKernels k = VectorKernels.VECTOR;
    assertNotNull(k, "the tests run with --add-modules jdk.incubator.vector, so the vector kernels must load");
    int lanes = KernelCases.lanes();
    assertTrue(KernelCases.UNITS >= lanes, KernelCases.UNITS + " units fill no whole vector of " + lanes + " lanes");
    Step inputs = Step.random(KernelCases.ROWS, KernelCases.UNITS, 21);
    Step all = inputs.copy();
    kernel.run(k, all);
    float[][] together = all.arrays();
    for (int i = 0; i < inputs.b; i++) {
      for (int j = 0; j < inputs.h; j++) {
        Step alone = inputs.column(i, j);
        kernel.run(k, alone);
        float[][] single = alone.arrays();
        for (int a = 0; a < single.length; a++) {
          for (int p = 0; p < single[a].length; p++) {
            int index = all.index(a, i, j, p);
            if (Float.floatToRawIntBits(together[a][index]) != Float.floatToRawIntBits(single[a][p])) {
              fail(kernel + " " + Step.NAMES[a] + "[" + index + "]: " + together[a][index] + " computed with "
                  + inputs.h + " units (" + lanes + " lanes), " + single[a][p] + " computed alone");
            }
          }
        }
      }
    }
  }

  @Test
  void interpretedAndCompiledKernelsGiveTheSameBits(@TempDir Path dir) throws Exception {
    Run interpreted = fork(dir, "interpreted", 0, "-Xint");
    Run compiled = fork(dir, "compiled", WARM_UP);
    assertEquals(interpreted.lanes(), compiled.lanes(), "both JVMs use the preferred species");
    assertSameBits(interpreted, compiled);
  }

  /**
   * The preferred species of this machine against 256-bit vectors (AVX2's) and 128-bit ones
   * (SSE's, NEON's), which {@code -XX:MaxVectorSize} makes the preferred species: the code C2
   * generates for that width, as on such a machine.
   */
  @Test
  void everyVectorWidthGivesTheSameBits(@TempDir Path dir) throws Exception {
    Run preferred = fork(dir, "preferred", WARM_UP);
    List<Run> narrower = new ArrayList<>();
    for (int bytes : new int[] {32, 16}) {
      Run run = fork(dir, bytes * 8 + "-bit", WARM_UP, "-XX:MaxVectorSize=" + bytes);
      if (run.lanes() == bytes / Float.BYTES && run.lanes() < preferred.lanes()) {
        narrower.add(run);
      }
    }
    assumeTrue(!narrower.isEmpty(), "this JVM offers no vector narrower than its preferred " + preferred.lanes()
        + " float lanes");
    for (Run run : narrower) {
      assertSameBits(preferred, run);
    }
  }

  /**
   * Runs {@link KernelCases#main} in a new JVM with the tests' options (conf/jvm-options) and
   * class path, and {@code flags}; a compiled run must show C2 compiling every kernel method.
   */
  private static Run fork(Path dir, String name, int warmUp, String... flags) throws IOException, InterruptedException {
    Path options = Path.of(System.getProperty("sparkgru.jvmOptionsFile", ""));
    assertTrue(Files.isRegularFile(options), "JVM options file missing: sparkgru.jvmOptionsFile=" + options);
    Path out = dir.resolve(name + ".bits");
    Path log = dir.resolve(name + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "@" + options.toAbsolutePath()));
    if (warmUp > 0) {
      // Compiling in the foreground, so that the warm-up's end finds the compiled code installed.
      // Adam's kernel would be inlined into its caller and so never show as compiled on its own.
      cmd.addAll(List.of("-Xbatch", "-XX:+PrintCompilation",
          "-XX:CompileCommand=quiet", "-XX:CompileCommand=dontinline,sparkgru.engine.linalg.VectorApiKernels::adam"));
    }
    cmd.addAll(List.of(flags));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelCases.class.getName(), out.toString(),
        Integer.toString(warmUp)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(ended && p.exitValue() == 0, "the " + name + " JVM failed (" + cmd + "):\n" + text);
    if (warmUp > 0) {
      // Compile ids of each method's C2 code still installed at the end.
      Map<String, Set<String>> installed = new TreeMap<>();
      for (String line : text.split("\n")) {
        Matcher m = C2_COMPILE.matcher(line);
        if (m.find()) {
          Set<String> ids = installed.computeIfAbsent(m.group(2), x -> new TreeSet<>());
          if (line.endsWith("made not entrant")) {
            ids.remove(m.group(1));
          } else {
            ids.add(m.group(1));
          }
        }
      }
      installed.values().removeIf(Set::isEmpty);
      Set<String> compiled = installed.keySet();
      assertTrue(compiled.containsAll(KERNEL_METHODS), "the " + name + " JVM ended with C2's code for " + compiled
          + ", not all of " + KERNEL_METHODS);
    }
    try (InputStream in = Files.newInputStream(out)) {
      DataInputStream d = new DataInputStream(in);
      int lanes = d.readInt();
      Map<String, int[]> bits = new LinkedHashMap<>();
      for (int n = d.readInt(); n > 0; n--) {
        String key = d.readUTF();
        int[] b = new int[d.readInt()];
        for (int i = 0; i < b.length; i++) {
          b[i] = d.readInt();
        }
        bits.put(key, b);
      }
      return new Run(name, lanes, bits);
    }
  }

  /** Every output of the two runs, bit for bit; the message lists the first differences. */
  private static void assertSameBits(Run a, Run b) {
    assertEquals(a.bits().keySet(), b.bits().keySet(), "outputs of " + a.name() + " and " + b.name());
    List<String> differences = new ArrayList<>();
    int count = 0;
    for (Map.Entry<String, int[]> e : a.bits().entrySet()) {
      int[] x = e.getValue();
      int[] y = b.bits().get(e.getKey());
      assertEquals(x.length, y.length, e.getKey() + " lengths");
      for (int i = 0; i < x.length; i++) {
        if (x[i] != y[i]) {
          count++;
          if (differences.size() < 5) {
            differences.add(e.getKey() + "[" + i + "]: " + Float.intBitsToFloat(x[i]) + " " + a.name() + ", "
                + Float.intBitsToFloat(y[i]) + " " + b.name());
          }
        }
      }
    }
    if (count > 0) {
      fail(count + " elements differ between the " + a.name() + " run (" + a.lanes() + " lanes) and the " + b.name()
          + " run (" + b.lanes() + " lanes), e.g. " + String.join("; ", differences));
    }
  }
}
