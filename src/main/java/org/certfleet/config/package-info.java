/**
 * certs.yaml to immutable records. Validation reports every error at once as {@code
 * certs.yaml:LINE:COL: path.to.field: what is wrong (expected …)}. Secrets stay references ({@link
 * org.certfleet.config.SecretRef}) until {@link org.certfleet.config.SecretResolver} resolves them at
 * the point of use. Depends on {@code cert} only.
 */
@NullMarked
package org.certfleet.config;

import org.jspecify.annotations.NullMarked;
