package dev.parallelizable.process;

import dev.parallelizable.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;

/**
 * A codec of the application's own, for the tests: strings and whole numbers as text, nothing
 * else. Public with a public no-argument constructor, so each worker creates one by name.
 */
public final class TextCodec implements Codec {
  @Override
  public void encode(Object value, OutputStream out) throws IOException {
    char kind;
    if (value == null) {
      kind = 'n';
    } else if (value instanceof String) {
      kind = 's';
    } else if (value instanceof Integer) {
      kind = 'i';
    } else if (value instanceof Long) {
      kind = 'l';
    } else {
      throw new NotSerializableException(
          "TextCodec writes only strings and whole numbers, not " + value.getClass().getName());
    }
    out.write(kind);
    if (value != null) {
      out.write(value.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Object decode(InputStream in, ClassLoader loader) throws IOException {
    int kind = in.read();
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    switch (kind) {
      case 'n':
        return null;
      case 's':
        return text;
      case 'i':
        return Integer.valueOf(text);
      case 'l':
        return Long.valueOf(text);
      default:
        throw new StreamCorruptedException("Not written by TextCodec: kind " + kind);
    }
  }
}
