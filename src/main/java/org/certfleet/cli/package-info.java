/**
 * The picocli command line: global options, one class per command, the exit-code contract ({@link
 * org.certfleet.cli.ExitCodes}) and the one place exceptions become user-facing lines. Commands get
 * their collaborators from {@link org.certfleet.cli.CliContext}, built in {@code Main}.
 */
@NullMarked
package org.certfleet.cli;

import org.jspecify.annotations.NullMarked;
