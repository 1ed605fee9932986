package org.certfleet.testing.lab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A running lab, as described by its lab.json (written by src/lab/lab.sh). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Lab(Path dir, URI pebbleDirectory, Path pebbleCa, Path pebbleIssuerRoot, List<String> dnsServers,
    String tsigKeyName, String tsigAlgorithm, Path tsigSecretFile, String delegationZone, Path sshKey, Path knownHosts,
    URI webhookBase, Path config, List<String> certificates, List<Node> nodes) {

  /** One node: its sshd on {@code address:sshPort} and nginx on {@code address:httpsPort}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Node(String name, String address, int sshPort, int httpsPort, Path prefix, Path baseDir,
      String testCommand, String reloadCommand, Path nginxPidFile) {}

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static Lab read(Path labJson) throws IOException {
    return JSON.readValue(labJson.toFile(), Lab.class);
  }

  /** Everything the webhook receiver has recorded, oldest first. */
  public List<JsonNode> webhookRequests() throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(webhookBase.resolve("/requests")).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    return List.copyOf(JSON.readTree(r.body()).findParents("method"));
  }

  /**
   * The lab's certs.yaml copied into {@code dir}, with its state directory under {@code dir} and the TSIG
   * secret read from {@code tsigSecret} (pass {@link #tsigSecretFile()} for the right one).
   */
  public Path configCopy(Path dir, Path tsigSecret) throws IOException {
    String yaml = java.nio.file.Files.readString(config)
        .replace("dir: " + this.dir + "/certfleet-state", "dir: " + dir.resolve("state"))
        .replace("${file:" + tsigSecretFile + "}", "${file:" + tsigSecret + "}");
    Path file = dir.resolve("certs.yaml");
    java.nio.file.Files.writeString(file, yaml);
    return file;
  }

  public void clearWebhookRequests() throws IOException, InterruptedException {
    HTTP.send(HttpRequest.newBuilder(webhookBase.resolve("/requests")).timeout(Duration.ofSeconds(5)).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
