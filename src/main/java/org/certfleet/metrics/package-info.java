/**
 * The daemon's Prometheus metrics: {@link org.certfleet.metrics.CertfleetMetrics} keeps certificate
 * expiry and findings from the latest inventory, counts and times renewals, deployments and alert
 * deliveries, and writes them in the text exposition format. It owns its registry (never the
 * client's global default) and serves nothing itself; the {@code web} package puts it on /metrics.
 */
@NullMarked
package org.certfleet.metrics;

import org.jspecify.annotations.NullMarked;
