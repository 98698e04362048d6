/**
 * Helpers shared by the text forms of configuration (layer, model and optimiser specs): key
 * suggestions for typos. No numerics here.
 */
package sparkgru.engine.config;
