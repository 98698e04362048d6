/**
 * Models: {@link sparkgru.engine.model.Sequential} (build, fit, predict, evaluate, summary) and
 * {@link sparkgru.engine.model.Parameters}, all weights of a model in one flat array with each
 * variable a view at an offset. The training loop lives here once; Spark tasks call it.
 * {@link sparkgru.engine.model.ModelFile} stores a model with its
 * {@link sparkgru.engine.model.Provenance}.
 */
package sparkgru.engine.model;
