package dev.parallelizable.processor.validation;

import dev.parallelizable.processor.RuntimeNames;
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.parallelizable.processor.model.CompilerTrees;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * Finds {@code @Parallelizable} methods in local and anonymous classes and reports them. The
 * annotation processing API never shows a processor those methods, since such classes are not
 * members of anything; only the source tree does. The scan reads the tree without resolving names
 * (which, during processing, could resolve too early), so it recognises the annotation by how it is
 * written: {@code @dev.parallelizable.Parallelizable}, or {@code @Parallelizable} in a file that
 * imports it or its package.
 *
 * <p>The tree is a javac API, found through {@link CompilerTrees} also where a build tool wraps
 * javac's environment. Where there is none (another compiler, or a wrapper that hides javac's
 * environment), the scan is skipped: such methods then produce no wrapper and no error. For the
 * processing thread only, like the tree API it uses.
 */
public final class LocalClassScanner {
  private static final String QUALIFIED_NAME = RuntimeNames.PARALLELIZABLE.canonicalName();
  private static final String SIMPLE_NAME = RuntimeNames.PARALLELIZABLE.simpleName();
  private static final String PACKAGE_NAME = RuntimeNames.PARALLELIZABLE.packageName();

  private final Trees trees;

  private LocalClassScanner(Trees trees) {
    this.trees = trees;
  }

  /**
   * A scanner for javac's environment or a wrapper of it, or one that finds nothing where no
   * source tree can be had.
   *
   * @param environment the processor's environment
   * @return a new scanner
   */
  public static LocalClassScanner create(ProcessingEnvironment environment) {
    return new LocalClassScanner(CompilerTrees.of(environment).orElse(null));
  }

  /**
   * Reports every annotated method of a local or anonymous class in this round's sources.
   *
   * @param round the current round
   */
  public void reportMethodsInLocalClasses(RoundEnvironment round) {
    if (trees == null) {
      return;
    }
    Set<CompilationUnitTree> scanned = new HashSet<>();
    for (Element root : round.getRootElements()) {
      TreePath path = root instanceof TypeElement ? trees.getPath(root) : null;
      if (path != null && scanned.add(path.getCompilationUnit())) {
        new Scanner(path.getCompilationUnit()).scan(path.getCompilationUnit(), null);
      }
    }
  }

  private final class Scanner extends TreePathScanner<Void, Void> {
    private final CompilationUnitTree file;
    private final boolean simpleNameImported;

    /** Descriptions of the local and anonymous classes around the current node, innermost first. */
    private final Deque<String> localClasses = new ArrayDeque<>();

    Scanner(CompilationUnitTree file) {
      this.file = file;
      this.simpleNameImported = importsAnnotation(file);
    }

    @Override
    public Void visitClass(ClassTree tree, Void unused) {
      Tree parent = getCurrentPath().getParentPath().getLeaf();
      boolean local = !(parent instanceof ClassTree || parent instanceof CompilationUnitTree);
      if (!local) {
        return super.visitClass(tree, unused);
      }
      localClasses.push(Messages.localClassDescription(tree.getSimpleName().toString()));
      try {
        return super.visitClass(tree, unused);
      } finally {
        localClasses.pop();
      }
    }

    @Override
    public Void visitMethod(MethodTree method, Void unused) {
      if (!localClasses.isEmpty() && isAnnotated(method)) {
        trees.printMessage(
            Diagnostic.Kind.ERROR,
            Messages.localClass(method.getName().toString(), localClasses.peek()),
            method,
            file);
      }
      return super.visitMethod(method, unused);
    }

    private boolean isAnnotated(MethodTree method) {
      for (AnnotationTree annotation : method.getModifiers().getAnnotations()) {
        String name = annotation.getAnnotationType().toString();
        if (name.equals(QUALIFIED_NAME) || (name.equals(SIMPLE_NAME) && simpleNameImported)) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean importsAnnotation(CompilationUnitTree file) {
    if (file.getPackageName() != null && file.getPackageName().toString().equals(PACKAGE_NAME)) {
      return true;
    }
    for (ImportTree anImport : file.getImports()) {
      String imported = anImport.getQualifiedIdentifier().toString();
      if (!anImport.isStatic()
          && (imported.equals(QUALIFIED_NAME) || imported.equals(PACKAGE_NAME + ".*"))) {
        return true;
      }
    }
    return false;
  }
}
