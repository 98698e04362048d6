/**
 * Data-parallel training on Spark by parameter averaging: {@link sparkgru.jobs.train.PartitionTrainer}
 * runs on executors, {@link sparkgru.jobs.train.WeightAverager} combines their results in a
 * deterministic tree, {@link sparkgru.jobs.train.DistributedTrainer} drives rounds and epochs.
 * The averaging arithmetic itself is the engine's; nothing here does GRU math. The train job
 * ends a run on series with the forecasting report of the model it trained, so this package
 * sits above {@code forecast}.
 */
package sparkgru.jobs.train;
