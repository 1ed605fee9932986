package org.certfleet.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.CopyMode;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.certfleet.config.NodeSpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated SSH session to a node, carrying SFTP for files and exec channels for commands.
 * Not thread-safe: one rollout step at a time uses it. Every failure is a {@link NodeAccessException}
 * naming the node, the path or command, and what went wrong; file contents never appear in one.
 */
public final class NodeSession implements AutoCloseable {
  /** Output kept per command stream; nginx -t says what it needs in far less. */
  public static final int MAX_OUTPUT = 64 * 1024;
  /** Largest file {@link #read} accepts: certificate files are a few kilobytes. */
  public static final int MAX_READ = 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(NodeSession.class);

  private final NodeSpec node;
  private final ClientSession session;
  private final String where;
  private @Nullable SftpClient sftp;

  NodeSession(NodeSpec node, ClientSession session) {
    this.node = node;
    this.session = session;
    this.where = SshConnector.where(node);
    // A peer that stops answering mid-transfer ends the session instead of hanging the rollout.
    Duration idle = node.ssh().commandTimeout().multipliedBy(2);
    CoreModuleProperties.IDLE_TIMEOUT.set(session, idle.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : idle);
  }

  /** The MINA session under this one, for tests of how the connection was set up. */
  ClientSession clientSession() {
    return session;
  }

  public NodeSpec node() {
    return node;
  }

  public boolean isOpen() {
    return session.isOpen();
  }

  /**
   * Starts the SFTP channel now instead of at the first file operation, so that its set-up (a channel,
   * and a process on the node) happens while the caller has the CPU to spare.
   */
  public void startSftp() throws NodeAccessException {
    sftp();
  }

  /** The negotiated SFTP version (OpenSSH speaks 3). */
  public int sftpVersion() throws NodeAccessException {
    return sftp().getVersion();
  }

  /**
   * Runs {@code command} through the node's shell and waits for it, at most the node's command
   * timeout. A non-zero exit is a result, not an exception; a timeout or a broken channel is.
   */
  public ExecResult exec(String command) throws NodeAccessException {
    Duration timeout = node.ssh().commandTimeout();
    CappedStream out = new CappedStream();
    CappedStream err = new CappedStream();
    try (ChannelExec ch = session.createExecChannel(command)) {
      ch.setOut(out);
      ch.setErr(err);
      ch.open().verify(timeout);
      Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new NodeAccessException(where + ": command `" + command + "` did not finish within "
            + timeout.toSeconds() + " s");
      }
      Integer status = ch.getExitStatus();
      return new ExecResult(command, status == null ? -1 : status, out.text(), err.text());
    } catch (NodeAccessException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new NodeAccessException(where + ": command `" + command + "` failed to run: " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code commands} one after another through one shell on the node and stops after the first
   * that fails: what as many {@link #exec} calls would do, over one channel. Each exec costs the node
   * a channel and a login shell, and a login shell that reads a heavy rc file costs more CPU than
   * {@code nginx -t} itself. Each command runs in a subshell with no input; after it, the script
   * prints a line with a per-call random marker and the exit status on both streams, which splits the
   * output back into one {@link ExecResult} per command. The commands together may take the command
   * timeout once per command.
   *
   * @return one result per command that ran, in order; only the last can have failed, and it is
   *     missing none of the commands' results unless the shell itself died (then the last result
   *     carries the channel's exit status)
   * @throws ExecIncompleteException when the channel broke or the time ran out, with the results of
   *     the commands that had finished
   */
  public List<ExecResult> execAll(List<String> commands) throws NodeAccessException {
    if (commands.isEmpty()) {
      return List.of();
    }
    try (PreparedExec shell = prepare(commands)) {
      return shell.run();
    }
  }

  /**
   * Starts the shell for {@code commands} now and runs them only when {@link PreparedExec#run} is
   * called, so that the node's login shell and its rc files start while other work (the upload)
   * goes on. The script first reads one line from its input and runs nothing unless that line is
   * the go-ahead {@link PreparedExec#run} sends; closing the {@link PreparedExec} unused ends the
   * shell's input, and the shell exits having run nothing. Not thread-safe, like this session.
   */
  public PreparedExec prepare(List<String> commands) throws NodeAccessException {
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("no commands to prepare");
    }
    String nonce = "certfleet-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + Long.toHexString(ThreadLocalRandom.current().nextLong());
    MarkedStream out = new MarkedStream(nonce);
    MarkedStream err = new MarkedStream(nonce);
    ChannelExec ch = null;
    try {
      ch = session.createExecChannel(script(commands, nonce));
      ch.setOut(out);
      ch.setErr(err);
      ch.open().verify(node.ssh().commandTimeout());
      return new PreparedExec(List.copyOf(commands), nonce, ch, out, err);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close(true);
      }
      throw new NodeAccessException(where + ": cannot start a shell for `" + commands.get(0) + "`: " + e.getMessage(), e);
    }
  }

