/**
 * The command line: {@link sparkgru.jobs.Main} and one command class per job, each parsing its
 * options, loading the configuration and calling the job; the Spark settings checked before
 * Spark starts. No job logic here.
 */
package sparkgru.jobs;
