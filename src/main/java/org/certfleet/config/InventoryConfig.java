package org.certfleet.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The {@code inventory:} section.
 *
 * @param caBundle PEM file of extra root CAs that served chains may end at (a private or lab CA), in
 *     addition to the JDK's trusted roots; null for none
 */
public record InventoryConfig(@Nullable Path caBundle) {
  public static InventoryConfig defaults() {
    return new InventoryConfig(null);
  }
}
