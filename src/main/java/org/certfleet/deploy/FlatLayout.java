package org.certfleet.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.NodeSpec;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;

/**
 * Two fixed files per certificate (the node's {@code fullchain-path} and {@code privkey-path}), for
 * nginx configs that do not use certbot's tree. A new pair is uploaded next to the files under
 * temporary names, the current pair is copied to {@code <file>.certfleet-previous} as a backup, and
 * each file is replaced by a rename. The previous contents are also kept in memory for the
 * transaction, so a rollback does not depend on the backup copy.
 */
final class FlatLayout implements RemoteLayout {
  static final String BACKUP_SUFFIX = ".certfleet-previous";

  private final NodeSpec node;
  private final String name;
  private final String fullchain;
  private final String privkey;

  FlatLayout(NodeSpec node, CertName cert) {
    this.node = node;
    this.name = cert.value();
    NodeSpec.FlatPaths flat = java.util.Objects.requireNonNull(node.flat(), "flat layout without paths");
    this.fullchain = flat.fullchain().replace("{name}", cert.value());
    this.privkey = flat.privkey().replace("{name}", cert.value());
  }

  @Override
  public Optional<CertFacts> current(NodeSession s) throws NodeAccessException {
    return s.read(fullchain).flatMap(RemoteLayout::firstCertificate);
  }

  @Override
  public DeployedState inspect(NodeSession s) throws NodeAccessException {
    return RemoteLayout.state(s, name, fullchain, s.read(fullchain), s.read(privkey), s.lstat(privkey));
  }

  @Override
  public Staged stage(NodeSession s, CertificateBundle bundle) throws NodeAccessException {
    List<String> written = new ArrayList<>();
    try {
      s.mkdirs(parent(fullchain), 0755);
      s.mkdirs(parent(privkey), 0755);
      Optional<byte[]> oldChain = s.read(fullchain);
      Optional<byte[]> oldKey = s.read(privkey);
      String newChain = temp(fullchain, "new");
      String newKey = temp(privkey, "new");
      for (String t : List.of(newChain, newKey)) {
        s.remove(t);
      }
      written.add(newChain);
      s.writeNew(newChain, bundle.fullchainPem(), node.certMode());
      written.add(newKey);
      s.writeNew(newKey, bundle.privkeyPem(), node.keyMode());
      if (node.owner() != null) {
        s.chown(node.owner(), List.of(newChain, newKey));
      }
      if (oldChain.isPresent() && oldKey.isPresent()) {
        backup(s, fullchain, oldChain.get(), node.certMode());
        backup(s, privkey, oldKey.get(), node.keyMode());
      }
      return new FlatStaged(List.of(newChain, newKey), oldChain, oldKey);
    } catch (NodeAccessException e) {
      throw RemoteLayout.removeAfter(e, s, written);
    }
  }

  @Override
  public void activate(NodeSession s, Staged staged) throws NodeAccessException {
    FlatStaged st = (FlatStaged) staged;
    s.replace(st.files.get(0), fullchain);
    try {
      s.replace(st.files.get(1), privkey);
    } catch (NodeAccessException e) {
      try {
        put(s, fullchain, st.oldChain, node.certMode());
      } catch (NodeAccessException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  @Override
  public void restore(NodeSession s, Staged staged) throws NodeAccessException {
    FlatStaged st = (FlatStaged) staged;
    put(s, privkey, st.oldKey, node.keyMode());
    put(s, fullchain, st.oldChain, node.certMode());
  }

  @Override
  public List<String> plan(NodeSession s) throws NodeAccessException {
    return List.of("back up " + fullchain + " and " + privkey + " as *" + BACKUP_SUFFIX,
        "replace " + fullchain + " and " + privkey + " (privkey mode " + Integer.toOctalString(node.keyMode()) + ")");
  }

  /** Puts {@code content} at {@code path} atomically, or removes the file when there was none. */
  private void put(NodeSession s, String path, Optional<byte[]> content, int mode) throws NodeAccessException {
    if (content.isEmpty()) {
      s.remove(path);
      return;
    }
    String tmp = temp(path, "restore");
    s.remove(tmp);
    s.writeNew(tmp, content.get(), mode);
    if (node.owner() != null) {
      s.chown(node.owner(), List.of(tmp));
    }
    s.replace(tmp, path);
  }

  private void backup(NodeSession s, String path, byte[] content, int mode) throws NodeAccessException {
    String tmp = temp(path, "backup");
    s.remove(tmp);
    s.writeNew(tmp, content, mode);
    s.replace(tmp, path + BACKUP_SUFFIX);
  }

  private static String temp(String path, String what) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + ".certfleet-" + what + "-" + path.substring(slash + 1) + ".tmp";
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private record FlatStaged(List<String> files, Optional<byte[]> oldChain, Optional<byte[]> oldKey) implements Staged {
    @Override
    public String target() {
      return "replaced in place";
    }
  }
}
