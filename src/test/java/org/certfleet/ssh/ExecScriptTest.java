package org.certfleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NodeSession#execAll}'s script and output splitting, run by a real {@code /bin/sh} as sshd
 * would run it through the login shell.
 */
class ExecScriptTest {
  private static final String NONCE = "certfleet-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void runsEachCommandAndSplitsItsOutputAndStatus() throws Exception {
    List<ExecResult> r = run(List.of("echo tested; echo 'test is successful' >&2", "printf 'no newline'; echo reloaded >&2"));

    assertThat(r).hasSize(2);
    assertThat(r.get(0)).isEqualTo(new ExecResult(r.get(0).command(), 0, "tested\n", "test is successful\n"));
    assertThat(r.get(1)).isEqualTo(new ExecResult(r.get(1).command(), 0, "no newline", "reloaded\n"));
  }

  @Test
  void stopsAtTheFirstFailureAndNeverRunsWhatFollows() throws Exception {
    List<ExecResult> r = run(List.of("echo '[emerg] bad' >&2; exit 1", "echo RELOADED"));

    assertThat(r).hasSize(1);
    assertThat(r.get(0).exitStatus()).isEqualTo(1);
    assertThat(r.get(0).summary()).isEqualTo("[emerg] bad");
    assertThat(r.get(0).stdout()).doesNotContain("RELOADED");
  }

  @Test
  void aCommandThatExitsOrEndsInACommentOnlyEndsItsOwnSubshell() throws Exception {
    List<ExecResult> r = run(List.of("true # a comment ) that ends in a paren", "exit 0", "echo third"));

    assertThat(r).extracting(ExecResult::exitStatus).containsExactly(0, 0, 0);
    assertThat(r.get(2).stdout()).isEqualTo("third\n");
  }

  @Test
  void outputLikeAMarkerOrBeyondTheCapDoesNotConfuseTheSplit() throws Exception {
    // A forged marker with another nonce, a marker-like line for a later index, and 200 KiB of output.
    List<ExecResult> r = run(List.of("echo 'certfleet-ffff-0 0'; echo '" + NONCE + "-1 0'; head -c 200000 /dev/zero | tr '\\0' x",
        "exit 3"));

    assertThat(r).extracting(ExecResult::exitStatus).containsExactly(0, 3);
    assertThat(r.get(0).stdout()).startsWith("certfleet-ffff-0 0\n" + NONCE + "-1 0\nxxx").hasSize(NodeSession.MAX_OUTPUT);
    assertThat(r.get(1).stdout()).isEmpty();
  }

  @Test
  void aShellThatDiesInsideACommandFailsThatCommandEvenWithStatusZero() throws Exception {
    // kill -9 $$ ends the whole shell: no marker after the command, whatever status the channel reports.
    NodeSession.MarkedStream out = new NodeSession.MarkedStream(NONCE);
    NodeSession.MarkedStream err = new NodeSession.MarkedStream(NONCE);
    List<String> commands = List.of("echo first", "echo partial; kill -9 $$", "echo never");
    shell(NodeSession.script(commands, NONCE), out, err);

    List<ExecResult> r = NodeSession.collect("node n1", commands, out, err, 0, null);

    assertThat(r).extracting(ExecResult::exitStatus).containsExactly(0, -1);
    assertThat(r.get(1).stdout()).isEqualTo("partial\n");
    assertThatThrownBy(() -> NodeSession.collect("node n1", commands, out, err, null, "did not finish within 60 s"))
        .isInstanceOf(ExecIncompleteException.class)
        .hasMessage("node n1: command `echo partial; kill -9 $$` did not finish within 60 s")
        .satisfies(e -> assertThat(((ExecIncompleteException) e).finished()).extracting(ExecResult::command)
            .containsExactly("echo first"));
  }

  @Test
  void nothingRunsUntilTheGoAheadLineArrivesAndCommandsReadNoMoreInput() throws Exception {
    Path marker = dir.resolve("ran");
    List<String> commands = List.of("touch '" + marker + "'; cat", "echo second");
    String script = NodeSession.script(commands, NONCE);

    for (byte[] input : List.of(new byte[0], "certfleet-0123456789abcdef go-ish\n".getBytes(StandardCharsets.US_ASCII),
        "go\n".getBytes(StandardCharsets.US_ASCII))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = shell(script, input, out, new ByteArrayOutputStream());
      assertThat(status).isZero();
      assertThat(out.size()).isZero();
      assertThat(marker).doesNotExist();
    }

    // After the go-ahead, more input (a stray line, a bug) reaches no command: cat ends at once.
    NodeSession.MarkedStream out = new NodeSession.MarkedStream(NONCE);
    NodeSession.MarkedStream err = new NodeSession.MarkedStream(NONCE);
    byte[] input = (new String(NodeSession.goAhead(NONCE), StandardCharsets.US_ASCII) + "more input\n")
        .getBytes(StandardCharsets.US_ASCII);
    int status = shell(script, input, out, err);
    List<ExecResult> r = NodeSession.collect("node n1", commands, out, err, status, null);
    assertThat(marker).exists();
    assertThat(r).extracting(ExecResult::exitStatus).containsExactly(0, 0);
    assertThat(r.get(0).stdout()).isEmpty();
    assertThat(r.get(1).stdout()).isEqualTo("second\n");
  }

  private static List<ExecResult> run(List<String> commands) throws Exception {
    NodeSession.MarkedStream out = new NodeSession.MarkedStream(NONCE);
    NodeSession.MarkedStream err = new NodeSession.MarkedStream(NONCE);
    int status = shell(NodeSession.script(commands, NONCE), out, err);
    return NodeSession.collect("node n1", commands, out, err, status, null);
  }

  /** Runs the script as a prepared shell that is told to go ahead. */
  private static int shell(String script, OutputStream out, OutputStream err) throws Exception {
    return shell(script, NodeSession.goAhead(NONCE), out, err);
  }

  private static int shell(String script, byte[] input, OutputStream out, OutputStream err) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
    p.getOutputStream().write(input);
    p.getOutputStream().close();
    Thread t = new Thread(() -> copy(p.getErrorStream(), err));
    t.start();
    copy(p.getInputStream(), out);
    t.join();
    return p.waitFor();
  }

  private static void copy(InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
