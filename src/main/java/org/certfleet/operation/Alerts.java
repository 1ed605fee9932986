package org.certfleet.operation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.alert.AlertBook;
import org.certfleet.alert.AlertChannels;
import org.certfleet.alert.AlertMessage;
import org.certfleet.alert.Heartbeat;
import org.certfleet.config.AppConfig;
import org.certfleet.deploy.Distributor;
import org.certfleet.deploy.HookRunner;
import org.certfleet.deploy.NodeResult;
import org.certfleet.renewal.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert book, heartbeat and failure messages for one config. Sending a failure never throws: a
 * broken chat or alert state is logged and must not hide the failure being reported.
 */
public final class Alerts {
  private static final Logger log = LoggerFactory.getLogger(Alerts.class);

  private final AppConfig config;
  private final Toolkit kit;
  private final AlertBook.Listener listener;

  public Alerts(AppConfig config, Toolkit kit, AlertBook.Listener listener) {
    this.config = config;
    this.kit = kit;
    this.listener = listener;
  }

  public Alerts(AppConfig config, Toolkit kit) {
    this(config, kit, d -> {});
  }

  public AlertBook book() {
    return new AlertBook(AlertChannels.create(config.alerts(), kit.secrets(), kit.clock(), kit.sleeper()),
        kit.stores(config).alertState(), config.alerts().repeatEvery(), kit.clock(), listener);
  }

  public Heartbeat heartbeat() {
    return new Heartbeat(config.alerts().heartbeatUrl(), kit.secrets(), kit.sleeper());
  }

  public boolean hasChannels() {
    return !config.alerts().channels().isEmpty();
  }

  /** Sends one-off messages (and whatever waits in the outbox); returns the deliveries still waiting. */
  public int send(List<AlertMessage> messages) throws InterruptedException {
    if (messages.isEmpty() || !hasChannels()) {
      return 0;
    }
    AlertBook book = book();
    int waiting = 0;
    for (AlertMessage m : messages) {
      try {
        waiting = book.send(m).waiting();
      } catch (IOException e) {
        log.error("alert {} not sent: {}", m.key(), e.getMessage());
        waiting++;
      }
    }
    if (waiting > 0) {
      log.warn("{} alert delivery(ies) failed; queued for the next run", waiting);
    }
    return waiting;
  }

  /** One message per certificate whose renewal failed, with the step and the error. */
  public static List<AlertMessage> renewalFailures(List<Outcome> outcomes) {
    List<AlertMessage> out = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.kind() == Outcome.Kind.FAILED) {
        out.add(new AlertMessage("RENEWAL_FAILED:" + o.name(), "warning",
            "certfleet: renewing " + o.name() + " failed" + (o.step() == null ? "" : " at " + o.step()),
            List.of(o.detail())));
      }
    }
    return out;
  }

  /**
   * One message per certificate whose rollout left a node without it or whose hook failed: the node,
   * the step and the error of each, so the operator does not have to go looking.
   */
  public static List<AlertMessage> deploymentFailures(Distributor.Report report) {
    Map<String, List<String>> lines = new LinkedHashMap<>();
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (NodeResult r : report.nodes()) {
      int[] c = counts.computeIfAbsent(r.cert(), k -> new int[2]);
      c[1]++;
      if (!r.status().good()) {
        c[0]++;
        lines.computeIfAbsent(r.cert(), k -> new ArrayList<>()).add("- " + r.node() + ": " + r.status().label()
            + " at " + r.step().label() + ": " + r.detail());
      }
    }
    for (HookRunner.HookResult h : report.hooks()) {
      if (!h.ok()) {
        lines.computeIfAbsent(h.cert(), k -> new ArrayList<>()).add("- hook " + h.hook() + ": " + h.error());
      }
    }
    List<AlertMessage> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      int[] c = counts.getOrDefault(e.getKey(), new int[2]);
      String summary = c[0] > 0
          ? "certfleet: " + e.getKey() + " is not served by " + c[0] + " of " + c[1] + " node(s) after distribution"
          : "certfleet: a deploy hook failed after distributing " + e.getKey();
      out.add(new AlertMessage("DEPLOY_FAILED:" + e.getKey(), c[0] == c[1] ? "critical" : "warning", summary,
          e.getValue()));
    }
    return out;
  }
}
