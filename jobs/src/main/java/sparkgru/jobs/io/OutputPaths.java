package sparkgru.jobs.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparkgru.engine.errors.InvalidInputException;

/**
 * The paths a run writes, checked before it starts: no two outputs are the same path or lie
 * inside one another (one would overwrite or delete the other), and no output is an input or
 * lies inside one (it would replace the data, or be read back as data by this or a later run).
 * Paths are compared as the Hadoop FileSystem qualifies them ({@code FileSystem.makeQualified}:
 * scheme, authority and absolute path), so {@code out/m.sgru}, {@code ./out/m.sgru} and
 * {@code file:/abs/out/m.sgru} are one path, and after resolving symbolic links in the part of
 * the path that exists (local files through the operating system, other file systems through
 * {@code FileSystem.resolvePath}), so {@code latest.csv -> 2024-06.csv} is the file it links to.
 */
public final class OutputPaths {
  /**
   * A qualified path and the key or option that names it in messages.
   *
   * @param name a configuration key ({@code output.model}) or option ({@code --output})
   * @param path the qualified path, as given
   * @param real the path with its symbolic links resolved, which comparisons use
   */
  public record Location(String name, Path path, Path real) {
    /** A location whose path holds no symbolic link. */
    public Location(String name, Path path) {
      this(name, path, path);
    }
  }

  private OutputPaths() {}

  /**
   * {@code path} qualified by its file system, named {@code name}; none when no file system
   * serves it (an unknown scheme: the job's own read or write of the path reports that).
   */
  public static List<Location> at(String name, String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      Path qualified = fs.makeQualified(p);
      return List.of(new Location(name, qualified, real(fs, qualified)));
    } catch (IOException | IllegalArgumentException e) {
      return List.of();
    }
  }

  /**
   * {@code qualified} with the symbolic links of its longest existing ancestor resolved (the
   * rest cannot hold one); itself when they cannot be resolved.
   */
  private static Path real(FileSystem fs, Path qualified) {
    try {
      Path existing = qualified;
      while (existing != null && !fs.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return qualified;
      }
      // Hadoop's local file system does not resolve links: the operating system does.
      Path resolved = "file".equals(qualified.toUri().getScheme())
          ? fs.makeQualified(new Path(java.nio.file.Path.of(existing.toUri()).toRealPath().toString()))
          : fs.makeQualified(fs.resolvePath(existing));
      String rest = qualified.toUri().getPath().substring(existing.toUri().getPath().length());
      return rest.isEmpty() ? resolved : new Path(resolved.toString() + rest);
    } catch (IOException | RuntimeException e) {
      return qualified;
    }
  }

  /**
   * Where an input path reads: the path itself (a file, or a directory and all it holds), or, for
   * a glob, the parent directories of its matches, named {@code name + "'s directory"}. A glob
   * that matches nothing, or that no file system serves, reads nothing here.
   */
  public static List<Location> input(String name, String path, Configuration conf) {
    if (path.chars().noneMatch(c -> "{}[]*?\\".indexOf(c) >= 0)) {
      return at(name, path, conf);
    }
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      Set<Path> parents = new LinkedHashSet<>();
      for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
        Path parent = fs.makeQualified(m.getPath()).getParent();
        if (parent != null) {
          parents.add(parent);
        }
      }
      List<Location> out = new ArrayList<>();
      for (Path parent : parents) {
        out.add(new Location(name + "'s directory", parent, real(fs, parent)));
      }
      return out;
    } catch (IOException | IllegalArgumentException e) {
      return List.of();
    }
  }

  /** Whether qualified {@code path} is {@code other} or lies inside it. */
  public static boolean within(Path path, Path other) {
    for (Path p = path; p != null; p = p.getParent()) {
      if (p.equals(other)) {
        return true;
      }
    }
    return false;
  }

  /** Refuses two of {@code outputs} that are the same path or lie one inside the other. */
  public static void requireSeparate(List<Location> outputs) {
    for (int i = 0; i < outputs.size(); i++) {
      for (int j = i + 1; j < outputs.size(); j++) {
        Location a = outputs.get(i);
        Location b = outputs.get(j);
        String advice = "; give each output a path of its own";
        if (within(a.real(), b.real())) {
          throw clash(a, b, advice);
        }
        if (within(b.real(), a.real())) {
          throw clash(b, a, advice);
        }
      }
    }
  }

  /** Refuses an output of {@code outputs} that is one of {@code inputs} or lies inside one. */
  public static void requireOutside(List<Location> outputs, List<Location> inputs) {
    for (Location out : outputs) {
      for (Location in : inputs) {
        if (within(out.real(), in.real())) {
          throw clash(out, in, "; write outputs outside what the run reads");
        }
      }
    }
  }

  private static InvalidInputException clash(Location inner, Location outer, String advice) {
    boolean linked = !within(inner.path(), outer.path());
    String through = linked ? " (through symbolic links: " + inner.real() + (inner.real().equals(outer.real())
        ? "" : " and " + outer.real()) + ")" : "";
    if (inner.real().equals(outer.real())) {
      return new InvalidInputException(inner.name() + " and " + outer.name() + " are the same "
          + (linked ? "file, " + inner.path() + " and " + outer.path() : "path, " + inner.path()) + through + advice);
    }
    return new InvalidInputException(inner.name() + " " + inner.path() + " lies inside " + outer.name() + " "
        + outer.path() + through + advice);
  }
}
