/**
 * Chat alerting: the channel types and their options. Channels receive only their own {@code options}
 * map and resolve their secrets (webhook URLs, tokens) at the moment they send.
 */
@NullMarked
package org.certfleet.alert;

import org.jspecify.annotations.NullMarked;
