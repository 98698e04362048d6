package sparkgru.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The Hadoop configuration built from Spark settings, as Spark builds its own. */
class HadoopConfTest {
  @Test
  void sparkHadoopAndSparkHiveSettingsReachTheConfigurationWithoutTheirPrefix() {
    Configuration conf = HadoopConf.of(new SparkConf(false).set("spark.hadoop.fs.s3a.endpoint", "http://store:9000")
        .set("spark.hive.metastore.uris", "thrift://meta:9083").set("spark.executor.memory", "2g"));
    assertEquals("http://store:9000", conf.get("fs.s3a.endpoint"));
    assertEquals("thrift://meta:9083", conf.get("hive.metastore.uris"));
    assertNull(conf.get("executor.memory"));
    assertNull(conf.get("spark.executor.memory"));
  }
}
