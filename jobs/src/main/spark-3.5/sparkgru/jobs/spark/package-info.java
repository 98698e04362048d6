/**
 * The one place where spark-gru's code differs between Spark lines: {@link sparkgru.jobs.spark.SparkApi}
 * has an implementation per line (src/main/spark-3.5, src/main/spark-4), and the build compiles the
 * one for its line. Everything else is one source for every line.
 */
package sparkgru.jobs.spark;
