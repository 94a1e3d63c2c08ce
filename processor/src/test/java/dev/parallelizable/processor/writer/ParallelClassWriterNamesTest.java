package dev.parallelizable.processor.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The names the writer derives: constants from method names, map inputs from parameter names. */
class ParallelClassWriterNamesTest {

  @ParameterizedTest
  @CsvSource({
    "cube, CUBE",
    "thumbnailSize, THUMBNAIL_SIZE",
    "toURL, TO_URL",
    "parseHTTPResponse, PARSE_HTTP_RESPONSE",
    "sha256Hash, SHA256_HASH",
    "resizeV2, RESIZE_V2",
    "snake_case, SNAKE_CASE",
  })
  void constantNames(String methodName, String constant) {
    assertEquals(constant, ParallelClassWriter.upperSnakeCase(methodName));
  }

  @ParameterizedTest
  @CsvSource({
    "x, inputs",
    "i, inputs",
    "o, inputs",
    "s, inputs",
    "path, paths",
    "source, sources",
    "box, boxes",
    "batch, batches",
    "city, cities",
    "key, keys",
    "values, inputs",
    "inputs, inputsList",
  })
  void mapInputNames(String parameter, String inputs) {
    assertEquals(inputs, ParallelClassWriter.pluralOf(parameter));
  }
}
