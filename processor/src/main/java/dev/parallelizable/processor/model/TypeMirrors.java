package dev.parallelizable.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ErrorType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.SimpleTypeVisitor14;
import javax.lang.model.util.Types;

/** Questions about types in a method signature that the processor asks in several places. */
public final class TypeMirrors {
  private TypeMirrors() {}

  /**
   * The canonical name of {@code type}'s erasure, as it appears in method keys: {@code int}, {@code
   * java.nio.file.Path}, {@code java.lang.String[]}, {@code com.example.Outer.Inner}.
   *
   * @param type the type to name
   * @param types the compiler's type utilities
   * @return the erasure's canonical name
   */
  public static String erasedName(TypeMirror type, Types types) {
    TypeMirror erasure = types.erasure(type);
    if (erasure.getKind().isPrimitive()) {
      return erasure.getKind().name().toLowerCase(Locale.ROOT);
    }
    if (erasure.getKind() == TypeKind.ARRAY) {
      return erasedName(((ArrayType) erasure).getComponentType(), types) + "[]";
    }
    if (erasure.getKind() == TypeKind.DECLARED) {
      return ((TypeElement) types.asElement(erasure)).getQualifiedName().toString();
    }
    return erasure.toString();
  }

  /**
   * The class and interface types that {@code type} names, itself included, with their type
   * arguments, wildcard bounds and array components, in the order they appear. A type variable's
   * bounds are not followed: they belong to the variable's declaration, which callers check once.
   * Unresolved types ({@link TypeKind#ERROR}) are included.
   *
   * @param type the type to search
   * @return a new list of the types found
   */
  public static List<DeclaredType> referencedTypes(TypeMirror type) {
    List<DeclaredType> found = new ArrayList<>();
    collectReferencedTypes(type, found);
    return found;
  }

  private static void collectReferencedTypes(TypeMirror type, List<DeclaredType> found) {
    new SimpleTypeVisitor14<Void, Void>() {
      @Override
      public Void visitDeclared(DeclaredType declared, Void unused) {
        found.add(declared);
        if (declared.getEnclosingType().getKind() == TypeKind.DECLARED) {
          collectReferencedTypes(declared.getEnclosingType(), found);
        }
        declared.getTypeArguments().forEach(argument -> collectReferencedTypes(argument, found));
        return null;
      }

      @Override
      public Void visitError(ErrorType error, Void unused) {
        found.add(error);
        return null;
      }

      @Override
      public Void visitArray(ArrayType array, Void unused) {
        collectReferencedTypes(array.getComponentType(), found);
        return null;
      }

      @Override
      public Void visitWildcard(WildcardType wildcard, Void unused) {
        if (wildcard.getExtendsBound() != null) {
          collectReferencedTypes(wildcard.getExtendsBound(), found);
        }
        if (wildcard.getSuperBound() != null) {
          collectReferencedTypes(wildcard.getSuperBound(), found);
        }
        return null;
      }

      @Override
      public Void visitIntersection(IntersectionType intersection, Void unused) {
        intersection.getBounds().forEach(bound -> collectReferencedTypes(bound, found));
        return null;
      }
    }.visit(type);
  }

  /**
   * Whether {@code type} mentions a type variable anywhere, as in {@code T}, {@code List<T>} or
   * {@code T[]}.
   *
   * @param type the type to search
   * @return true if a type variable occurs in {@code type}
   */
  public static boolean usesTypeVariables(TypeMirror type) {
    return new SimpleTypeVisitor14<Boolean, Void>(false) {
      @Override
      public Boolean visitTypeVariable(TypeVariable variable, Void unused) {
        return true;
      }

      @Override
      public Boolean visitDeclared(DeclaredType declared, Void unused) {
        return visit(declared.getEnclosingType())
            || declared.getTypeArguments().stream().anyMatch(this::visit);
      }

      @Override
      public Boolean visitArray(ArrayType array, Void unused) {
        return visit(array.getComponentType());
      }

      @Override
      public Boolean visitWildcard(WildcardType wildcard, Void unused) {
        return (wildcard.getExtendsBound() != null && visit(wildcard.getExtendsBound()))
            || (wildcard.getSuperBound() != null && visit(wildcard.getSuperBound()));
      }
    }.visit(type);
  }

  /**
   * Whether {@code type} is reifiable (JLS 4.7): a cast to it is checked at run time, so it needs
   * no {@code @SuppressWarnings("unchecked")}.
   *
   * @param type the type to check
   * @return true if {@code type} is reifiable
   */
  public static boolean isReifiable(TypeMirror type) {
    return new SimpleTypeVisitor14<Boolean, Void>(false) {
      @Override
      protected Boolean defaultAction(TypeMirror other, Void unused) {
        return other.getKind().isPrimitive();
      }

      @Override
      public Boolean visitDeclared(DeclaredType declared, Void unused) {
        boolean enclosingReifiable =
            declared.getEnclosingType().getKind() != TypeKind.DECLARED
                || visit(declared.getEnclosingType());
        return enclosingReifiable
            && declared.getTypeArguments().stream().allMatch(TypeMirrors::isUnboundedWildcard);
      }

      @Override
      public Boolean visitArray(ArrayType array, Void unused) {
        return visit(array.getComponentType());
      }
    }.visit(type);
  }

  private static boolean isUnboundedWildcard(TypeMirror type) {
    return type.getKind() == TypeKind.WILDCARD
        && ((WildcardType) type).getExtendsBound() == null
        && ((WildcardType) type).getSuperBound() == null;
  }

  /**
   * Whether {@code type} is a raw use of a generic class, such as {@code List}, or an array of one.
   *
   * @param type the type to check
   * @param types the compiler's type utilities
   * @return true if {@code type}, or its innermost component type, is raw
   */
  public static boolean isRaw(TypeMirror type, Types types) {
    if (type.getKind() == TypeKind.ARRAY) {
      return isRaw(((ArrayType) type).getComponentType(), types);
    }
    return type.getKind() == TypeKind.DECLARED
        && ((DeclaredType) type).getTypeArguments().isEmpty()
        && !((TypeElement) types.asElement(type)).getTypeParameters().isEmpty();
  }

  /**
   * The bounds of a type variable: one for {@code T extends Number}, several for {@code T extends
   * Number & Comparable<T>}.
   *
   * @param variable the type variable
   * @return its bounds, in declaration order; at least one
   */
  public static List<? extends TypeMirror> bounds(TypeVariable variable) {
    TypeMirror upper = variable.getUpperBound();
    return upper.getKind() == TypeKind.INTERSECTION
        ? ((IntersectionType) upper).getBounds()
        : List.of(upper);
  }
}
