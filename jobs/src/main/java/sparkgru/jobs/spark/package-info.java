/**
 * Spark plumbing below every other package: {@link sparkgru.jobs.spark.SparkApi}, the one place
 * where the code differs between Spark lines (an implementation per line, src/main/spark-3.5 and
 * src/main/spark-4, of which the build compiles the one for its line; everything else is one
 * source for every line), and {@link sparkgru.jobs.spark.SparkJobs}, how the jobs spark-gru starts
 * are named in the Spark UI and to listeners.
 */
package sparkgru.jobs.spark;
