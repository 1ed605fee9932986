package org.certfleet.deploy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.NodeSpec;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;
import org.certfleet.store.PemFile;
import org.jspecify.annotations.Nullable;

/**
 * certbot's layout on the node: {@code archive/<name>/{cert,chain,fullchain,privkey}N.pem} and
 * relative symlinks {@code live/<name>/<kind>.pem -> ../../archive/<name>/<kind>N.pem}, which is what
 * nginx's {@code ssl_certificate} lines point at.
 *
 * <p>N on the node is the node's own next number (one above the highest in its archive), not the
 * local store's version: nodes that were managed by hand before have their own history, and
 * certfleet never overwrites a file it did not write. A new version is uploaded to temporary names,
 * checked, renamed to its numbered names, and then each live link is replaced by a new symlink
 * renamed over it (rename(2): nginx sees the old link or the new one, never none).
 */
final class CertbotLayout implements RemoteLayout {
  private static final Pattern NUMBERED = Pattern.compile("(cert|chain|fullchain|privkey)(\\d{1,9})\\.pem");
  private static final String TEMP_PREFIX = ".certfleet-";

  private final NodeSpec node;
  private final String name;
  private final String archiveRoot;
  private final String liveRoot;
  private final String archive;
  private final String live;

  CertbotLayout(NodeSpec node, CertName cert) {
    this.node = node;
    this.name = cert.value();
    String base = node.baseDir().endsWith("/") ? node.baseDir().substring(0, node.baseDir().length() - 1) : node.baseDir();
    this.archiveRoot = base + "/archive";
    this.liveRoot = base + "/live";
    this.archive = archiveRoot + "/" + name;
    this.live = liveRoot + "/" + name;
  }

  @Override
  public Optional<CertFacts> current(NodeSession s) throws NodeAccessException {
    return s.read(live + "/cert.pem").flatMap(RemoteLayout::firstCertificate);
  }

  @Override
  public DeployedState inspect(NodeSession s) throws NodeAccessException {
    String link = live + "/" + PemFile.CERT.liveName();
    String location = s.readLink(link).map(t -> link + " -> " + t).orElse(link);
    String keyLink = live + "/" + PemFile.PRIVKEY.liveName();
    Optional<NodeSession.RemoteFile> keyFile = s.readLink(keyLink)
        .map(t -> t.startsWith("/") ? t : live + "/" + t)
        .map(t -> {
          try {
            return s.lstat(t).orElse(null);
          } catch (NodeAccessException e) {
            return null;
          }
        });
    return RemoteLayout.state(s, name, location, s.read(link), s.read(keyLink), keyFile);
  }

  @Override
  public Staged stage(NodeSession s, CertificateBundle bundle) throws NodeAccessException {
    // One listing of each directory serves the existence check, the leftovers, the next number and
    // the current links: a round trip per question otherwise.
    List<NodeSession.RemoteFile> archived = s.entries(archive).orElse(null);
    List<NodeSession.RemoteFile> linked = s.entries(live).orElse(null);
    if (archived == null) {
      s.mkdirs(archiveRoot, 0700);
      s.mkdirs(archive, 0755);
      archived = List.of();
    }
    if (linked == null) {
      s.mkdirs(liveRoot, 0700);
      s.mkdirs(live, 0755);
      linked = List.of();
    }
    removeLeftovers(s, archived);
    removeLeftovers(s, linked);
    Map<PemFile, Optional<String>> previous = new EnumMap<>(PemFile.class);
    for (PemFile f : PemFile.values()) {
      String path = live + "/" + f.liveName();
      Optional<NodeSession.RemoteFile> entry = linked.stream().filter(e -> e.path().equals(path)).findFirst();
      // An entry not listed as a symlink is looked at again: a server that follows links in listings
      // must not make a link look like a file, or a rollback would remove it instead of restoring it.
      previous.put(f, entry.isEmpty() ? Optional.empty()
          : entry.get().symlink() ? s.readLink(entry.get()) : s.readLink(path));
    }
    int n = nextNumber(archived);
    List<String> written = new ArrayList<>();
    try {
      List<String> temps = new ArrayList<>();
      for (PemFile f : PemFile.values()) {
        String tmp = archive + "/" + TEMP_PREFIX + f.archiveName(n) + ".tmp";
        written.add(tmp);
        s.writeNew(tmp, f.render(bundle), f.isPrivate() ? node.keyMode() : node.certMode());
        temps.add(tmp);
      }
      if (node.owner() != null) {
        s.chown(node.owner(), temps);
      }
      List<String> finals = new ArrayList<>();
      for (PemFile f : PemFile.values()) {
        String fin = archive + "/" + f.archiveName(n);
        s.renameNew(archive + "/" + TEMP_PREFIX + f.archiveName(n) + ".tmp", fin);
        written.add(fin);
        finals.add(fin);
      }
      return new CertbotStaged(n, finals, previous);
    } catch (NodeAccessException e) {
      throw RemoteLayout.removeAfter(e, s, written);
    }
  }

