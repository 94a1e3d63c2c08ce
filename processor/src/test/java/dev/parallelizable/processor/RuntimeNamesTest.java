package dev.parallelizable.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.palantir.javapoet.ClassName;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's types the processor names without loading them are the runtime's real types. (That
 * it loads none of them is checked by its build: the runtime is not on the processor's compile
 * class path.)
 */
class RuntimeNamesTest {
  @Test
  void everyNameIsAPublicTypeOfTheRuntime() throws ReflectiveOperationException {
    List<String> checked = new ArrayList<>();
    for (Field field : RuntimeNames.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == ClassName.class) {
        ClassName name = (ClassName) field.get(null);
        Class<?> type = Class.forName(name.reflectionName());
        assertEquals(name.canonicalName(), type.getCanonicalName());
        assertEquals(true, Modifier.isPublic(type.getModifiers()), name + " is public");
        checked.add(name.simpleName());
      }
    }
    assertFalse(checked.isEmpty());
  }
}
