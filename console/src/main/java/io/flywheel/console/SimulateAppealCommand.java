package io.flywheel.console;

import io.flywheel.core.Codecs;
import io.flywheel.core.ContentItem;
import io.flywheel.core.CopyAppeal;
import io.flywheel.core.JsonLinesReader;
import io.flywheel.core.MarketplaceSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code flywheel simulate appeal}: how a simulated world's shoppers would take some copy. */
@Command(
    name = "appeal",
    mixinStandardHelpOptions = true,
    description =
        "Judge copy in a simulated world: per audience (segment/locale), the items in its "
            + "language, their mean expected appeal, the best possible copy's, and the gap.")
final class SimulateAppealCommand implements Callable<Integer> {

  @ParentCommand private SimulateCommand parent;

  @Spec private CommandSpec spec;

  @Option(
      names = "--world",
      paramLabel = "DIR",
      description = "Folder a simulator run wrote (default: HOME/world).")
  private Path world;

  @Option(
      names = "--content",
      paramLabel = "FILE",
      description = "JSON lines of content items (default: the world's own content.jsonl).")
  private Path content;

  @Mixin private OutputOptions output;

  @Override
  public Integer call() throws IOException {
    Path worldDir = world != null ? world : parent.home().resolve("world");
    InputFiles.require(
        spec.commandLine(), "--world", worldDir.resolve(MarketplaceSimulator.SUMMARY_FILE));
    Path copyFile = content != null ? content : worldDir.resolve(MarketplaceSimulator.CONTENT_FILE);
    InputFiles.require(spec.commandLine(), "--content", copyFile);
    List<ContentItem> items = new ArrayList<>();
    JsonLinesReader.forEach(copyFile, Codecs.CONTENT, items::add);
    CopyAppeal.Report report = CopyAppeal.judge(worldDir, items);
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      out.println(SummaryReport.json(report));
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "%d items judged in world seed %d (appeal: log-odds added to a click)%n",
        items.size(),
        report.seed());
    out.printf(
        Locale.ROOT,
        "%-18s %6s %9s %9s %7s  %s%n",
        "audience",
        "items",
        "expected",
        "oracle",
        "gap",
        "oracle angles");
    for (CopyAppeal.AudienceAppeal a : report.audiences()) {
      out.printf(
          Locale.ROOT,
          "%-18s %6d %9.3f %9.3f %7.3f  %s%n",
          a.audience(),
          a.items(),
          a.meanExpected(),
          a.meanOracle(),
          a.gap(),
          a.bestAngles().stream().map(angle -> angle.wireName()).toList());
    }
    long contradicted =
        report.items().stream().filter(CopyAppeal.ItemAppeal::contradictsCatalogue).count();
    out.printf(Locale.ROOT, "%d items state facts the catalogue contradicts%n", contradicted);
    return 0;
  }
}