  /**
   * A shell started by {@link #prepare} that waits for its go-ahead. {@link #run} at most once; always
   * {@link #close}.
   */
  public final class PreparedExec implements AutoCloseable {
    private final List<String> commands;
    private final String nonce;
    private final ChannelExec channel;
    private final MarkedStream out;
    private final MarkedStream err;
    private boolean used;

    private PreparedExec(List<String> commands, String nonce, ChannelExec channel, MarkedStream out,
        MarkedStream err) {
      this.commands = commands;
      this.nonce = nonce;
      this.channel = channel;
      this.out = out;
      this.err = err;
    }

    /** Sends the go-ahead and waits for the commands; as {@link #execAll}. */
    public List<ExecResult> run() throws NodeAccessException {
      if (used) {
        throw new IllegalStateException("a prepared shell runs once");
      }
      used = true;
      try {
        if (!channel.isOpen() || channel.isClosing()) {
          throw new IOException("the channel closed while the shell waited");
        }
        OutputStream in = channel.getInvertedIn();
        in.write(goAhead(nonce));
        in.flush();
        in.close();
      } catch (IOException | RuntimeException e) {
        // The script runs nothing before it has read the whole go-ahead line, so nothing ran: the shell
        // went away while it waited (OpenSSH's ChannelTimeout, say). A new one does the work.
        log.debug("{}: the prepared shell is gone ({}); starting another", where, e.toString());
        channel.close(true);
        return execAll(commands);
      }
      Duration timeout = node.ssh().commandTimeout().multipliedBy(commands.size());
      Integer status = null;
      String broken = null;
      try {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
        if (events.contains(ClientChannelEvent.TIMEOUT)) {
          broken = "did not finish within " + timeout.toSeconds() + " s";
        } else {
          status = channel.getExitStatus();
        }
      } catch (RuntimeException e) {
        broken = "failed to run: " + e.getMessage();
      }
      return collect(where, commands, out, err, status, broken);
    }

    /** Ends the shell; when {@link #run} was not called, it exits having run nothing. */
    @Override
    public void close() {
      if (!used && channel.isOpen()) {
        try {
          channel.getInvertedIn().close();
        } catch (IOException e) {
          log.debug("{}: ending a prepared shell's input: {}", where, e.toString());
        }
      }
      channel.close(false);
    }
  }

