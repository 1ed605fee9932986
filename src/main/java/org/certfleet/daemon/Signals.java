package org.certfleet.daemon;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM/SIGINT and SIGHUP handlers. The JDK has no public API for signals; {@code sun.misc.Signal}
 * (module jdk.unsupported, exported and kept for exactly this use) is the only way to keep the JVM from
 * exiting on SIGTERM before the running step reached a safe point, and to see SIGHUP at all. It is
 * reached reflectively because javac flags every direct use as a warning, which this build treats as an
 * error.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);
  private static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);

  private Signals() {}

  static void install(Runnable stop, Runnable reload) {
    handle("TERM", stop);
    handle("INT", stop);
    handle("HUP", reload);
    // A signal ignored when the JVM started (nohup ignores SIGHUP, a shell's background job SIGINT) stays
    // ignored: the JVM installs no handler for it and says nothing. Say it here.
    if (ignores(ProcessHandle.current().pid(), "HUP").orElse(false)) {
      log.warn("SIGHUP is ignored by this process (it was started with SIGHUP ignored, e.g. under nohup): reload"
          + " (certfleet reload, systemctl reload) cannot reach it; restart it to apply a changed certs.yaml");
    }
    if (ignores(ProcessHandle.current().pid(), "TERM").orElse(false)) {
      log.warn("SIGTERM is ignored by this process (it was started with SIGTERM ignored): stopping it needs SIGINT or"
          + " SIGKILL");
    }
  }

  /**
   * Whether process {@code pid} ignores signal {@code name} ({@code HUP}, {@code INT}, {@code TERM}), from
   * the {@code SigIgn} mask of {@code /proc/<pid>/status}; empty when that cannot be read (not Linux, no
   * such process).
   */
  public static Optional<Boolean> ignores(long pid, String name) {
    try {
      return ignores(Files.readString(Path.of("/proc", Long.toString(pid), "status")), name);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Boolean> ignores(String procStatus, String name) {
    Integer number = NUMBERS.get(name);
    if (number == null) {
      throw new IllegalArgumentException("unknown signal " + name);
    }
    return procStatus.lines().filter(l -> l.startsWith("SigIgn:")).findFirst()
        .map(l -> (Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16) >>> (number - 1) & 1) == 1);
  }

  private static void handle(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Constructor<?> make = signal.getConstructor(String.class);
      Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler},
          (self, method, args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(self);
              case "equals" -> self == args[0];
              default -> "certfleet SIG" + name + " handler";
            };
          });
      Method handle = signal.getMethod("handle", signal, handler);
      handle.invoke(null, make.newInstance(name), proxy);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
    }
  }
}
