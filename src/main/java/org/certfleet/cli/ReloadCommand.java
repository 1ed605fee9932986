package org.certfleet.cli;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.certfleet.daemon.Signals;
import picocli.CommandLine.Command;

/** {@code certfleet reload}: tells the running daemon to re-read certs.yaml (SIGHUP). */
@Command(
    name = "reload",
    description = {
      "Check certs.yaml, then send SIGHUP to the daemon whose pid is in <state>/daemon.pid: it re-reads the",
      "file and reschedules. An invalid file is reported here with exit code 2 and the daemon is not signalled",
      "(a SIGHUP from elsewhere with an invalid file is logged by the daemon, which keeps its configuration)."
    })
final class ReloadCommand implements Callable<Integer> {
  private final CliContext ctx;

  ReloadCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    ctx.loadConfig(); // an invalid file ends here, exit 2, before the daemon hears of it
    Path file = DaemonCommand.pidFile(ctx.stateDir());
    long pid;
    try {
      pid = Long.parseLong(Files.readString(file).strip());
    } catch (NoSuchFileException e) {
      ctx.err().println("certfleet reload: no daemon is running (" + file + " does not exist)");
      return ExitCodes.FAILURE;
    } catch (NumberFormatException e) {
      ctx.err().println("certfleet reload: " + file + " does not hold a pid");
      return ExitCodes.FAILURE;
    }
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
      ctx.err().println("certfleet reload: the daemon (pid " + pid + " from " + file + ") is not running");
      return ExitCodes.FAILURE;
    }
    if (Signals.ignores(pid, "HUP").orElse(false)) {
      ctx.err().println("certfleet reload: the daemon (pid " + pid + ") ignores SIGHUP (it was started with SIGHUP"
          + " ignored, e.g. under nohup); restart it to apply certs.yaml");
      return ExitCodes.FAILURE;
    }
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      ctx.err().println("certfleet reload: kill -HUP " + pid + " did not finish within 10 s");
      return ExitCodes.FAILURE;
    }
    if (kill.exitValue() != 0) {
      ctx.err().println("certfleet reload: kill -HUP " + pid + " failed: "
          + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip());
      return ExitCodes.FAILURE;
    }
    ctx.out().println("asked the daemon (pid " + pid + ") to reload; its log says whether the new certs.yaml was taken");
    return ExitCodes.OK;
  }
}
