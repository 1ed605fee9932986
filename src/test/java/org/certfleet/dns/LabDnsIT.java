package org.certfleet.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.certfleet.cert.DnsName;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.dns.rfc2136.Rfc2136Factory;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The DNS layer against the lab's real BIND: TSIG updates, CNAME delegation, both authoritative servers. */
@ExtendWith(LabExtension.class)
class LabDnsIT {
  final List<Duration> slept = new ArrayList<>();

  DnsProvider provider(Lab lab, String secretFile) {
    return new DnsProviders(List.of(new Rfc2136Factory(), new ExecFactory(lab.dir()))).create(new PluginSpec("lab-bind",
        "rfc2136", Map.of("server", lab.dnsServers().get(0) + ":53", "tsig-key-name", lab.tsigKeyName(),
            "tsig-secret", "${file:" + secretFile + "}")), new SecretResolver(n -> null));
  }

  ChallengePublisher publisher(Lab lab, Duration timeout) {
    DnsResolution dns = new DnsResolution(List.of(new InetSocketAddress(lab.dnsServers().get(0), 53)), Duration.ofSeconds(2), 53);
    return new ChallengePublisher(dns, new PropagationCheck(dns, Clock.systemUTC(), d -> {
      slept.add(d);
      Thread.sleep(d.toMillis());
    }), d -> Thread.sleep(d.toMillis()), timeout, Duration.ofMillis(200), Duration.ZERO);
  }

  /** A journal in memory, as the state directory's would be after a crash. */
  static final class MemoryJournal implements RecordJournal {
    final List<Entry> entries = new ArrayList<>();

    @Override
    public synchronized void presenting(String provider, TxtRecord record) {
      entries.add(new Entry(provider, record));
    }

    @Override
    public synchronized void removed(String provider, TxtRecord record) {
      entries.remove(new Entry(provider, record));
    }

    @Override
    public synchronized List<Entry> leftovers() {
      return List.copyOf(entries);
    }
  }

  @Test
  void recordsOfARunThatNeverCleanedUpAreRemovedByTheNextRunsSweep(Lab lab) throws Exception {
    DnsProvider bind = provider(lab, lab.tsigSecretFile().toString());
    MemoryJournal journal = new MemoryJournal();
    DnsResolution dns = new DnsResolution(List.of(new InetSocketAddress(lab.dnsServers().get(0), 53)), Duration.ofSeconds(2), 53);
    ChallengePublisher crashing = new ChallengePublisher(dns, new PropagationCheck(dns, Clock.systemUTC(),
        d -> Thread.sleep(d.toMillis())), d -> Thread.sleep(d.toMillis()), Duration.ofSeconds(20), Duration.ofMillis(200),
        Duration.ZERO, journal);

    // Published and never closed: the process died before its clean-up.
    ChallengePublisher.Published lost = crashing.publish(List.of(
        new ChallengePublisher.Target(DnsName.parse("media.hachyderm.io"), "left-by-a-crash", bind, "lab-bind")));
    assertThat(lost.records()).hasSize(1);
    assertThat(journal.leftovers()).extracting(RecordJournal.Entry::provider).containsExactly("lab-bind");
    for (String ns : lab.dnsServers()) {
      assertThat(txt(lab, ns, "media." + lab.delegationZone() + ".")).containsExactly("left-by-a-crash");
    }

    ChallengePublisher next = new ChallengePublisher(dns, new PropagationCheck(dns, Clock.systemUTC(),
        d -> Thread.sleep(d.toMillis())), d -> Thread.sleep(d.toMillis()), Duration.ofSeconds(20), Duration.ofMillis(200),
        Duration.ZERO, journal);
    assertThat(next.sweep(name -> null)).as("a provider no longer configured: kept for later").isZero();
    assertThat(journal.leftovers()).hasSize(1);
    assertThat(next.sweep(name -> name.equals("lab-bind") ? bind : null)).isEqualTo(1);

    assertThat(journal.leftovers()).isEmpty();
    assertThat(txt(lab, lab.dnsServers().get(0), "media." + lab.delegationZone() + ".")).isEmpty();
  }

