package sparkgru.jobs.config;

import java.util.regex.Pattern;

/**
 * The Spark master URLs a job accepts, checked before Spark starts (Spark itself would fail
 * later, inside SparkContext, with a stack trace): the forms Spark 4.0 parses in
 * {@code SparkContext.createTaskScheduler}, plus {@code yarn} and {@code k8s://} of its
 * bundled cluster managers.
 */
public final class MasterUrl {
  private static final Pattern LOCAL = Pattern.compile("local(\\[\\s*([1-9][0-9]*|\\*)\\s*(,\\s*[1-9][0-9]*\\s*)?])?");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile(
      "local-cluster\\[\\s*[1-9][0-9]*\\s*,\\s*[1-9][0-9]*\\s*,\\s*[1-9][0-9]*\\s*]");
  private static final Pattern STANDALONE = Pattern.compile("spark://[^\\s,:/]+:[0-9]{1,5}(,[^\\s,:/]+:[0-9]{1,5})*");
  private static final Pattern KUBERNETES = Pattern.compile("k8s://\\S+");

  private MasterUrl() {}

  /** Fails naming {@code key} and the accepted forms unless {@code url} is one of them. */
  public static String check(String key, String url) {
    String u = url == null ? "" : url.trim();
    if (LOCAL.matcher(u).matches() || LOCAL_CLUSTER.matcher(u).matches() || STANDALONE.matcher(u).matches()
        || KUBERNETES.matcher(u).matches() || u.equals("yarn")) {
      return u;
    }
    throw new IllegalArgumentException(key + " must be a Spark master URL: local, local[N], local[*], local[N,F] "
        + "(N threads >= 1, F task failures), local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn or "
        + "k8s://URL; got '" + url + "'");
  }
}
