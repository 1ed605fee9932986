/**
 * The domain vocabulary shared by every other package: names, key types, certificate bundles and the
 * facts parsed from X.509. No network and no file-system I/O here; everything may depend on it.
 */
@NullMarked
package org.certfleet.cert;

import org.jspecify.annotations.NullMarked;