  static List<String> txt(Lab lab, String ns, String fqdn) throws Exception {
    DnsResolution dns = new DnsResolution(List.of(new InetSocketAddress(ns, 53)), Duration.ofSeconds(2), 53);
    List<String> out = new ArrayList<>();
    for (Record r : dns.askAuthoritative(new InetSocketAddress(ns, 53), Name.fromString(fqdn), Type.TXT).getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t) {
        out.addAll(t.getStrings());
      }
    }
    return out;
  }

  @Test
  void followsTheChallengeCnameIntoTheDelegationZoneAndWaitsForBothNameservers(Lab lab) throws Exception {
    DnsProvider bind = provider(lab, lab.tsigSecretFile().toString());

    List<String> seen = new ArrayList<>();
    try (ChallengePublisher.Published p = publisher(lab, Duration.ofSeconds(20)).publish(List.of(
        new ChallengePublisher.Target(DnsName.parse("media.hachyderm.io"), "digest-media", bind),
        new ChallengePublisher.Target(DnsName.parse("*.files.hachyderm.io"), "digest-wildcard", bind),
        new ChallengePublisher.Target(DnsName.parse("files.hachyderm.io"), "digest-base", bind)))) {
      assertThat(p.records()).extracting(TxtRecord::fqdn, TxtRecord::zone).containsExactly(
          org.assertj.core.groups.Tuple.tuple("media." + lab.delegationZone() + ".", lab.delegationZone() + "."),
          org.assertj.core.groups.Tuple.tuple("_acme-challenge.files.hachyderm.io.", "hachyderm.io."),
          org.assertj.core.groups.Tuple.tuple("_acme-challenge.files.hachyderm.io.", "hachyderm.io."));
      for (String ns : lab.dnsServers()) {
        seen.addAll(txt(lab, ns, "_acme-challenge.files.hachyderm.io."));
        assertThat(txt(lab, ns, "media." + lab.delegationZone() + ".")).containsExactly("digest-media");
      }
    }
    assertThat(seen).containsExactlyInAnyOrder("digest-wildcard", "digest-base", "digest-wildcard", "digest-base");
    for (String ns : lab.dnsServers()) {
      assertThat(txt(lab, ns, "_acme-challenge.files.hachyderm.io.")).as("cleaned up on " + ns).isEmpty();
      assertThat(txt(lab, ns, "media." + lab.delegationZone() + ".")).isEmpty();
    }
  }

  @Test
  void aWrongTsigKeyIsRefusedWithNotauthAndNothingIsLeftBehind(Lab lab, @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    java.nio.file.Path wrong = tmp.resolve("wrong.secret");
    java.nio.file.Files.writeString(wrong, "d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZ3dyb25nMDE=");
    DnsProvider bad = provider(lab, wrong.toString());

    assertThatThrownBy(() -> publisher(lab, Duration.ofSeconds(5)).publish(List.of(
        new ChallengePublisher.Target(DnsName.parse("files.hachyderm.io"), "x", bad))))
        .isInstanceOf(DnsException.class)
        .hasMessage("dns provider lab-bind (rfc2136 " + lab.dnsServers().get(0) + ":53): add of TXT _acme-challenge.files.hachyderm.io."
            + " \"x\" in zone hachyderm.io. refused: NOTAUTH (wrong TSIG key, or the server is not authoritative for the zone)");
  }

  @Test
  void aRecordThatNeverPropagatesTimesOutNamingRecordAndNameserverAndIsRemoved(Lab lab) throws Exception {
    DnsProvider bind = provider(lab, lab.tsigSecretFile().toString());
    // Publishes somewhere the check does not look, so the expected value never appears.
    DnsProvider misdirected = new DnsProvider() {
      @Override
      public void present(TxtRecord r) throws DnsException {
        bind.present(new TxtRecord("elsewhere." + r.zone(), r.zone(), r.value(), r.ttl()));
      }

      @Override
      public void cleanUp(TxtRecord r) throws DnsException {
        bind.cleanUp(new TxtRecord("elsewhere." + r.zone(), r.zone(), r.value(), r.ttl()));
      }
    };

    assertThatThrownBy(() -> publisher(lab, Duration.ofSeconds(2)).publish(List.of(
        new ChallengePublisher.Target(DnsName.parse("files.hachyderm.io"), "never", misdirected))))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("TXT _acme-challenge.files.hachyderm.io. \"never\" not visible on " + lab.dnsServers().get(0) + ":53")
        .hasMessageContaining("not visible on " + lab.dnsServers().get(1) + ":53")
        .hasMessageEndingWith("after 2 s");
    assertThat(slept).isNotEmpty().allMatch(d -> d.compareTo(Duration.ofMillis(200)) <= 0);
    assertThat(txt(lab, lab.dnsServers().get(0), "elsewhere.hachyderm.io.")).isEmpty();
  }

  @Test
  void resolutionFindsZonesNameserversAndDetectsACnameLoop(Lab lab) throws Exception {
    DnsResolution dns = new DnsResolution(List.of(new InetSocketAddress(lab.dnsServers().get(0), 53)), Duration.ofSeconds(2), 53);

    assertThat(dns.followCnames(Name.fromString("_acme-challenge.files.hachyderm.io."))).hasToString("_acme-challenge.files.hachyderm.io.");
    assertThat(dns.followCnames(Name.fromString("_acme-challenge.media.hachyderm.io."))).hasToString("media." + lab.delegationZone() + ".");
    assertThat(dns.zoneOf(Name.fromString("_acme-challenge.media.hachyderm.io."))).hasToString("hachyderm.io.");
    assertThat(dns.zoneOf(Name.fromString("media." + lab.delegationZone() + "."))).hasToString(lab.delegationZone() + ".");
    assertThat(dns.nameservers(Name.fromString("hachyderm.io."))).extracting(a -> a.getAddress().getHostAddress())
        .containsExactlyInAnyOrderElementsOf(lab.dnsServers());
    assertThatThrownBy(() -> dns.followCnames(Name.fromString("_acme-challenge.loop.hachyderm.io.")))
        .isInstanceOf(DnsException.class)
        .hasMessage("CNAME loop: _acme-challenge.loop.hachyderm.io. -> loop-back.hachyderm.io. -> _acme-challenge.loop.hachyderm.io.");
    assertThatThrownBy(() -> dns.zoneOf(Name.fromString("_acme-challenge.www.nowhere-certfleet.org.")))
        .isInstanceOf(DnsException.class)
        .hasMessageStartingWith("no zone found for _acme-challenge.www.nowhere-certfleet.org.");
  }

  @Test
  void theShippedNsupdateHookPublishesAndCleansUpThroughTheExecProvider(Lab lab) throws Exception {
    // The hook reads NSUPDATE_* from certfleet's environment; a wrapper supplies them for this test.
    java.nio.file.Path wrapper = lab.dir().resolve("nsupdate-wrapper.sh");
    java.nio.file.Files.writeString(wrapper, "#!/bin/sh\nNSUPDATE_SERVER=" + lab.dnsServers().get(0) + " NSUPDATE_KEY_FILE="
        + lab.dir().resolve("dns/tsig.key") + " exec " + java.nio.file.Path.of("hooks/dns/nsupdate.sh").toAbsolutePath() + " \"$@\"\n");
    java.nio.file.Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    DnsProvider hook = new ExecFactory(lab.dir()).create("hook", Map.of("command", wrapper.toString()), new SecretResolver(n -> null));

    try (ChallengePublisher.Published p = publisher(lab, Duration.ofSeconds(10)).publish(List.of(
        new ChallengePublisher.Target(DnsName.parse("media.hachyderm.io"), "via-hook", hook)))) {
      for (String ns : lab.dnsServers()) {
        assertThat(txt(lab, ns, "media." + lab.delegationZone() + ".")).containsExactly("via-hook");
      }
    }
    assertThat(txt(lab, lab.dnsServers().get(1), "media." + lab.delegationZone() + ".")).isEmpty();
  }
}
