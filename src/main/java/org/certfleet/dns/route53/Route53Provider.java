package org.certfleet.dns.route53;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.certfleet.config.Secret;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Keeps the TXT record set of a name equal to the values presented on it, through Route 53's
 * ChangeResourceRecordSets, and waits for every change to be INSYNC.
 *
 * <p>Route 53 holds all values of a name in one record set, so each change is a read-modify-write:
 * read the set, then UPSERT it with the value added or removed (DELETE it, with its exact current
 * TTL and values, when the last one goes). Those steps run under one lock per provider, so concurrent
 * orders in this process never drop each other's values; the INSYNC wait runs outside the lock.
 *
 * <p>Thread-safe. All AWS SDK use is confined to this class; the client is built on the first API
 * call and kept for the provider's life.
 */
final class Route53Provider implements DnsProvider {
  private static final Logger LOG = LoggerFactory.getLogger(Route53Provider.class);
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** What the factory validated; secrets stay wrapped until the client is built. */
  record Settings(
      String instance,
      @Nullable String hostedZoneId,
      @Nullable Secret accessKeyId,
      @Nullable Secret secretAccessKey,
      String region,
      @Nullable URI endpoint,
      int ttl,
      Duration timeout,
      Duration propagationTimeout,
      Duration pollInterval) {}

  private final Settings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Object changeLock = new Object();
  private final Object clientLock = new Object();
  private @Nullable Route53Client client; // guarded by clientLock

