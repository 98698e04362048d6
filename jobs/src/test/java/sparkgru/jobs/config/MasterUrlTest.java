package sparkgru.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Master URLs: every form Spark 4.0 starts with passes (its {@code SparkMasterRegex} patterns and
 * the checks it makes on what they capture); near misses, which Spark would refuse later with a
 * stack trace, fail before Spark starts.
 */
class MasterUrlTest {
  @ParameterizedTest
  @ValueSource(strings = {"local", "local[*]", "local[4]", "local[4,2]", "local[*,3]", "local[*, 4]", "local[2,0]",
      "local[01]", "local-cluster[2,1,1024]", "local-cluster[ 2, 1, 1024 ]", "spark://h:7077",
      "spark://h1:7077,h2:7077", "spark://[fd00::1]:7077", "spark://[fd00::1]:7077,[fd00::2]:7077",
      "spark://10.0.0.1:7077", "yarn", "k8s://https://host:443", "k8s://host:443", "k8s://http://10.0.0.1:6443"})
  void sparkMastersAreAccepted(String url) {
    assertEquals(url, MasterUrl.check("spark.master", url));
  }

  @Test
  void theCheckedUrlHasNoSurroundingBlanks() {
    assertEquals("local[2]", MasterUrl.check("--master", " local[2]\t"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "foo", "local[ 2 ]", "local[2 ]", "local[ *, 2]", "local[0]", "local[0,2]", "local[-1]",
      "local[x]", "local[99999999999]", "local[2,-1]", "local[2,]", "local-cluster[2,1]", "local-cluster[0,1,1024]",
      "spark://", "spark://node1", "spark://:7077", "spark://h:7077,", "spark://h1:7077, h2:7077", "spark://h:7077/",
      "spark://u@h:7077", "spark://fd00::1:7077", "yarn-cluster", "mesos://node1:5050", "k8s://",
      "k8s://ftp://host:21", "localhost"})
  void nearMissesAreRefused(String url) {
    assertEquals("spark.master must be a Spark master URL: local, local[N], local[*], local[N,F] (N threads >= 1, F "
        + "task failures), local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn or k8s://URL; got '" + url
        + "'", assertThrows(IllegalArgumentException.class, () -> MasterUrl.check("spark.master", url)).getMessage());
  }
}
