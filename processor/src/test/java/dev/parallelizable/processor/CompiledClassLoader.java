package dev.parallelizable.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/**
 * Loads the classes a compilation wrote, and everything else from {@code parent}: generated code
 * as the real processor compiled it, for the tests that run it. Their class files are its
 * resources too, as on a class path.
 */
final class CompiledClassLoader extends ClassLoader {
  private final Map<String, JavaFileObject> classFiles = new HashMap<>();

  CompiledClassLoader(Compilation compilation, ClassLoader parent) {
    super(parent);
    for (JavaFileObject file : compilation.generatedFiles()) {
      String path = file.toUri().getPath();
      int start = path.indexOf("/CLASS_OUTPUT/");
      if (file.getKind() == JavaFileObject.Kind.CLASS && start >= 0) {
        String binaryName =
            path.substring(start + "/CLASS_OUTPUT/".length(), path.length() - ".class".length())
                .replace('/', '.');
        classFiles.put(binaryName, file);
      }
    }
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    JavaFileObject file =
        name.endsWith(".class")
            ? classFiles.get(name.substring(0, name.length() - ".class".length()).replace('/', '.'))
            : null;
    if (file == null) {
      return super.getResourceAsStream(name);
    }
    try {
      return file.openInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JavaFileObject file = classFiles.get(name);
    if (file == null) {
      throw new ClassNotFoundException(name);
    }
    try (InputStream in = file.openInputStream()) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
