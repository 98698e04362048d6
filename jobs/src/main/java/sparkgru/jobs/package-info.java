/**
 * The command line ({@link sparkgru.jobs.Main}) and, from the Spark training issue on, the Spark
 * jobs. Job classes are thin: they parse, configure and call the engine; no GRU math here.
 */
package sparkgru.jobs;
