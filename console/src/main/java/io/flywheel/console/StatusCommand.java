package io.flywheel.console;

import io.flywheel.core.LocalServices;
import io.flywheel.core.ServiceHealth;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code flywheel status}: the services {@code flywheel up} runs for the home, and their health.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "List the services `flywheel up` runs for the home, with URL and health.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand private FlywheelCli root;

  @Spec private CommandSpec spec;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws Exception {
    Path home = root.home();
    PrintWriter out = spec.commandLine().getOut();
    Optional<LocalServices.Running> running = LocalServices.of(home);
    if (running.isEmpty()) {
      if (output.json()) {
        out.println(SummaryReport.json(Map.of("home", home.toString(), "up", false)));
      } else {
        out.println(
            "nothing is up for "
                + home
                + " (commands start what they need; `flywheel up` starts all)");
      }
      return 0;
    }
    List<ServiceHealth.Checked> checked = ServiceHealth.check(running.get().services());
    boolean allUp = checked.stream().allMatch(ServiceHealth.Checked::up);
    if (output.json()) {
      List<Map<String, Object>> services = new ArrayList<>();
      for (ServiceHealth.Checked c : checked) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", c.service().name());
        s.put("url", c.service().url());
        s.put("health", c.state());
        services.add(s);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("home", home.toString());
      body.put("up", true);
      body.put("pid", running.get().pid());
      body.put("started", running.get().started());
      body.put("services", services);
      out.println(SummaryReport.json(body));
    } else {
      out.printf(
          "up for %s: pid %d since %s%n", home, running.get().pid(), running.get().started());
      for (ServiceHealth.Checked c : checked) {
        out.printf(
            Locale.ROOT, "  %-10s %-32s %s%n", c.service().name(), c.service().url(), c.state());
      }
    }
    return allUp ? 0 : 1;
  }
}
