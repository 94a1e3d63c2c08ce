package com.example;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Instance methods of a serializable class, beside a static one. */
public class Images implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String format;

  public Images(String format) {
    this.format = format;
  }

  @Parallelizable
  public String resize(int width) {
    return format + "@" + width;
  }

  @Parallelizable
  void save(Path target) throws IOException {
    Files.writeString(target, format);
  }

  @Parallelizable
  protected <T> List<T> tag(T label, int copies) {
    return java.util.Collections.nCopies(copies, label);
  }

  @Parallelizable(name = "describeFormat")
  public static String describe(String format) {
    return "format " + format;
  }
}
