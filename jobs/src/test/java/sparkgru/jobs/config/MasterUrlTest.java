package sparkgru.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Master URLs: every form Spark 4.0 starts with passes; near misses fail before Spark starts. */
class MasterUrlTest {
  @ParameterizedTest
  @ValueSource(strings = {"local", "local[4]", "local[*]", "local[2,3]", "local[*, 4]", "local-cluster[2, 1, 1024]",
      "spark://node1:7077", "spark://node1:7077,node2:7077", "yarn", "k8s://https://10.0.0.1:6443"})
  void sparkMastersAreAccepted(String url) {
    assertEquals(url, MasterUrl.check("spark.master", url));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "local[0]", "local[-1]", "local[x]", "local-cluster[2,1]", "spark://node1",
      "spark://:7077", "yarn-cluster", "mesos://node1:5050", "k8s://", "localhost"})
  void nearMissesAreRefused(String url) {
    assertEquals("spark.master must be a Spark master URL: local, local[N], local[*], local[N,F] (N threads >= 1, F "
        + "task failures), local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn or k8s://URL; got '" + url
        + "'", assertThrows(IllegalArgumentException.class, () -> MasterUrl.check("spark.master", url)).getMessage());
  }
}
