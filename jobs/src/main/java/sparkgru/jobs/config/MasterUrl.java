package sparkgru.jobs.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sparkgru.engine.errors.InvalidInputException;

/**
 * The Spark master URLs a job accepts, checked before Spark starts (Spark itself would fail
 * later, inside SparkContext, with a stack trace). The patterns are Spark 4.0's own, from
 * {@code SparkMasterRegex}, with the checks Spark then makes on what they capture: at least one
 * local thread and a count that fits an int ({@code SparkContext.createTaskScheduler}), each
 * standalone master a {@code spark://HOST:PORT} URI with nothing else ({@code
 * Utils.extractHostPortFromSparkUrl}; IPv6 hosts in brackets), and a Kubernetes API server URL
 * with scheme http or https ({@code Utils.checkAndGetK8sMasterUrl}). {@code yarn} is accepted as
 * is; Mesos is gone from Spark 4.
 */
public final class MasterUrl {
  private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
  private static final Pattern LOCAL_N_FAILURES = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile(
      "local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");
  private static final Pattern STANDALONE = Pattern.compile("spark://(.*)");
  private static final Pattern KUBERNETES = Pattern.compile("k8s://(.*)");

  private MasterUrl() {}

  /**
   * Returns {@code url} without surrounding blanks, or fails naming {@code key} and the accepted
   * forms unless it is one of them.
   */
  public static String check(String key, String url) {
    String u = url == null ? "" : url.trim();
    if (valid(u)) {
      return u;
    }
    throw new InvalidInputException(key + " must be a Spark master URL: local, local[N], local[*], local[N,F] "
        + "(N threads >= 1, F task failures), local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn or "
        + "k8s://URL; got '" + url + "'");
  }

  private static boolean valid(String u) {
    if (u.equals("local") || u.equals("yarn")) {
      return true;
    }
    Matcher m = LOCAL_N.matcher(u);
    if (m.matches()) {
      return threads(m.group(1));
    }
    m = LOCAL_N_FAILURES.matcher(u);
    if (m.matches()) {
      return threads(m.group(1)) && count(m.group(2)) >= 0;
    }
    m = LOCAL_CLUSTER.matcher(u);
    if (m.matches()) {
      return count(m.group(1)) >= 1 && count(m.group(2)) >= 1 && count(m.group(3)) >= 1;
    }
    m = STANDALONE.matcher(u);
    if (m.matches()) {
      for (String master : m.group(1).split(",", -1)) {
        if (!hostAndPort(master)) {
          return false;
        }
      }
      return true;
    }
    m = KUBERNETES.matcher(u);
    return m.matches() && kubernetes(m.group(1));
  }

  /** Whether {@code n} (digits or {@code *}) is a thread count Spark runs locally with: at least one. */
  private static boolean threads(String n) {
    return n.equals("*") || count(n) >= 1;
  }

  /** The value of a run of digits, or -1 when it does not fit an int (Spark's toInt would fail). */
  private static int count(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether {@code spark://master} is a URI with a host and a port and nothing else. */
  private static boolean hostAndPort(String master) {
    try {
      URI uri = new URI("spark://" + master);
      return uri.getHost() != null && uri.getPort() >= 0 && (uri.getPath() == null || uri.getPath().isEmpty())
          && uri.getFragment() == null && uri.getQuery() == null && uri.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Whether the URL after {@code k8s://} (https:// when it has no scheme) is an http or https URI. */
  private static boolean kubernetes(String server) {
    try {
      String scheme = new URI(server.contains("://") ? server : "https://" + server).getScheme();
      return scheme != null && List.of("http", "https").contains(scheme.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
