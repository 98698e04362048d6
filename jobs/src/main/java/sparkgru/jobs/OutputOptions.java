package sparkgru.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;
import sparkgru.engine.errors.InvalidInputException;
import sparkgru.jobs.io.OutputPaths;
import sparkgru.jobs.io.TableOutput;

/**
 * The options of the commands that write a result table ({@code forecast}, {@code predict}): a
 * path or a table of the session catalog, exactly one, what to do with an existing output, and
 * the columns that partition it.
 */
final class OutputOptions {
  @Option(names = "--output", paramLabel = "PATH", description = "Where to write: a .csv file (one file with a "
      + "header, written completely or not at all) or a Parquet directory (Spark's writer); or --output-table.")
  private String output;

  @Option(names = "--output-table", paramLabel = "NAME", description = "A table of the session catalog to write "
      + "instead (tbl, db.tbl or catalog.db.tbl), created in the session's default data source "
      + "(spark.sql.sources.default) when it does not exist.")
  private String table;

  @Option(names = "--output-mode", paramLabel = "MODE", description = "With --output-table: error (refuse an "
      + "existing table; the default), append (add the rows) or overwrite (replace its rows).")
  private String mode;

  @Option(names = "--overwrite", description = "With --output: replace an existing output.")
  private boolean overwrite;

  @Option(names = "--partition-by", paramLabel = "COLUMNS", split = ",", description = "Comma-separated output "
      + "columns whose values partition a Parquet directory or a table created by the run (e.g. the series "
      + "column).")
  private List<String> partitionBy = new ArrayList<>();

  /** Where the result goes; fails unless exactly one of --output and --output-table is given, with its options. */
  TableOutput.Target target() {
    if (output != null && table != null) {
      throw new InvalidInputException("--output and --output-table are mutually exclusive: give one (a path, or a "
          + "table of the session catalog)");
    }
    if (output == null && table == null) {
      throw new InvalidInputException("give where to write: --output PATH (a .csv file or a Parquet directory) or "
          + "--output-table NAME (a table of the session catalog)");
    }
    List<String> columns = partitionBy.stream().map(String::trim).filter(c -> !c.isEmpty()).toList();
    if (output != null) {
      if (mode != null) {
        throw new InvalidInputException("--output-mode is for --output-table; with --output, pass --overwrite to "
            + "replace an existing output");
      }
      return new TableOutput.Target(output, null, overwrite ? TableOutput.Mode.OVERWRITE : TableOutput.Mode.ERROR,
          columns);
    }
    if (overwrite) {
      throw new InvalidInputException("--overwrite is for --output; with --output-table, pass --output-mode "
          + "overwrite");
    }
    return new TableOutput.Target(null, table, mode == null ? TableOutput.Mode.ERROR : TableOutput.Mode.parse(mode),
        columns);
  }

  /** The output's location for the overlap checks: the path, qualified; none for a table. */
  List<OutputPaths.Location> locations(Configuration conf) {
    return output == null ? List.of() : OutputPaths.at("--output", output, conf);
  }
}
