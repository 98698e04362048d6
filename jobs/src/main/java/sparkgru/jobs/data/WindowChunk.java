package sparkgru.jobs.data;

import java.io.Serializable;

/**
 * A chunk of one partition's windows and what was found cutting them; the reports of a
 * partition's chunks add up to the partition's report.
 *
 * @param data   the windows, packed
 * @param report the series, windows, short series, gaps and dropped windows counted since the
 *               previous chunk
 */
public record WindowChunk(PackedPartition data, WindowReport report) implements Serializable {
  private static final long serialVersionUID = 1L;
}
