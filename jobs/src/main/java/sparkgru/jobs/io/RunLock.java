package sparkgru.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.errors.InvalidInputException;

/**
 * An exclusive lock on a run's outputs for the run's lifetime: one lock file per guarded output,
 * made by an atomic create-if-absent ({@code FileSystem.create(path, false)}; on a local disk
 * {@code CREATE_NEW}), holding the run's host, pid, start time and application id. A second run
 * that finds a lock file is refused with the owner's name; a lock left by a dead run on this host
 * (its pid no longer alive) is reported as stale with how to clear it, never taken over. The
 * guarantee is the file system's: HDFS, local disks and object stores with conditional create
 * refuse the second create; a store without it cannot tell two creates apart.
 */
public final class RunLock implements AutoCloseable {
  /** Who holds a lock: the host and pid of the process, when it started, and its application id. */
  public record Owner(String host, long pid, Instant started, String application) {
    /** The current process, started now, as application {@code application}. */
    public static Owner current(String application) {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "unknown";
      }
      return new Owner(host, ProcessHandle.current().pid(), Instant.now().truncatedTo(ChronoUnit.SECONDS),
          application);
    }

    /** The lock file's content: one {@code key=value} line each for host, pid, started and application. */
    public String format() {
      return "host=" + host + "\npid=" + pid + "\nstarted=" + started + "\napplication=" + application + "\n";
    }

    /** The owner a lock file's content names, or empty when it names none (empty, cut short or foreign). */
    public static Optional<Owner> parse(String text) {
      Map<String, String> fields = new HashMap<>();
      for (String line : text.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      if (!fields.keySet().containsAll(List.of("host", "pid", "started", "application"))) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Owner(fields.get("host"), Long.parseLong(fields.get("pid")),
            Instant.parse(fields.get("started")), fields.get("application")));
      } catch (NumberFormatException | DateTimeParseException e) {
        return Optional.empty();
      }
    }

    /** How messages name the owner. */
    public String describe() {
      return "host " + host + ", pid " + pid + ", started " + started + ", application " + application;
    }
  }

  /**
   * Whether {@code owner}'s run is known to be dead: it ran on {@code localHost} and {@code alive}
   * says its pid no longer runs. A lock of another host is never stale: its pid cannot be checked
   * from here.
   */
  public static boolean stale(Owner owner, String localHost, LongPredicate alive) {
    return !owner.host().equals("unknown") && owner.host().equals(localHost) && !alive.test(owner.pid());
  }

  /**
   * The refusal of a run that found {@code lock} (guarding {@code key}) held by {@code owner}
   * (empty when the file names no owner), stale or not.
   */
  public static String refusal(String key, String lock, Optional<Owner> owner, boolean stale) {
    return refusal(key, lock, owner, stale, List.of());
  }

  /**
   * The refusal of a stale lock that names, after {@code lock}, the other stale lock files the run
   * would meet ({@code others}: each a guarded setting and its lock file), so that one message
   * says every file to delete.
   */
  public static String refusal(String key, String lock, Optional<Owner> owner, boolean stale, List<Target> others) {
    List<String> files = new ArrayList<>(List.of(lock));
    others.forEach(o -> files.add(o.path()));
    String clear = "if no run uses these outputs, delete " + String.join(" and ", files) + " and run again";
    if (owner.isEmpty()) {
      return key + " is locked by another run: lock file " + lock + " exists but does not name its run; " + clear;
    }
    if (stale) {
      StringBuilder also = new StringBuilder();
      others.forEach(o -> also.append("; so does ").append(o.key()).append("'s lock file ").append(o.path()));
      return key + " has a stale lock: lock file " + lock + " names a run that is no longer running ("
          + owner.get().describe() + ")" + also + "; " + clear;
    }
    return key + " is in use by another run: lock file " + lock + " is held by " + owner.get().describe()
        + "; wait for that run to end or give this run outputs of its own";
  }

  /** A lock file to take: the setting it guards and the file's path. */
  public record Target(String key, String path) {}

  private final List<Path> held;
  private final Configuration conf;
  private final String content;

  private RunLock(List<Path> held, Configuration conf, String content) {
    this.held = held;
    this.conf = conf;
    this.content = content;
  }

  /**
   * Takes every lock in {@code targets} for {@code owner}, in order, or none: the first one held
   * (or stale) releases those taken and fails with an {@link InvalidInputException} naming its
   * lock file and owner.
   */
  public static RunLock acquire(List<Target> targets, Owner owner, Configuration conf) {
    RunLock lock = new RunLock(new ArrayList<>(), conf, owner.format());
    try {
      for (Target t : targets) {
        Path path = new Path(t.path());
        if (!lock.create(path)) {
          String found = read(path, conf);
          Optional<Owner> holder = Owner.parse(found);
          boolean stale = holder.isPresent() && stale(holder.get(), owner.host(), RunLock::alive);
          List<Target> others = new ArrayList<>();
          for (Target next : stale ? targets.subList(targets.indexOf(t) + 1, targets.size()) : List.<Target>of()) {
            Path p = new Path(next.path());
            if (staleLock(p, owner.host(), conf)) {
              others.add(new Target(next.key(), qualified(p, conf)));
            }
          }
          throw new InvalidInputException(refusal(t.key(), qualified(path, conf), holder, stale, others));
        }
        lock.held.add(path);
      }
      return lock;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Whether a lock file is at {@code path} and names a dead run of this host. */
  private static boolean staleLock(Path path, String host, Configuration conf) {
    try {
      if (!path.getFileSystem(conf).exists(path)) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    Optional<Owner> other = Owner.parse(read(path, conf));
    return other.isPresent() && stale(other.get(), host, RunLock::alive);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Removes the lock files this run took (those still holding its content). */
  @Override
  public void close() {
    for (Path path : held) {
      try {
        FileSystem fs = path.getFileSystem(conf);
        if (fs.exists(path) && read(path, conf).equals(content)) {
          fs.delete(path, false);
        }
      } catch (IOException e) {
        System.getLogger(RunLock.class.getName()).log(System.Logger.Level.WARNING,
            "cannot remove lock file " + path + ": " + e.getMessage());
      }
    }
    held.clear();
  }

  /** Creates {@code path} with this run's content unless it exists; false when it exists. */
  private boolean create(Path path) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    try {
      FileSystem fs = path.getFileSystem(conf);
      Path q = fs.makeQualified(path);
      if (q.toUri().getScheme().equals("file")) {
        // The local file system's create checks, then opens: CREATE_NEW is one step.
        java.nio.file.Path local = Paths.get(q.toUri());
        Files.createDirectories(local.getParent());
        try (OutputStream out = Files.newOutputStream(local, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
          out.write(bytes);
        } catch (FileAlreadyExistsException e) {
          return false;
        }
        return true;
      }
      fs.setWriteChecksum(false);
      try (OutputStream out = fs.create(path, false)) {
        out.write(bytes);
      }
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      try {
        if (path.getFileSystem(conf).exists(path)) {
          return false;
        }
      } catch (IOException ignored) {
        // The create's own failure below says more.
      }
      throw new InvalidInputException("cannot create lock file " + path + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path path, Configuration conf) {
    try (InputStream in = path.getFileSystem(conf).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String qualified(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf).makeQualified(path).toString();
    } catch (IOException e) {
      return path.toString();
    }
  }
}
