/**
 * The {@code route53} provider: Amazon Route 53 through the AWS SDK for Java v2 with the JDK-based
 * HTTP client. The factory describes itself without touching an SDK class, so config validation and
 * {@code check} stay fast; the SDK client is built on the first API call.
 */
@NullMarked
package org.certfleet.dns.route53;

import org.jspecify.annotations.NullMarked;