  Route53Provider(Settings settings, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public void present(TxtRecord record) throws DnsException {
    String zoneId = hostedZoneId(record);
    String value = quote(record.value());
    String changeId;
    synchronized (changeLock) {
      Optional<ResourceRecordSet> current = txtSet(zoneId, record);
      List<String> values = new ArrayList<>(current.map(Route53Provider::values).orElse(List.of()));
      if (values.contains(value)) {
        return;
      }
      values.add(value);
      changeId = change(zoneId, record, "add", ChangeAction.UPSERT, txtSet(record.fqdn(), settings.ttl(), values));
    }
    awaitInSync(zoneId, record, "add", changeId);
  }

  @Override
  public void cleanUp(TxtRecord record) throws DnsException {
    String zoneId = hostedZoneId(record);
    String value = quote(record.value());
    String changeId;
    synchronized (changeLock) {
      Optional<ResourceRecordSet> current = txtSet(zoneId, record);
      if (current.isEmpty() || !values(current.get()).contains(value)) {
        return;
      }
      ResourceRecordSet set = current.get();
      List<String> remaining = new ArrayList<>(values(set));
      remaining.remove(value);
      // DELETE must name the set exactly as it is (TTL and every value), or Route 53 refuses it.
      changeId = remaining.isEmpty()
          ? change(zoneId, record, "delete", ChangeAction.DELETE, set)
          : change(zoneId, record, "delete", ChangeAction.UPSERT, txtSet(set.name(), set.ttl(), remaining));
    }
    awaitInSync(zoneId, record, "delete", changeId);
  }

  /** The configured zone, else the public hosted zone whose name is the longest suffix of the record's. */
  private String hostedZoneId(TxtRecord record) throws DnsException {
    if (settings.hostedZoneId() != null) {
      return settings.hostedZoneId();
    }
    String name = record.fqdn().toLowerCase(Locale.ROOT);
    for (String candidate = name; candidate.contains("."); candidate = candidate.substring(candidate.indexOf('.') + 1)) {
      String dnsName = candidate;
      // Zones are listed in the order of their reversed labels from dnsName on, so the zone named
      // dnsName (if any) comes first; several can share a name (public, private, duplicates).
      List<HostedZone> zones = call("find the hosted zone of " + record.fqdn(), null,
          () -> client().listHostedZonesByName(b -> b.dnsName(dnsName).maxItems("10")).hostedZones());
      List<HostedZone> matches = zones.stream()
          .filter(z -> sameName(z.name(), dnsName))
          .filter(z -> z.config() == null || !Boolean.TRUE.equals(z.config().privateZone()))
          .toList();
      if (matches.size() > 1) {
        throw new DnsException(prefix() + "several public hosted zones are named " + dnsName + " ("
            + String.join(", ", matches.stream().map(z -> bareId(z.id())).toList()) + "); set option hosted-zone-id");
      }
      if (matches.size() == 1) {
        return bareId(matches.get(0).id());
      }
    }
    throw new DnsException(prefix() + "no public hosted zone holds " + record.fqdn()
        + " in this account; set option hosted-zone-id, or check the credentials");
  }

  /** The simple TXT record set named like {@code record}, if there is one. */
  private Optional<ResourceRecordSet> txtSet(String zoneId, TxtRecord record) throws DnsException {
    // The listing starts at (name, type) and goes on with whatever follows, so check what came back.
    List<ResourceRecordSet> sets = call("read TXT " + record.fqdn(), zoneId,
        () -> client().listResourceRecordSets(b -> b.hostedZoneId(zoneId).startRecordName(record.fqdn())
            .startRecordType(RRType.TXT).maxItems("1")).resourceRecordSets());
    return sets.stream()
        .filter(s -> s.type() == RRType.TXT && sameName(s.name(), record.fqdn()) && s.setIdentifier() == null)
        .findFirst();
  }

  private String change(String zoneId, TxtRecord record, String what, ChangeAction action, ResourceRecordSet set)
      throws DnsException {
    Change change = Change.builder().action(action).resourceRecordSet(set).build();
    String id = call(what + " " + record, zoneId, () -> client().changeResourceRecordSets(b -> b.hostedZoneId(zoneId)
        .changeBatch(c -> c.comment("certfleet " + settings.instance()).changes(change))).changeInfo().id());
    LOG.debug("dns provider {} (route53): {} {} in hosted zone {}: change {}", settings.instance(), action, record, zoneId, id);
    return bareId(id);
  }

  private void awaitInSync(String zoneId, TxtRecord record, String what, String changeId) throws DnsException {
    Instant deadline = clock.instant().plus(settings.propagationTimeout());
    while (true) {
      ChangeStatus status = call(what + " " + record + ": look at change " + changeId, zoneId,
          () -> client().getChange(b -> b.id(changeId)).changeInfo().status());
      if (status == ChangeStatus.INSYNC) {
        return;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new DnsException(prefix() + what + " " + record + " in hosted zone " + zoneId + ": change " + changeId
            + " is still " + status + " after " + settings.propagationTimeout().toSeconds() + " s");
      }
      try {
        sleeper.sleep(settings.pollInterval());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DnsException(prefix() + what + " " + record + ": interrupted while change " + changeId + " was "
            + status, e);
      }
    }
  }

  /** One SDK call; its failures become a DnsException naming the instance, the step and the API error. */
  private <T> T call(String what, @Nullable String zoneId, SdkCall<T> call) throws DnsException {
    try {
      return call.run();
    } catch (AwsServiceException e) {
      AwsErrorDetails d = e.awsErrorDetails();
      String code = d == null || d.errorCode() == null ? "" : " " + d.errorCode();
      String message = d == null || d.errorMessage() == null ? "" : ": " + d.errorMessage();
      throw new DnsException(redact(prefix() + what + where(zoneId) + ": HTTP " + e.statusCode() + code + message), e);
    } catch (SdkException e) {
      throw new DnsException(redact(prefix() + what + where(zoneId) + ": " + e.getMessage()), e);
    }
  }

  @FunctionalInterface
  private interface SdkCall<T> {
    T run();
  }

  private Route53Client client() {
    synchronized (clientLock) {
      if (client == null) {
        client = buildClient();
      }
      return client;
    }
  }

  private Route53Client buildClient() {
    Secret keyId = settings.accessKeyId();
    Secret secretKey = settings.secretAccessKey();
    AwsCredentialsProvider credentials = keyId != null && secretKey != null
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId.reveal(), secretKey.reveal()))
        : DefaultCredentialsProvider.builder().build();
    Duration timeout = settings.timeout();
    Duration connect = timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
    Route53ClientBuilder b = Route53Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(timeout))
        .overrideConfiguration(c -> c.apiCallTimeout(timeout));
    if (settings.endpoint() != null) {
      b.endpointOverride(settings.endpoint());
    }
    return b.build();
  }

  /** Belt and braces: no SDK message is expected to carry the credentials, but none may. */
  private String redact(String message) {
    String m = message;
    for (Secret s : new Secret[] {settings.secretAccessKey(), settings.accessKeyId()}) {
      if (s != null) {
        m = m.replace(s.reveal(), "***");
      }
    }
    return m;
  }

  private String prefix() {
    return "dns provider " + settings.instance() + " (route53): ";
  }

  private static String where(@Nullable String zoneId) {
    return zoneId == null ? "" : " in hosted zone " + zoneId;
  }

  private static ResourceRecordSet txtSet(String name, long ttl, List<String> values) {
    return ResourceRecordSet.builder().name(name).type(RRType.TXT).ttl(ttl)
        .resourceRecords(values.stream().map(v -> ResourceRecord.builder().value(v).build()).toList())
        .build();
  }

  private static List<String> values(ResourceRecordSet set) {
    return set.resourceRecords().stream().map(ResourceRecord::value).toList();
  }

  /** Route 53 wants TXT values as quoted character-strings. */
  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Names compare without case and with Route 53's octal escapes (\052 for *) decoded. */
  static boolean sameName(String route53Name, String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < route53Name.length(); i++) {
      char c = route53Name.charAt(i);
      if (c == '\\' && i + 3 < route53Name.length() && route53Name.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(route53Name.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    String a = b.toString().toLowerCase(Locale.ROOT);
    String n = name.toLowerCase(Locale.ROOT);
    return (a.endsWith(".") ? a : a + ".").equals(n.endsWith(".") ? n : n + ".");
  }

  /** Ids come as {@code /hostedzone/Z…} or {@code /change/C…}; the calls take the bare id. */
  private static String bareId(String id) {
    return id.substring(id.lastIndexOf('/') + 1);
  }
}
