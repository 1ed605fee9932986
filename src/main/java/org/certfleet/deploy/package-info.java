/**
 * Distribution: puts the current version of a certificate on every node it is deployed to, as one
 * transaction per node (upload to temporary names, switch atomically, test, reload, verify what the
 * node serves over TLS, roll back on any failure), canary first and then the rest in a bounded pool
 * with a failure budget. Every change goes to the audit log.
 */
@NullMarked
package org.certfleet.deploy;

import org.jspecify.annotations.NullMarked;
