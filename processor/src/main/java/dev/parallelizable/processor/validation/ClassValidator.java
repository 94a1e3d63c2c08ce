package dev.parallelizable.processor.validation;

import dev.parallelizable.processor.model.ClassDescriptor;
import dev.parallelizable.processor.model.MethodDescriptor;
import dev.parallelizable.processor.model.MethodSignature;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.lang.model.util.Elements;

/**
 * Checks what only the whole class shows: that its generated class's name is free, and that no two
 * generated methods clash after erasure (with each other, or with {@code on(Pool)}).
 *
 * <p>Remembers, for the whole compilation, which class each generated name was given to, so that
 * {@code Outer.Inner} and {@code Outer_Inner}, which would both generate {@code
 * Outer_InnerParallel}, are reported even when they are processed in different rounds. Not
 * thread-safe; one instance serves one compilation.
 */
public final class ClassValidator {
  private final Elements elements;
  private final Map<String, String> declaringClassByGeneratedName = new HashMap<>();

  /**
   * Creates a validator for one compilation.
   *
   * @param elements the compiler's element utilities, to find classes that already exist
   */
  public ClassValidator(Elements elements) {
    this.elements = elements;
  }

  /**
   * Adds to {@code report} every class-level rule that {@code descriptor} breaks.
   *
   * @param descriptor the class to check
   * @param report where to add the errors
   */
  public void validate(ClassDescriptor descriptor, ValidationReport.Builder report) {
    validateGeneratedName(descriptor, report);
    validateNoClash(descriptor, report);
  }

  private void validateGeneratedName(ClassDescriptor descriptor, ValidationReport.Builder report) {
    String generated = descriptor.generatedClass().canonicalName();
    String declaring = descriptor.declaringClass().canonicalName();
    String claimedBy = declaringClassByGeneratedName.putIfAbsent(generated, declaring);
    if (claimedBy != null && !claimedBy.equals(declaring)) {
      report.addError(
          Messages.classNameGeneratedTwice(generated, declaring, claimedBy), descriptor.element());
    } else if (claimedBy == null && elements.getTypeElement(generated) != null) {
      report.addError(Messages.classNameTaken(generated, declaring), descriptor.element());
    }
  }

  private static void validateNoClash(ClassDescriptor descriptor, ValidationReport.Builder report) {
    String generatedClass = descriptor.generatedClass().simpleName();
    Map<MethodSignature, MethodDescriptor> ownerBySignature = new HashMap<>();
    for (MethodDescriptor method : descriptor.methods()) {
      Set<MethodDescriptor> reportedWith = new HashSet<>();
      for (MethodSignature signature : method.generatedSignatures()) {
        if (signature.equals(ClassDescriptor.FACTORY_SIGNATURE)) {
          report.addError(
              Messages.factoryClash(method.key(), signature.toString(), generatedClass),
              method.element());
          continue;
        }
        MethodDescriptor owner = ownerBySignature.putIfAbsent(signature, method);
        // One error per pair of methods is enough to point at the fix.
        if (owner != null && reportedWith.add(owner)) {
          report.addError(
              Messages.methodClash(owner.key(), method.key(), signature.toString(), generatedClass),
              method.element());
        }
      }
    }
  }
}
