package org.certfleet.testing.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every lab component is real and reachable on loopback, exactly as the other integration tests assume. */
@ExtendWith(LabExtension.class)
class LabIT {

  @Test
  void pebbleServesItsDirectoryOverTlsSignedByTheLabCa(Lab lab) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(lab.pebbleCa())) {
      ks.setCertificateEntry("lab", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> dir = http.send(HttpRequest.newBuilder(lab.pebbleDirectory()).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(dir.statusCode()).isEqualTo(200);
    assertThat(dir.body()).contains("newOrder", "newAccount");
    assertThat(Files.readString(lab.pebbleIssuerRoot())).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void bothNameserversAnswerAuthoritativelyAndFollowTheChallengeCname(Lab lab) throws Exception {
    for (String ns : lab.dnsServers()) {
      String soa = run("dig", "+norec", "+time=2", "+tries=1", "@" + ns, "hachyderm.io", "SOA");
      assertThat(soa).as(ns).contains("flags: qr aa").contains("ns1.hachyderm.io. hostmaster.hachyderm.io.");
    }
    String cname = run("dig", "+short", "+time=2", "+tries=1", "@" + lab.dnsServers().get(0), "_acme-challenge.media.hachyderm.io", "CNAME");
    assertThat(cname.strip()).isEqualTo("media." + lab.delegationZone() + ".");
  }

  @Test
  void dynamicUpdatesNeedTheTsigKey(Lab lab) throws Exception {
    String secret = Files.readString(lab.tsigSecretFile()).strip();
    String update = "server " + lab.dnsServers().get(0) + " 53\nzone " + lab.delegationZone()
        + "\nupdate add labit." + lab.delegationZone() + ". 60 TXT \"labit\"\nsend\n";

    assertThat(nsupdate(update, "hmac-sha256:" + lab.tsigKeyName().replaceAll("\\.$", "") + ":" + secret)).isZero();
    assertThat(nsupdate(update, "hmac-sha256:" + lab.tsigKeyName().replaceAll("\\.$", "") + ":d3Jvbmd3cm9uZ3dyb25nCg==")).isNotZero();
    String unsigned = "server " + lab.dnsServers().get(0) + " 53\nzone " + lab.delegationZone()
        + "\nupdate add unsigned." + lab.delegationZone() + ". 60 TXT \"x\"\nsend\n";
    assertThat(nsupdate(unsigned, null)).isNotZero();
    assertThat(run("dig", "+short", "+time=2", "+tries=1", "@" + lab.dnsServers().get(1), "labit." + lab.delegationZone(), "TXT"))
        .contains("\"labit\"");
  }

  @Test
  void everySshdAcceptsTheLabKeyWithStrictHostKeysAndRefusesAWrongPin(Lab lab, @TempDir Path tmp) throws Exception {
    for (Lab.Node n : lab.nodes()) {
      assertThat(ssh(lab, n, lab.knownHosts())).as(n.name()).isZero();
    }
    Path wrong = tmp.resolve("known_hosts");
    Lab.Node first = lab.nodes().get(0);
    Lab.Node second = lab.nodes().get(1);
    // The first node's address pinned to the second node's host key: a changed key.
    String secondKey = Files.readAllLines(lab.knownHosts()).stream().filter(l -> l.startsWith("[" + second.address() + "]"))
        .findFirst().orElseThrow().split(" ", 2)[1];
    Files.writeString(wrong, "[" + first.address() + "]:" + first.sshPort() + " " + secondKey + "\n");
    assertThat(ssh(lab, first, wrong)).isNotZero();
  }

  @Test
  void everyNginxServesASoonToExpireCertificatePerName(Lab lab) throws Exception {
    for (Lab.Node n : lab.nodes()) {
      for (String name : List.of("media.hachyderm.io", "www.hachyderm.io", "files.hachyderm.io")) {
        X509Certificate leaf = served(n.address(), n.httpsPort(), name);
        assertThat(leaf.getSubjectAlternativeNames()).as(n.name() + " " + name).anySatisfy(san -> assertThat(san.get(1)).isEqualTo(name));
        assertThat(leaf.getNotAfter().toInstant()).isBefore(Instant.now().plus(Duration.ofDays(6)));
      }
    }
  }

  @Test
  void webhookReceiverRecordsPostsAndInjectsFailures(Lab lab) throws Exception {
    lab.clearWebhookRequests();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(lab.webhookBase().resolve("/discord/api/webhooks/1/t?wait=true"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hello\"}")).build(), HttpResponse.BodyHandlers.ofString());
    http.send(HttpRequest.newBuilder(lab.webhookBase().resolve("/_control/fail"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"status\":429,\"count\":1,\"retry_after\":1}")).build(),
        HttpResponse.BodyHandlers.discarding());
    HttpResponse<String> limited = http.send(HttpRequest.newBuilder(lab.webhookBase().resolve("/slack/x"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> slack = http.send(HttpRequest.newBuilder(lab.webhookBase().resolve("/slack/x"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(ok.body()).matches("\\{\"id\": \"\\d+\"\\}");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    assertThat(slack.body()).isEqualTo("ok");
    assertThat(lab.webhookRequests()).extracting(r -> r.get("path").asText())
        .containsExactly("/discord/api/webhooks/1/t", "/slack/x", "/slack/x");
  }

  // ---- helpers ----------------------------------------------------------------------------

  static X509Certificate served(String address, int port, String sni) throws Exception {
    X509Certificate[][] seen = new X509Certificate[1][];
    TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen[0] = chain;
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {recorder}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(address, port), 3000);
      s.setSoTimeout(3000);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      s.setSSLParameters(p);
      s.startHandshake();
    }
    return seen[0][0];
  }

  static int ssh(Lab lab, Lab.Node n, Path knownHosts) throws Exception {
    Process p = new ProcessBuilder("ssh", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "GlobalKnownHostsFile=/dev/null", "-o", "CheckHostIP=no", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
        "-i", lab.sshKey().toString(), "-p", Integer.toString(n.sshPort()), "root@" + n.address(), "true")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return finish(p);
  }

  static int nsupdate(String script, String key) throws Exception {
    List<String> cmd = key == null ? List.of("nsupdate", "-t", "5") : List.of("nsupdate", "-t", "5", "-y", key);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().write(script.getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    return finish(p);
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    finish(p);
    return out;
  }

  private static int finish(Process p) throws IOException, InterruptedException {
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + p.info().commandLine().orElse("?"));
    }
    return p.exitValue();
  }
}
