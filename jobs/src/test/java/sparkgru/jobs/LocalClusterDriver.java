package sparkgru.jobs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The driver JVM of {@link ExecutorErrorsTest}: starts Spark on {@code local-cluster[2,1,1024]}
 * (a master and two workers in this JVM, each worker's executor a JVM of its own, with this JVM's
 * class path), then runs the command line of {@link Main}, with {@link FailingCommand} added, once
 * for each failure a task can throw, and last the train job on the CSV file in the directory
 * given, which stops Spark. For each run it prints {@code == <run> exit <status>} and the run's
 * standard error; first {@code == driver pid <pid>}.
 */
public final class LocalClusterDriver {
  /** Spark's master URL: two executor JVMs of one core and 1024 MB each. */
  static final String MASTER = "local-cluster[2,1,1024]";

  private LocalClusterDriver() {}

  /** Runs every case; {@code args[0]} is the directory holding {@code data.csv} and receiving the outputs. */
  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    System.out.println("== driver pid " + ProcessHandle.current().pid());
    SparkSession.builder().master(MASTER).appName("spark-gru executor errors")
        .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate().sparkContext().setLogLevel("WARN");
    for (String kind : List.of("invalid-input", "invalid-input-unserializable", "bug")) {
      run(kind, "fail", "--throw", kind);
    }
    List<String> train = new ArrayList<>(List.of("train"));
    for (String set : List.of("spark.master=" + MASTER, "data.source=csv",
        "data.path=" + dir.resolve("data.csv").toUri(), "data.id_column=seq", "data.step_column=t",
        "data.feature_columns=x0,x1", "data.target_columns=y", "model.layers=gru,dense", "model.layer.0.units=4",
        "model.layer.1.units=1", "train.epochs=1", "train.partitions=2", "output.model="
            + dir.resolve("out/model.sgru").toUri(), "output.metrics=" + dir.resolve("out/metrics.jsonl").toUri())) {
      train.add("--set");
      train.add(set);
    }
    run("train", train.toArray(new String[0]));
    System.out.flush();
  }

  private static void run(String name, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine();
    cli.addSubcommand(new FailingCommand());
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    System.out.println("== " + name + " exit " + status);
    System.out.print(err);
  }
}
