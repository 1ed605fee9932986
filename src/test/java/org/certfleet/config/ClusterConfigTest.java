package org.certfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.certfleet.testing.TestCatalogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code cluster:} section of certs.yaml. */
class ClusterConfigTest {
  @TempDir Path dir;

  private AppConfig load(String yaml) throws IOException {
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
  }

  private List<String> errors(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
    assertThat(e).as("expected the config to be rejected").isNotNull();
    String prefix = dir.resolve("certs.yaml").toString();
    return e.errors().stream().map(ConfigError::toString).map(s -> s.replace(prefix, "certs.yaml")).toList();
  }

  /** The line of {@code cluster:} when appended to the valid config. */
  private static final int FIRST = ConfigLoaderTest.VALID.split("\n", -1).length;

  @Test
  void absentMeansOneInstance() throws IOException {
    AppConfig c = load(ConfigLoaderTest.VALID);
    assertThat(c.cluster()).isNull();
    assertThat(c.clustered()).isFalse();
  }

  @Test
  void defaultsAndValues() throws IOException {
    AppConfig c = load(ConfigLoaderTest.VALID + """
        cluster:
          jdbc-url: jdbc:postgresql://db.internal:5432/certfleet
          user: certfleet
          password: ${file:/etc/certfleet/db-password}
          encryption-key: ${env:CERTFLEET_STATE_KEY}
        """);
    assertThat(c.clustered()).isTrue();
    ClusterConfig k = c.cluster();
    assertThat(k).isNotNull();
    assertThat(k.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/certfleet");
    assertThat(k.user()).isEqualTo("certfleet");
    assertThat(k.password()).isEqualTo(new SecretRef(SecretRef.Kind.FILE, "/etc/certfleet/db-password"));
    assertThat(k.encryptionKey()).isEqualTo(new SecretRef(SecretRef.Kind.ENV, "CERTFLEET_STATE_KEY"));
    assertThat(k.poolSize()).isEqualTo(ClusterConfig.DEFAULT_POOL_SIZE);
    assertThat(k.checkinInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(k.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    // Both references are listed for check --resolve-secrets, with their lines.
    assertThat(c.secretUses()).extracting(SecretUse::path).contains("cluster.password", "cluster.encryption-key");
    assertThat(c.secretUses()).filteredOn(u -> u.path().equals("cluster.password")).singleElement()
        .extracting(SecretUse::line).isEqualTo(FIRST + 3);
    // --state keeps the section.
    assertThat(c.withStateDir(dir).cluster()).isEqualTo(k);

    ClusterConfig tuned = load(ConfigLoaderTest.VALID + """
        cluster:
          jdbc-url: jdbc:postgresql://10.0.0.5,10.0.0.6:5433/certfleet?sslmode=verify-full&targetServerType=primary
          user: certfleet
          encryption-key: ${file:/etc/certfleet/state-key}
          pool-size: 8
          check-in-interval: 5s
          connect-timeout: 3s
        """).cluster();
    assertThat(tuned).isNotNull();
    assertThat(tuned.password()).isNull();
    assertThat(tuned.poolSize()).isEqualTo(8);
    assertThat(tuned.checkinInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(tuned.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void everyMistakeIsReportedWithItsLine() {
    assertThat(errors(ConfigLoaderTest.VALID + """
        cluster:
          jdbc-url: jdbc:mysql://db.internal/certfleet
          user: ${env:DB_USER}
          password: hunter2
          pool-size: 0
          check-in-interval: 500ms
          connect-timeout: soon
          instances: 3
        """)).containsExactly(
            "certs.yaml:" + (FIRST + 1) + ":3: cluster.encryption-key: required field is missing (expected a secret reference"
                + " to the key that encrypts private keys in the database; make one with openssl rand -base64 32)",
            "certs.yaml:" + (FIRST + 1) + ":13: cluster.jdbc-url: only PostgreSQL is supported (expected"
                + " jdbc:postgresql://host[:port]/database, e.g. jdbc:postgresql://db.internal:5432/certfleet)",
            "certs.yaml:" + (FIRST + 2) + ":9: cluster.user: takes the login name itself, not a reference (the password"
                + " is a reference)",
            "certs.yaml:" + (FIRST + 3) + ":13: cluster.password: must be a secret reference, never the secret itself"
                + " (expected ${env:NAME} or ${file:/absolute/path})",
            "certs.yaml:" + (FIRST + 4) + ":14: cluster.pool-size: 0 is out of range (expected 1 to 50)",
            "certs.yaml:" + (FIRST + 5) + ":22: cluster.check-in-interval: \"500ms\" is shorter than 1s (expected e.g. 15s)",
            "certs.yaml:" + (FIRST + 6) + ":20: cluster.connect-timeout: \"soon\" is not a duration (expected e.g. 500ms,"
                + " 30s, 5m, 24h, 14d)",
            "certs.yaml:" + (FIRST + 7) + ":3: cluster.instances: unknown key (expected one of: jdbc-url, user, password,"
                + " encryption-key, pool-size, check-in-interval, connect-timeout)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      postgresql://db/certfleet | "postgresql://db/certfleet" is not a PostgreSQL JDBC URL
      jdbc:postgresql://db | "jdbc:postgresql://db" is not a PostgreSQL JDBC URL
      jdbc:postgresql://db:99999/certfleet | port 99999 is out of range (expected 1 to 65535)
      jdbc:postgresql://db_1/certfleet | "jdbc:postgresql://db_1/certfleet" is not a PostgreSQL JDBC URL
      jdbc:postgresql://db/certfleet?user=x | must not carry the user
      jdbc:postgresql://db/certfleet?ssl=true&password=hunter2 | must not carry the password
      jdbc:oracle:thin:@db:1521/x | only PostgreSQL is supported
      jdbc:postgresql://certfleet:hunter2@db/certfleet | the value is not a PostgreSQL JDBC URL
      """)
  void jdbcUrlsThatAreRefused(String url, String message) {
    List<String> errors = errors(ConfigLoaderTest.VALID + "cluster:\n  jdbc-url: " + url
        + "\n  user: certfleet\n  encryption-key: ${env:K}\n");
    assertThat(errors).singleElement().asString().contains("cluster.jdbc-url: " + message);
    if (url.contains("hunter2")) {
      assertThat(errors.get(0)).doesNotContain("hunter2");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "jdbc:postgresql://127.0.0.1:5432/certfleet",
    "jdbc:postgresql://db.internal/certfleet",
    "jdbc:postgresql://[::1]:5432/certfleet",
    "jdbc:postgresql://a.example:5432,b.example:5432/certfleet?targetServerType=primary",
  })
  void jdbcUrlsThatAreTaken(String url) {
    assertThat(ConfigLoader.jdbcUrl(url)).isEqualTo(url);
  }
}
