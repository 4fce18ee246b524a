package io.flywheel.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flywheel.core.Codecs;
import io.flywheel.core.Event;
import io.flywheel.core.InvalidRecordException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Decodes JSON lines into events; a bad line goes to the dead-letter output with its reason. */
public final class EventParser extends ProcessFunction<String, Event> {
  static final OutputTag<String> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String source;
  private transient Counter malformed;
  private transient Counter parsed;
  private transient LongCounter malformedTotal;
  private transient LongCounter bytesRead;
  private transient LongCounter linesRead;

  public EventParser(String source) {
    this.source = source;
  }

  @Override
  public void open(Configuration parameters) {
    malformed = getRuntimeContext().getMetricGroup().counter("malformedEvents");
    parsed = getRuntimeContext().getMetricGroup().counter("parsedEvents");
    malformedTotal = new LongCounter();
    getRuntimeContext().addAccumulator(JobCounters.MALFORMED, malformedTotal);
    bytesRead = new LongCounter();
    linesRead = new LongCounter();
    getRuntimeContext().addAccumulator(JobCounters.BYTES_READ, bytesRead);
    getRuntimeContext().addAccumulator(JobCounters.LINES_READ, linesRead);
  }

  @Override
  public void processElement(String line, Context ctx, Collector<Event> out) throws Exception {
    bytesRead.add(line.length() + 1L); // the simulator writes ASCII: characters are bytes
    linesRead.add(1);
    if (line.isBlank()) {
      return;
    }
    try {
      out.collect(Codecs.decodeLine(Codecs.EVENTS, line));
      parsed.inc();
    } catch (InvalidRecordException e) {
      malformed.inc();
      malformedTotal.add(1);
      Map<String, Object> letter = new LinkedHashMap<>();
      letter.put("source", source);
      letter.put("field", e.field());
      letter.put("reason", e.reason());
      letter.put("raw", line);
      ctx.output(DEAD_LETTERS, JSON.writeValueAsString(letter));
    }
  }
}
