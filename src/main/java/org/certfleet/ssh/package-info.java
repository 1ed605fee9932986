/**
 * Reaches nodes over SSH with Apache MINA SSHD: key authentication only, host keys checked strictly
 * against the configured known_hosts (unknown or changed keys refused with the offered fingerprint),
 * one session per node carrying SFTP and command execution, and a timeout on every step.
 */
@NullMarked
package org.certfleet.ssh;

import org.jspecify.annotations.NullMarked;
