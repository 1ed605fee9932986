package org.certfleet.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.NodeSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.testing.TestCatalogs;
import org.certfleet.testing.TestCertificates;
import org.certfleet.testing.ssh.FakeNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link SshConnector} sets up the connection itself, seen on the client's socket. */
class SshConnectorTest {
  @TempDir Path dir;

  @Test
  void sendsEachRequestAtOnceRatherThanWaitingForTheServersAck() throws Exception {
    KeyPair clientKey = TestCertificates.ecP256();
    Path keyFile = FakeNode.writeClientKey(dir.resolve("id_client"), clientKey);
    try (FakeNode n = FakeNode.start(dir.resolve("nodes"), "pop-1", clientKey.getPublic())) {
      Path knownHosts = dir.resolve("known_hosts");
      Files.writeString(knownHosts, n.knownHostsLine() + "\n");
      Path file = dir.resolve("certs.yaml");
      Files.writeString(file, FakeNode.config(keyFile, knownHosts, List.of(n), Map.of(), "", dir.resolve("state")));
      NodeSpec node = new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file).nodes().get(0);

      try (SshConnector ssh = new SshConnector(SecretResolver.system()); NodeSession s = ssh.open(node)) {
        AsynchronousSocketChannel socket = ((Nio2Session) s.clientSession().getIoSession()).getSocket();
        assertThat(socket.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
      }
    }
  }
}
