package org.certfleet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.certfleet.Main;

/** Runs the real command line in-process and captures what it printed. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env::get);
    return new CliRun(code, out.toString(), err.toString());
  }

  public static CliRun of(String... args) {
    return of(Map.of(), args);
  }
}
