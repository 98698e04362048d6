package sparkgru.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import sparkgru.engine.model.ModelFile;

/**
 * spark-gru as a user gets it onto a cluster with {@code spark-submit --packages}: the artifact of
 * this Spark line ({@code sparkgru.distArtifact}, group:artifact:version), resolved by Spark's own
 * Ivy from the Maven repository that {@code mvn install} filled ({@code
 * sparkgru.packagesRepository}), with its dependencies, into an Ivy cache of its own; the entry
 * class then trains the demo. Runs only when the repository is named, after {@code mvn install}
 * (.ci/run).
 */
@EnabledIfSystemProperty(named = "sparkgru.packagesRepository", matches = ".+")
class PackagesIT {
  @TempDir
  Path dir;

  @Test
  void sparkSubmitPackagesResolvesTheInstalledArtifactAndTrains() throws Exception {
    String artifact = System.getProperty("sparkgru.distArtifact");
    Path repository = Path.of(System.getProperty("sparkgru.packagesRepository")).toAbsolutePath();
    assertTrue(Files.isDirectory(repository.resolve(artifact.split(":")[0].replace('.', '/'))),
        "no spark-gru artifacts in " + repository + ": run mvn install first");
    List<String> cmd = new ArrayList<>(StandaloneCluster.java());
    cmd.addAll(List.of("-cp", StandaloneCluster.sparkHome().resolve("jars") + "/*",
        "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]", "--class", "sparkgru.jobs.Main",
        "--packages", artifact, "--repositories", repository.toUri().toString(),
        "--conf", "spark.jars.ivy=" + dir.resolve("ivy"), "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=127.0.0.1",
        // No jar of its own: the entry class comes from the packages.
        "spark-internal",
        "train", "--set", "data.source=demo", "--set", "demo.sequences=40", "--set", "demo.steps=12",
        "--set", "train.epochs=1", "--set", "model.layers=gru,dense", "--set", "model.layer.0.units=4",
        "--set", "model.layer.1.units=1", "--set", "output.progress=false",
        "--set", "output.model=" + dir.resolve("model.sgru").toUri(),
        "--set", "output.metrics=" + dir.resolve("metrics.jsonl").toUri()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("submit.log")
        .toFile());
    pb.environment().put("SPARK_HOME", StandaloneCluster.sparkHome().toString());
    pb.environment().put("SPARK_SCALA_VERSION", StandaloneCluster.scalaBinaryVersion());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process submit = pb.start();
    try {
      assertTrue(submit.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish in 5 minutes");
    } finally {
      submit.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("submit.log"));
    assertEquals(0, submit.exitValue(), "spark-submit --packages failed:\n" + StandaloneCluster.tail(log));
    String jar = artifact.split(":")[0] + "_" + artifact.split(":")[1] + "-" + artifact.split(":")[2] + ".jar";
    assertTrue(Files.exists(dir.resolve("ivy").resolve("jars").resolve(jar)), "Ivy fetched " + jar + ":\n"
        + StandaloneCluster.tail(log));
    assertTrue(log.contains("Epoch 1/1 - loss: "), StandaloneCluster.tail(log));
    assertEquals(1, Files.readAllLines(dir.resolve("metrics.jsonl")).size(), "one epoch's metrics");
    assertTrue(ModelFile.read(Files.readAllBytes(dir.resolve("model.sgru")), "model.sgru").model().parameters()
        .toArray().length > 0, "the model file holds the trained weights");
  }
}
