package sparkgru.jobs.io;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under a scheme of its own, {@value #SCHEME}, which Hadoop finds only
 * through the setting {@code fs.sgrutest.impl} (no service registration names it): a read through
 * it succeeds only where that setting reached the Hadoop configuration.
 */
public final class SchemeFileSystem extends RawLocalFileSystem {
  /** The scheme. */
  public static final String SCHEME = "sgrutest";

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }
}
