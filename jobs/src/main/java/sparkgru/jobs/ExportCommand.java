package sparkgru.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.engine.keras.KerasExporter;
import sparkgru.engine.model.ModelFile;
import sparkgru.jobs.io.AtomicFiles;
import sparkgru.jobs.io.HadoopConf;
import sparkgru.jobs.io.HadoopFiles;

/** {@code spark-gru export}: a spark-gru model as a Keras 3 {@code .keras} file. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a spark-gru model as a Keras 3 .keras file that keras.saving.load_model loads.")
final class ExportCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH", description = "A model written by train (any "
      + "Hadoop path).")
  private String model;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "The .keras file to write.")
  private String output;

  @Override
  public void run() {
    if (!output.endsWith(".keras")) {
      throw new InvalidInputException("--output must end in .keras (Keras loads archives by that name), got "
          + output);
    }
    Configuration conf = HadoopConf.current();
    ModelFile.Loaded loaded = ModelFile.read(HadoopFiles.readAll(model, "model", conf), model);
    AtomicFiles.prepare(output, "--output", conf);
    AtomicFiles.write(new Path(output), conf, KerasExporter.write(loaded.spec(), loaded.model()));
    spec.commandLine().getOut().println("exported " + model + " to " + output + " (Keras " + KerasExporter.KERAS_VERSION
        + " layout)");
    spec.commandLine().getOut().flush();
  }
}