  /** The line that lets a {@link #script} go ahead. */
  static byte[] goAhead(String nonce) {
    return (nonce + " go\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Splits what {@link #script} wrote into one result per command; see {@link #execAll}. */
  static List<ExecResult> collect(String where, List<String> commands, MarkedStream out, MarkedStream err,
      @Nullable Integer status, @Nullable String broken) throws ExecIncompleteException {
    List<ExecResult> results = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      Integer marked = out.status(i) != null ? out.status(i) : err.status(i);
      if (marked == null) {
        if (broken != null) {
          throw new ExecIncompleteException(where + ": command `" + commands.get(i) + "` " + broken, results);
        }
        // The shell ended inside this command (killed, or it could not parse the command): a failure
        // even when the shell's own status says 0, since the command did not report.
        results.add(new ExecResult(commands.get(i), status == null || status == 0 ? -1 : status, out.text(i),
            err.text(i)));
        return results;
      }
      results.add(new ExecResult(commands.get(i), marked, out.text(i), err.text(i)));
      if (marked != 0) {
        return results;
      }
    }
    return results;
  }

  /**
   * The POSIX shell script {@link #prepare} starts: nothing runs before the {@link #goAhead} line has
   * been read from the script's input (end of input or any other line: exit), then each command in a
   * subshell with no input, followed by its marker lines.
   */
  static String script(List<String> commands, String nonce) {
    StringBuilder b = new StringBuilder();
    b.append("IFS= read -r certfleet_go || exit 0\n")
        .append("[ \"$certfleet_go\" = '").append(nonce).append(" go' ] || exit 0\n");
    for (int i = 0; i < commands.size(); i++) {
      // The command on lines of its own, so that a trailing comment in it cannot swallow the ")".
      String mark = "printf '\\n%s %d\\n' '" + nonce + "-" + i + "' \"$s\"";
      b.append("(\n").append(commands.get(i)).append("\n) </dev/null\ns=$?\n")
          .append(mark).append('\n')
          .append(mark).append(" >&2\n")
          .append("[ \"$s\" -eq 0 ] || exit \"$s\"\n");
    }
    return b.toString();
  }

  /** What is at {@code path}, not following a final symlink; empty when nothing is. */
  public Optional<RemoteFile> lstat(String path) throws NodeAccessException {
    try {
      return Optional.of(remoteFile(path, sftp().lstat(path)));
    } catch (IOException e) {
      if (noSuchFile(e)) {
        return Optional.empty();
      }
      throw failure("cannot stat " + path, e);
    }
  }

  /** The target of the symlink at {@code path}; empty when there is no symlink there. */
  public Optional<String> readLink(String path) throws NodeAccessException {
    Optional<RemoteFile> f = lstat(path);
    return f.isPresent() ? readLink(f.get()) : Optional.empty();
  }

  /**
   * The target of {@code file} when it is a symlink, else empty; one round trip fewer than {@link
   * #readLink(String)} for an entry already known from {@link #lstat} or {@link #entries}.
   */
  public Optional<String> readLink(RemoteFile file) throws NodeAccessException {
    if (!file.symlink()) {
      return Optional.empty();
    }
    try {
      return Optional.of(sftp().readLink(file.path()));
    } catch (IOException e) {
      throw failure("cannot read link " + file.path(), e);
    }
  }

  /** The whole file (following symlinks); empty when it does not exist. */
  public Optional<byte[]> read(String path) throws NodeAccessException {
    SftpClient c = sftp();
    // Through a handle: SftpClient.read(path) would stat the file first, a round trip for nothing.
    try (SftpClient.CloseableHandle h = c.open(path, EnumSet.of(OpenMode.Read))) {
      return Optional.of(readAll(c, h, path));
    } catch (NodeAccessException e) {
      throw e;
    } catch (IOException e) {
      if (noSuchFile(e)) {
        return Optional.empty();
      }
      throw failure("cannot read " + path, e);
    }
  }

  /** Reads an open file from its start to its end, at most {@link #MAX_READ} bytes. */
  private byte[] readAll(SftpClient c, SftpClient.Handle h, String path) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    byte[] buf = new byte[32 * 1024];
    while (true) {
      int n = c.read(h, data.size(), buf, 0, buf.length);
      if (n < 0) {
        return data.toByteArray();
      }
      data.write(buf, 0, n);
      if (data.size() > MAX_READ) {
        throw new NodeAccessException(where + ": " + path + " is larger than " + MAX_READ + " bytes; not a certificate file");
      }
    }
  }

  /** Names in {@code dir} (without . and ..); empty when the directory does not exist. */
  public List<String> list(String dir) throws NodeAccessException {
    return entries(dir).map(l -> l.stream().map(f -> f.path().substring(f.path().lastIndexOf('/') + 1)).toList())
        .orElse(List.of());
  }

