package dev.parallelizable.samples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** One result of the benchmark: a flat JSON object, printed as one line. Not thread-safe. */
final class JsonLine {
  private static final JsonFactory JSON = new JsonFactory();

  private final Map<String, Object> fields = new LinkedHashMap<>();

  JsonLine(String workload, String backend) {
    fields.put("workload", workload);
    fields.put("backend", backend);
  }

  /** Adds a field: a string, a whole number, or a real number (rounded to 4 significant digits). */
  JsonLine put(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  Object get(String name) {
    return fields.get(name);
  }

  @Override
  public String toString() {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        Object value = field.getValue();
        if (value == null) {
          json.writeNullField(field.getKey());
        } else if (value instanceof Double || value instanceof Float) {
          json.writeNumberField(field.getKey(), round(((Number) value).doubleValue()));
        } else if (value instanceof Number number) {
          json.writeNumberField(field.getKey(), number.longValue());
        } else if (value instanceof Boolean bool) {
          json.writeBooleanField(field.getKey(), bool);
        } else {
          json.writeStringField(field.getKey(), value.toString());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static double round(double value) {
    if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
      return value;
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).doubleValue();
  }
}
