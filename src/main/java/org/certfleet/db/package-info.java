/**
 * The PostgreSQL database of a clustered certfleet ({@code cluster:} in certs.yaml): the connection
 * pool ({@link org.certfleet.db.Database}), the versioned schema ({@link org.certfleet.db.Migrations},
 * scripts in {@code db/migration/V<n>__<name>.sql}) and advisory locks. The stores that keep the shared
 * state in it build on this package.
 */
@NullMarked
package org.certfleet.db;

import org.jspecify.annotations.NullMarked;