  @Override
  public void activate(NodeSession s, Staged staged) throws NodeAccessException {
    CertbotStaged st = (CertbotStaged) staged;
    List<PemFile> switched = new ArrayList<>();
    try {
      for (PemFile f : PemFile.values()) {
        pointLink(s, f, "../../archive/" + name + "/" + f.archiveName(st.number));
        switched.add(f);
      }
    } catch (NodeAccessException e) {
      for (PemFile f : switched) {
        try {
          restoreLink(s, f, st.previous.get(f));
        } catch (NodeAccessException undo) {
          e.addSuppressed(undo);
        }
      }
      throw e;
    }
  }

  @Override
  public void restore(NodeSession s, Staged staged) throws NodeAccessException {
    CertbotStaged st = (CertbotStaged) staged;
    NodeAccessException first = null;
    for (PemFile f : PemFile.values()) {
      try {
        restoreLink(s, f, st.previous.get(f));
      } catch (NodeAccessException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public List<String> plan(NodeSession s) throws NodeAccessException {
    int n = nextNumber(s.entries(archive).orElse(List.of()));
    List<String> lines = new ArrayList<>();
    lines.add("upload " + archive + "/{cert,chain,fullchain,privkey}" + n + ".pem (privkey mode "
        + Integer.toOctalString(node.keyMode()) + ")");
    lines.add("switch " + live + "/*.pem -> ../../archive/" + name + "/*" + n + ".pem");
    return lines;
  }

  private void pointLink(NodeSession s, PemFile f, String target) throws NodeAccessException {
    String tmp = live + "/" + TEMP_PREFIX + f.liveName() + ".lnk";
    try {
      s.symlink(tmp, target);
    } catch (NodeAccessException first) {
      // Normally stage() removed every leftover; one from a switch that failed in this run is removed now.
      s.remove(tmp);
      try {
        s.symlink(tmp, target);
      } catch (NodeAccessException again) {
        again.addSuppressed(first);
        throw again;
      }
    }
    s.replace(tmp, live + "/" + f.liveName());
  }

  private void restoreLink(NodeSession s, PemFile f, @Nullable Optional<String> previous) throws NodeAccessException {
    if (previous != null && previous.isPresent()) {
      pointLink(s, f, previous.get());
    } else {
      s.remove(live + "/" + f.liveName());
    }
  }

  private static int nextNumber(List<NodeSession.RemoteFile> archived) {
    int max = 0;
    for (NodeSession.RemoteFile f : archived) {
      Matcher m = NUMBERED.matcher(fileName(f));
      if (m.matches()) {
        max = Math.max(max, Integer.parseInt(m.group(2)));
      }
    }
    return max + 1;
  }

  /** Temporary files of an earlier run that was cut off; they were never live. */
  private static void removeLeftovers(NodeSession s, List<NodeSession.RemoteFile> listed) throws NodeAccessException {
    for (NodeSession.RemoteFile f : listed) {
      if (fileName(f).startsWith(TEMP_PREFIX)) {
        s.remove(f.path());
      }
    }
  }

  private static String fileName(NodeSession.RemoteFile f) {
    return f.path().substring(f.path().lastIndexOf('/') + 1);
  }

  private record CertbotStaged(int number, List<String> files, Map<PemFile, Optional<String>> previous)
      implements Staged {
    @Override
    public String target() {
      return "archive/" + "*" + number + ".pem";
    }
  }
}
