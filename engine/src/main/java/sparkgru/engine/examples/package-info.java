/**
 * Runnable examples of the engine on its own (no Spark): the Keras tutorial of a stacked GRU classifier.
 * Examples only use the public API; nothing else depends on them.
 */
package sparkgru.engine.examples;
