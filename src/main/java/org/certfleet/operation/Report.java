package org.certfleet.operation;

import java.io.IOException;
import org.certfleet.alert.AlertBook;
import org.certfleet.alert.AlertMessage;
import org.certfleet.config.AppConfig;
import org.certfleet.inventory.ExpiryReport;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.inventory.Severity;

/** The expiry report as text, and posted to the alert channels. */
public final class Report {
  private Report() {}

  public static ExpiryReport.Text render(AppConfig config, InventoryReport report) {
    return new ExpiryReport(config.schedule().timeZone()).render(report);
  }

  /** Posts {@code text} to every alert channel through the outbox (retried on the next run if need be). */
  public static AlertBook.Result post(Alerts alerts, InventoryReport report, ExpiryReport.Text text)
      throws IOException, InterruptedException {
    Severity worst = report.worst();
    return alerts.book().send(new AlertMessage("REPORT", worst == null ? "info" : worst.label(), text.summary(),
        text.lines()));
  }
}
