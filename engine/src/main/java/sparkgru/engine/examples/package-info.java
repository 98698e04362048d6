/**
 * Runnable examples of the engine on its own (no Spark): the tutorial from the project's brief.
 * Examples only use the public API; nothing else depends on them.
 */
package sparkgru.engine.examples;
