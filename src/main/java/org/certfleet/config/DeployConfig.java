package org.certfleet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a certificate is rolled out across its nodes.
 *
 * @param canary the node deployed to first, alone, when it is among a certificate's nodes; null means
 *     the first node of each certificate's list
 * @param parallelism how many nodes are deployed to at once after the canary
 * @param maxFailedNodes failures tolerated per certificate; one more and no further node is touched
 * @param verifyTimeout how long a node may take after its reload to serve the new certificate
 * @param hooks local commands run after each certificate's rollout (absolute or relative to certs.yaml)
 * @param hookTimeout how long each hook may run
 */
public record DeployConfig(
    @Nullable String canary,
    int parallelism,
    int maxFailedNodes,
    Duration verifyTimeout,
    List<Path> hooks,
    Duration hookTimeout) {

  public static final int DEFAULT_PARALLELISM = 8;
  public static final int DEFAULT_MAX_FAILED_NODES = 1;
  public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(60);

  public DeployConfig {
    Objects.requireNonNull(verifyTimeout, "verifyTimeout");
    Objects.requireNonNull(hookTimeout, "hookTimeout");
    hooks = List.copyOf(hooks);
    if (parallelism < 1 || maxFailedNodes < 0) {
      throw new IllegalArgumentException("parallelism must be >= 1 and maxFailedNodes >= 0");
    }
  }

  public static DeployConfig defaults() {
    return new DeployConfig(null, DEFAULT_PARALLELISM, DEFAULT_MAX_FAILED_NODES, DEFAULT_VERIFY_TIMEOUT, List.of(),
        DEFAULT_HOOK_TIMEOUT);
  }
}
