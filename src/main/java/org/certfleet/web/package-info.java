/**
 * The daemon's HTTP face, on the JDK's built-in server: {@code /metrics}, the {@code /healthz} and
 * {@code /readyz} probes, and a server-rendered status page. Everything shown comes from a {@link
 * org.certfleet.web.StatusSnapshot} the daemon assembles; the snapshot holds names, times and
 * outcomes only, never keys or secrets, so nothing here can leak one.
 */
@NullMarked
package org.certfleet.web;

import org.jspecify.annotations.NullMarked;
