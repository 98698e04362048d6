/**
 * JMH benchmarks of the engine, run by {@code bench/run} (never by the unit tests). Results and
 * the peers measured beside them go to BENCHMARKS.md.
 */
package sparkgru.engine.bench;