  /**
   * What {@code dir} holds (without . and ..), with the attributes the listing carries; empty when
   * the directory does not exist. OpenSSH reports each entry as lstat(2) sees it, so symlinks show
   * as symlinks; a server that follows them shows their targets instead.
   */
  public Optional<List<RemoteFile>> entries(String dir) throws NodeAccessException {
    List<RemoteFile> files = new ArrayList<>();
    String prefix = dir.endsWith("/") ? dir : dir + "/";
    try {
      for (SftpClient.DirEntry e : sftp().readDir(dir)) {
        if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
          files.add(remoteFile(prefix + e.getFilename(), e.getAttributes()));
        }
      }
      return Optional.of(files);
    } catch (IOException e) {
      if (noSuchFile(e)) {
        return Optional.empty();
      }
      throw failure("cannot list " + dir, e);
    }
  }

  private static RemoteFile remoteFile(String path, SftpClient.Attributes a) {
    return new RemoteFile(path, a.isSymbolicLink(), a.isDirectory(), a.getSize(), a.getPermissions() & 07777,
        a.getUserId(), a.getGroupId());
  }

  /** Creates {@code dir} and missing parents; only directories created here get {@code mode}. */
  public void mkdirs(String dir, int mode) throws NodeAccessException {
    Optional<RemoteFile> existing = lstat(dir);
    if (existing.isPresent()) {
      if (!existing.get().directory() && !existing.get().symlink()) {
        throw new NodeAccessException(where + ": " + dir + " exists but is not a directory");
      }
      return;
    }
    int slash = dir.lastIndexOf('/');
    if (slash > 0) {
      mkdirs(dir.substring(0, slash), mode);
    }
    try {
      sftp().mkdir(dir);
      sftp().setStat(dir, new SftpClient.Attributes().perms(mode));
    } catch (IOException e) {
      throw failure("cannot create directory " + dir, e);
    }
  }

  /**
   * Creates {@code path}, which must not exist, with {@code mode} set before the first byte is
   * written, writes {@code data}, flushes it to disk where the server supports fsync, and reads it
   * back to check size, mode and SHA-256, all through the one handle (no round trip to open or stat
   * the path again). A failure leaves at most this (non-live) file behind.
   */
  public void writeNew(String path, byte[] data, int mode) throws NodeAccessException {
    SftpClient c = sftp();
    EnumSet<OpenMode> create = EnumSet.of(OpenMode.Read, OpenMode.Write, OpenMode.Create, OpenMode.Exclusive);
    try (SftpClient.CloseableHandle h = c.open(path, create)) {
      c.setStat(h, new SftpClient.Attributes().perms(mode));
      int off = 0;
      while (off < data.length) {
        int n = Math.min(32 * 1024, data.length - off);
        c.write(h, off, data, off, n);
        off += n;
      }
      OpenSSHFsyncExtension fsync = c.getExtension(OpenSSHFsyncExtension.class);
      if (fsync != null && fsync.isSupported()) {
        fsync.fsync(h);
      }
      RemoteFile written = remoteFile(path, c.stat(h));
      if (written.size() != data.length) {
        throw new NodeAccessException(where + ": " + path + " has " + written.size() + " bytes after upload, expected "
            + data.length);
      }
      if ((written.mode() & 0777) != (mode & 0777)) {
        throw new NodeAccessException(where + ": " + path + " has mode " + Integer.toOctalString(written.mode())
            + " after upload, expected " + Integer.toOctalString(mode));
      }
      if (!sha256(readAll(c, h, path)).equals(sha256(data))) {
        throw new NodeAccessException(where + ": " + path + " does not read back as written (SHA-256 differs)");
      }
    } catch (NodeAccessException e) {
      throw e;
    } catch (IOException e) {
      throw failure("cannot write " + path, e);
    }
  }

  /** Changes the owner of {@code paths} with {@code chown}, through sudo when the node says so. */
  public void chown(String owner, List<String> paths) throws NodeAccessException {
    StringBuilder cmd = new StringBuilder(node.sudo() ? "sudo -n chown -h " : "chown -h ").append(quote(owner)).append(" --");
    paths.forEach(p -> cmd.append(' ').append(quote(p)));
    ExecResult r = exec(cmd.toString());
    if (!r.ok()) {
      throw new NodeAccessException(where + ": cannot change owner to " + owner + ": " + r.summary());
    }
  }

  /** Renames {@code from} to {@code to}, failing when {@code to} exists. */
  public void renameNew(String from, String to) throws NodeAccessException {
    if (lstat(to).isPresent()) {
      throw new NodeAccessException(where + ": " + to + " already exists; not overwriting it");
    }
    try {
      sftp().rename(from, to);
    } catch (IOException e) {
      throw failure("cannot rename " + from + " to " + to, e);
    }
  }

  /**
   * Atomically replaces {@code to} (file or symlink) with {@code from}: OpenSSH's posix-rename, else
   * an SFTP v5+ atomic overwrite, else {@code mv -f} on the node (rename(2) as well).
   */
  public void replace(String from, String to) throws NodeAccessException {
    SftpClient c = sftp();
    try {
      OpenSSHPosixRenameExtension posix = c.getExtension(OpenSSHPosixRenameExtension.class);
      if (posix != null && posix.isSupported()) {
        posix.posixRename(from, to);
        return;
      }
      if (c.getVersion() >= 5) {
        c.rename(from, to, CopyMode.Atomic, CopyMode.Overwrite);
        return;
      }
    } catch (IOException e) {
      throw failure("cannot rename " + from + " over " + to, e);
    }
    log.debug("{}: no atomic SFTP rename (SFTP v{}); using mv -f", where, c.getVersion());
    ExecResult r = exec("mv -f -- " + quote(from) + " " + quote(to));
    if (!r.ok()) {
      throw new NodeAccessException(where + ": cannot rename " + from + " over " + to + ": " + r.summary());
    }
  }

  /** Creates a symlink at {@code link} pointing to {@code target} (used as given, e.g. relative). */
  public void symlink(String link, String target) throws NodeAccessException {
    try {
      sftp().symLink(link, target);
    } catch (IOException e) {
      throw failure("cannot create symlink " + link + " -> " + target, e);
    }
  }

  /** Removes a file or symlink; nothing there is fine. */
  public void remove(String path) throws NodeAccessException {
    try {
      sftp().remove(path);
    } catch (IOException e) {
      if (!noSuchFile(e)) {
        throw failure("cannot remove " + path, e);
      }
    }
  }

  private SftpClient sftp() throws NodeAccessException {
    if (sftp == null) {
      try {
        sftp = SftpClientFactory.instance().createSftpClient(session);
      } catch (IOException e) {
        throw failure("cannot start SFTP", e);
      }
    }
    return sftp;
  }

  private NodeAccessException failure(String what, IOException e) {
    String detail = e instanceof SftpException s ? SftpConstants.getStatusName(s.getStatus()) + " " + s.getMessage() : e.toString();
    return new NodeAccessException(where + ": " + what + ": " + detail, e);
  }

  private static boolean noSuchFile(IOException e) {
    return e instanceof SftpException s && (s.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE
        || s.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH);
  }

  /** Single-quotes {@code s} for a POSIX shell. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  @Override
  public void close() {
    try {
      if (sftp != null) {
        sftp.close();
      }
    } catch (IOException e) {
      log.debug("{}: closing SFTP: {}", where, e.toString());
    }
    session.close(false);
  }

  /** A file, directory or symlink on the node. {@code mode} holds the permission bits only. */
  public record RemoteFile(String path, boolean symlink, boolean directory, long size, int mode, int uid, int gid) {}

  /**
   * Splits a stream of {@link #script} output at its marker lines ({@code NONCE-i STATUS}) into one
   * segment per command, each cut at {@link #MAX_OUTPUT} bytes. Markers are found line by line as
   * the bytes arrive, so no amount of command output can push one out of view.
   */
  static final class MarkedStream extends OutputStream {
    private static final int MAX_MARKER = 64;

    private final byte[] prefix;
    private final Pattern marker;
    private final List<ByteArrayOutputStream> segments = new ArrayList<>();
    private final List<Integer> statuses = new ArrayList<>();
    /** The start of the current line while it may still be a marker line. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean atLineStart = true;

    MarkedStream(String nonce) {
      prefix = (nonce + "-").getBytes(StandardCharsets.US_ASCII);
      marker = Pattern.compile(Pattern.quote(nonce) + "-(\\d{1,4}) (\\d{1,3})");
      segments.add(new ByteArrayOutputStream());
    }

    @Override
    public synchronized void write(int b) {
      if (!atLineStart) {
        keep(b);
        atLineStart = b == '\n';
        return;
      }
      pending.write(b);
      int n = pending.size();
      if (b == '\n') {
        Matcher m = marker.matcher(pending.toString(StandardCharsets.US_ASCII).substring(0, n - 1));
        if (m.matches() && Integer.parseInt(m.group(1)) == statuses.size()) {
          ByteArrayOutputStream done = segments.get(segments.size() - 1);
          byte[] text = done.toByteArray();
          // The newline the marker's printf wrote before the marker line belongs to no command.
          if (text.length > 0 && text.length < MAX_OUTPUT && text[text.length - 1] == '\n') {
            done.reset();
            done.write(text, 0, text.length - 1);
          }
          statuses.add(Integer.parseInt(m.group(2)));
          segments.add(new ByteArrayOutputStream());
          pending.reset();
          return;
        }
        release();
        return;
      }
      if (n > MAX_MARKER || (n <= prefix.length && b != prefix[n - 1])) {
        release();
        atLineStart = false;
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void release() {
      byte[] held = pending.toByteArray();
      pending.reset();
      for (byte h : held) {
        keep(h);
      }
    }

    private void keep(int b) {
      ByteArrayOutputStream current = segments.get(segments.size() - 1);
      if (current.size() < MAX_OUTPUT) {
        current.write(b);
      }
    }

    /** The exit status the marker after command {@code i} reported; null when there was none. */
    synchronized @Nullable Integer status(int i) {
      return i < statuses.size() ? statuses.get(i) : null;
    }

    /** What command {@code i} wrote (for the command that was running at the end: all since its start). */
    synchronized String text(int i) {
      if (i >= segments.size()) {
        return "";
      }
      String text = segments.get(i).toString(StandardCharsets.UTF_8);
      return i == segments.size() - 1 ? text + pending.toString(StandardCharsets.UTF_8) : text;
    }
  }

  /** Keeps the first {@link #MAX_OUTPUT} bytes of a stream. */
  private static final class CappedStream extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (buf.size() < MAX_OUTPUT) {
        buf.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int n = Math.min(len, MAX_OUTPUT - buf.size());
      if (n > 0) {
        buf.write(b, off, n);
      }
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
