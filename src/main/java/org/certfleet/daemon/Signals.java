package org.certfleet.daemon;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * SIGTERM/SIGINT and SIGHUP handlers. The JDK has no public API for signals; {@code sun.misc.Signal}
 * (module jdk.unsupported, exported and kept for exactly this use) is the only way to keep the JVM from
 * exiting on SIGTERM before the running step reached a safe point, and to see SIGHUP at all. It is
 * reached reflectively because javac flags every direct use as a warning, which this build treats as an
 * error.
 */
final class Signals {
  private Signals() {}

  static void install(Runnable stop, Runnable reload) {
    handle("TERM", stop);
    handle("INT", stop);
    handle("HUP", reload);
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
