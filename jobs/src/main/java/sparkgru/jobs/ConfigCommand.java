package sparkgru.jobs;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparkgru.jobs.config.Setting;
import sparkgru.jobs.config.Settings;

/**
 * {@code spark-gru config --list}: every fixed key of the job configuration ({@link Settings})
 * with its type, default, range or allowed values and meaning; {@code --markdown} prints the
 * README's table of them.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "List the keys of the job configuration (train --config, --set) with their type, default, "
        + "allowed values and meaning.")
final class ConfigCommand implements Runnable {
  @Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--list", required = true, description = "Print every key.")
  private boolean list;

  @Option(names = "--markdown", description = "Print the keys as a Markdown table (the README's).")
  private boolean markdown;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(markdown ? markdown() : plain());
    out.flush();
  }

  /** Each key as a configuration file line with its default, then its values and its meaning, indented. */
  static String plain() {
    StringBuilder sb = new StringBuilder();
    for (Setting<?> s : Settings.ALL) {
      sb.append(s.name()).append(s.defaultText() == null ? " (unset)" : " = " + s.defaultText()).append('\n');
      sb.append("    ").append(values(s)).append('\n');
      sb.append("    ").append(s.description()).append('\n');
    }
    return sb.toString();
  }

  /** A Markdown table: key, default, values, meaning. */
  static String markdown() {
    StringBuilder sb = new StringBuilder("| key | default | values | meaning |\n|---|---|---|---|\n");
    for (Setting<?> s : Settings.ALL) {
      String value = s.defaultText() == null || s.defaultText().isEmpty() ? s.defaultLabel()
          : "`" + s.defaultText() + "`";
      sb.append("| `").append(s.name()).append("` | ").append(value).append(" | ").append(escape(values(s)))
          .append(" | ").append(escape(s.description())).append(" |\n");
    }
    return sb.toString();
  }

  /** The type and, when it narrows the type, the range or the allowed values. */
  private static String values(Setting<?> s) {
    return s.allowed().isEmpty() || s instanceof Setting.Flag ? s.type() : s.type() + ": " + s.allowed();
  }

  /** Text safe in a Markdown table cell: pipes, asterisks and angle brackets as themselves. */
  private static String escape(String text) {
    return text.replace("|", "\\|").replace("*", "\\*").replace("<", "&lt;").replace(">", "&gt;");
  }
}
