package org.certfleet.testing.acme;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Pebble ACME server plus pebble-challtestsrv (its DNS) on loopback, for tests of the
 * ACME client alone. TXT records are set through challtestsrv's management API, which is how lego's
 * and acme4j's own end-to-end tests drive Pebble. The full lab (BIND, nodes) lives in src/lab.
 */
public final class PebbleFixture implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  private final Path dir;
  private final int acmePort;
  private final int dnsPort;
  private final int challPort;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PebbleFixture(Path dir, int acmePort, int dnsPort, int challPort) {
    this.dir = dir;
    this.acmePort = acmePort;
    this.dnsPort = dnsPort;
    this.challPort = challPort;
  }

  /** Starts both servers; {@code nonceReject} is Pebble's percentage of good nonces it rejects. */
  public static PebbleFixture start(Path dir, int basePort, int nonceReject) throws IOException, InterruptedException {
    return start(dir, basePort, nonceReject, Map.of());
  }

  /**
   * As {@link #start(Path, int, int)}; with {@code eabKeys} (key id to base64url HMAC key) not empty,
   * Pebble requires External Account Binding with one of them. Pebble also offers one alternate chain
   * (a second root), whose root {@link #root(int)} returns.
   */
  public static PebbleFixture start(Path dir, int basePort, int nonceReject, Map<String, String> eabKeys)
      throws IOException, InterruptedException {
    PebbleFixture f = new PebbleFixture(dir, basePort, basePort + 53, basePort + 55);
    try {
      f.generateTls();
      Files.writeString(dir.resolve("pebble.json"), """
          {"pebble": {"listenAddress": "%s:%d", "managementListenAddress": "%s:%d",
            "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
            "ocspResponderURL": "", "externalAccountBindingRequired": %s, "externalAccountMACKeys": {%s}}}
          """.formatted(HOST, basePort, HOST, basePort + 1, dir.resolve("server.pem"), dir.resolve("server.key"),
          basePort + 2, basePort + 3, !eabKeys.isEmpty(), String.join(", ", eabKeys.entrySet().stream()
              .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"").toList())));
      f.spawn(Map.of(), "pebble-challtestsrv", "-dns01", HOST + ":" + f.dnsPort, "-http01", "", "-https01", "",
          "-tlsalpn01", "", "-management", HOST + ":" + f.challPort, "-defaultIPv6", "");
      f.awaitPort(f.challPort);
      f.spawn(Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", Integer.toString(nonceReject),
              "PEBBLE_AUTHZREUSE", "0", "PEBBLE_ALTERNATE_ROOTS", "1"),
          "pebble", "-config", dir.resolve("pebble.json").toString(), "-dnsserver", HOST + ":" + f.dnsPort);
      f.awaitPort(basePort);
      return f;
    } catch (IOException | InterruptedException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  public URI directory() {
    return URI.create("https://" + HOST + ":" + acmePort + "/dir");
  }

  /** Root {@code index} of Pebble's issuing hierarchies (0 is the default chain's), from its management API. */
  public X509Certificate root(int index) throws IOException, InterruptedException {
    Path out = dir.resolve("root" + index + ".pem");
    run("curl", "--silent", "--show-error", "--fail", "--max-time", "10", "--cacert", tlsCa().toString(), "-o",
        out.toString(), "https://" + HOST + ":" + (acmePort + 1) + "/roots/" + index);
    try {
      return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(Files.readAllBytes(out)));
    } catch (java.security.cert.CertificateException e) {
      throw new IOException("Pebble root " + index + " does not parse", e);
    }
  }

  /** The CA that signed Pebble's TLS certificate. */
  public Path tlsCa() {
    return dir.resolve("ca.pem");
  }

  public void addTxt(String fqdn, String value) throws IOException, InterruptedException {
    post("/set-txt", "{\"host\":\"" + fqdn + "\",\"value\":\"" + value + "\"}");
  }

  public void clearTxt(String fqdn) throws IOException, InterruptedException {
    post("/clear-txt", "{\"host\":\"" + fqdn + "\"}");
  }

  private void post(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + challPort + path))
        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("challtestsrv " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  private void generateTls() throws IOException, InterruptedException {
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=certfleet test CA", "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.pem").toString());
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
        "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString());
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,DNS:pebble,IP:127.0.0.1\n");
    run("openssl", "x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", dir.resolve("ca.pem").toString(),
        "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile",
        dir.resolve("san.ext").toString(), "-out", dir.resolve("server.pem").toString());
  }

  private void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("openssl.log")));
    }
  }

  private void spawn(Map<String, String> env, String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(cmd[0] + ".log").toFile()));
    pb.environment().putAll(env);
    processes.add(pb.start());
  }

  private void awaitPort(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("nothing listens on " + HOST + ":" + port + " after 15 s; see logs in " + dir);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
