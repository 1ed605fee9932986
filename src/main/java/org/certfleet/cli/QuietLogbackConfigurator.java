package org.certfleet.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration, found through ServiceLoader: warnings and errors to stderr until
 * {@link Logging#configure} applies the command line's choices. Programmatic because parsing a
 * logback.xml costs a few hundred milliseconds of every command's start-up.
 */
public final class QuietLogbackConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logging.install(context, RootCommand.LogFormat.text, false);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
