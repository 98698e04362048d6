package sparkgru.jobs;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * Hadoop's HDFS and YARN in the test JVM for the integration tests: a {@link MiniDFSCluster} of one
 * datanode and a {@link MiniYARNCluster} of one NodeManager with room for an application master and
 * two single-core executors, and a HADOOP_CONF_DIR ({@code core-site.xml}, {@code hdfs-site.xml},
 * {@code yarn-site.xml}) that points spark-submit at them. Applications are submitted with
 * {@code spark-submit --master yarn} in a child JVM from the Spark jars of
 * {@link StandaloneCluster#sparkHome()}, spark-yarn among them; each submission logs to
 * {@code <name>.log} in the cluster's directory, its containers to the NodeManager's log directory
 * ({@link #containerLogs}). {@link #close} kills the spark-submit JVMs and any container process
 * left, and stops YARN and HDFS.
 */
public final class YarnCluster implements AutoCloseable {
  private final Path dir;
  private final Path home;
  private final Path hadoopConf;
  private final List<Process> submissions = new ArrayList<>();
  private MiniDFSCluster hdfs;
  private MiniYARNCluster yarn;

  private YarnCluster(Path dir) throws IOException {
    this.dir = dir;
    this.home = StandaloneCluster.sparkHome();
    this.hadoopConf = Files.createDirectories(dir.resolve("hadoop-conf"));
  }

  /** Starts HDFS and YARN, HDFS keeping its blocks in {@code dir}, and writes the HADOOP_CONF_DIR there. */
  public static YarnCluster start(Path dir) throws Exception {
    YarnCluster c = new YarnCluster(dir);
    try {
      c.startHdfs();
      c.startYarn();
      c.writeHadoopConf();
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  private void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    conf.setInt("dfs.replication", 1);
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
  }

  /**
   * One NodeManager of 6 GB and 4 vcores in 256 MB steps: an application master and two executors
   * of 700 MB heap and 384 MB overhead each fit. The NodeManager's health checks are off: a busy or
   * nearly full disk of a build machine would mark the node unhealthy and leave applications waiting.
   */
  private void startYarn() throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    // MiniYARNCluster sets yarn.nodemanager.resource.memory-mb from this key (4096 by default).
    conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", 6144);
    conf.setInt("yarn.nodemanager.resource.memory-mb", 6144);
    conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
    conf.setInt("yarn.scheduler.minimum-allocation-mb", 256);
    // The FIFO scheduler needs no queue configuration; the default, the capacity scheduler, reads
    // its queues from a capacity-scheduler.xml that hadoop-client-minicluster does not bring.
    conf.set("yarn.resourcemanager.scheduler.class",
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.disk-health-checker.enable", false);
    conf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100f);
    // Its directories go to <test.build.data>/yarn/yarn-<random> (jobs/pom.xml: the build directory).
    yarn = new MiniYARNCluster("yarn", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    // start() can return before the ResourceManager has written its bound ports into the configuration.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (yarn.getConfig().get("yarn.resourcemanager.address").endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the ResourceManager did not report its port in 30 s");
      }
      Thread.sleep(100);
    }
    if (!yarn.waitForNodeManagersToConnect(30_000)) {
      throw new AssertionError("the NodeManager did not register with the ResourceManager in 30 s");
    }
  }

  /** The addresses spark-submit and the application master need: HDFS and the ResourceManager's services. */
  private void writeHadoopConf() throws IOException {
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfs());
    write(core, "core-site.xml");
    Configuration site = new Configuration(false);
    site.setInt("dfs.replication", 1);
    write(site, "hdfs-site.xml");
    Configuration running = yarn.getConfig();
    Configuration yarnSite = new Configuration(false);
    for (String key : List.of("yarn.resourcemanager.address", "yarn.resourcemanager.scheduler.address",
        "yarn.resourcemanager.resource-tracker.address", "yarn.resourcemanager.admin.address",
        "yarn.resourcemanager.webapp.address")) {
      yarnSite.set(key, running.get(key));
    }
    write(yarnSite, "yarn-site.xml");
  }

  private void write(Configuration conf, String name) throws IOException {
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve(name))) {
      conf.writeXml(out);
    }
  }

  /** HDFS's URI, {@code hdfs://localhost:<port>}, without a trailing slash. */
  public String hdfs() {
    return hdfs.getURI().toString();
  }

  /** A client of HDFS. */
  public FileSystem fileSystem() throws IOException {
    return hdfs.getFileSystem();
  }

  /**
   * Submits {@code sparkgru.jobs.Main} with {@code args} in {@code deployMode} (client or cluster)
   * to two single-core executors; spark-submit, and in client mode the driver, log to
   * {@code <logName>.log}.
   *
   * <p>The settings of spark-gru on YARN: conf/jvm-options shipped with {@code --files} and passed
   * as the argument file {@code @jvm-options} (YARN puts the shipped files in each container's
   * working directory) to the JVMs that run spark-gru's code, the executors and in cluster mode the
   * driver; Spark 4 passes the same options to its containers itself, Spark 3.5 not the Vector
   * API's module. JAVA_HOME of a Java 17 for the containers, for NodeManagers whose own Java is
   * older. One OpenBLAS thread per single-core executor and driver. This JVM's OpenBLAS kernels
   * ({@link #openBlasEnvironment}): without them the weights differ from the local run's in the
   * last bits. {@code spark.yarn.jars} names the local Spark jars, so that spark-submit does not
   * upload them to HDFS for each application.
   */
  public Process submit(String logName, String deployMode, List<String> args) throws IOException {
    Path jar = Path.of(System.getProperty("sparkgru.submitJar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException("shaded jar missing: " + jar);
    }
    String javaHome = System.getProperty("java.home");
    List<String> cmd = StandaloneCluster.java();
    cmd.addAll(List.of("-cp", hadoopConf + File.pathSeparator + home.resolve("jars") + File.separator + "*",
        "org.apache.spark.deploy.SparkSubmit", "--master", "yarn", "--deploy-mode", deployMode,
        "--class", "sparkgru.jobs.Main", "--num-executors", "2", "--executor-cores", "1",
        "--executor-memory", "700m", "--driver-memory", "700m",
        "--files", StandaloneCluster.jvmOptionsFile().toString(),
        "--conf", "spark.driver.extraJavaOptions=@jvm-options",
        "--conf", "spark.executor.extraJavaOptions=@jvm-options",
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
        "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
        "--conf", "spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1",
        "--conf", "spark.executorEnv.OPENBLAS_NUM_THREADS=1",
        "--conf", "spark.yarn.jars=local:" + home.resolve("jars") + File.separator + "*",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=4",
        jar.toString()));
    cmd.addAll(cmd.indexOf(jar.toString()), openBlasEnvironment());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve(logName + ".log").toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", StandaloneCluster.scalaBinaryVersion());
    pb.environment().put("HADOOP_CONF_DIR", hadoopConf.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    Process p = pb.start();
    submissions.add(p);
    return p;
  }

  /**
   * This JVM's other OPENBLAS_* variables (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, ...) for the
   * containers, which YARN starts with an environment of its own: OpenBLAS picks its kernels by
   * them, or else by the CPU it detects, and other kernels sum in another order, so the weights of
   * a local run and a YARN run are equal only when both pick the same.
   */
  private static List<String> openBlasEnvironment() {
    List<String> conf = new ArrayList<>();
    new TreeMap<>(System.getenv()).forEach((name, value) -> {
      if (name.startsWith("OPENBLAS_") && !name.equals("OPENBLAS_NUM_THREADS")) {
        conf.addAll(List.of("--conf", "spark.executorEnv." + name + "=" + value,
            "--conf", "spark.yarn.appMasterEnv." + name + "=" + value));
      }
    });
    return conf;
  }

  /** The text of a submission's log written so far ("" when it does not exist yet). */
  public String log(String name) throws IOException {
    Path log = dir.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The NodeManager's log directory: {@code <application>/<container>/{stdout,stderr,...}}. */
  public Path containerLogDir() {
    return Path.of(yarn.getNodeManager(0).getConfig().get("yarn.nodemanager.log-dirs"));
  }

  /** The log {@code file} (stdout, stderr) of each container of {@code application}, by container id. */
  public Map<String, String> containerLog(String application, String file) throws IOException {
    Map<String, String> logs = new TreeMap<>();
    Path app = containerLogDir().resolve(application);
    if (Files.isDirectory(app)) {
      try (Stream<Path> containers = Files.list(app)) {
        for (Path c : containers.toList()) {
          Path log = c.resolve(file);
          if (Files.isRegularFile(log)) {
            logs.put(c.getFileName().toString(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
          }
        }
      }
    }
    return logs;
  }

  /**
   * Every log file of {@code application}'s containers, or of all applications when it is null,
   * each file's last 4,000 characters under its path: what a failed run is diagnosed from.
   */
  public String containerLogs(String application) {
    Path root = application == null ? containerLogDir() : containerLogDir().resolve(application);
    StringBuilder sb = new StringBuilder("Container logs in " + root + ":\n");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        sb.append("==> ").append(containerLogDir().relativize(f)).append(" <==\n")
            .append(StandaloneCluster.tail(new String(Files.readAllBytes(f), StandardCharsets.UTF_8))).append('\n');
      }
    } catch (IOException e) {
      sb.append("(unreadable: ").append(e).append(")\n");
    }
    return sb.toString();
  }

  /**
   * Kills the spark-submit JVMs and their descendants, stops YARN and HDFS, and kills what is left
   * of the containers: the processes of this JVM whose command line names YARN's directory.
   */
  @Override
  public void close() {
    for (Process p : submissions) {
      p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String yarnDir = yarn == null ? null : yarn.getTestWorkDir().getAbsolutePath();
    if (yarn != null) {
      yarn.stop();
    }
    if (yarnDir != null) {
      List<ProcessHandle> left = ProcessHandle.current().descendants()
          .filter(p -> p.info().commandLine().orElse("").contains(yarnDir)).toList();
      left.forEach(ProcessHandle::destroyForcibly);
      left.forEach(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> p).join());
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
    for (Process p : submissions) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
