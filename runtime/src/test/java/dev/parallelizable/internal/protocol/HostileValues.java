package dev.parallelizable.internal.protocol;

/** Values the codec must refuse to decode, for the codec's own tests. */
final class HostileValues {
  private HostileValues() {}

  /**
   * The nested-set bomb: {@code levels} levels of two sets, each set of a level holding the same
   * two sets of the next level. Small to send; rebuilding it calls {@code hashCode} about
   * 2<sup>levels</sup> times. Built so that nothing is hashed while it is built.
   */
  public static java.util.Set<Object> nestedSetBomb(int levels) {
    java.util.Set<Object> root = new java.util.HashSet<>();
    java.util.Set<Object> s1 = root;
    java.util.Set<Object> s2 = new java.util.HashSet<>();
    for (int i = 0; i < levels; i++) {
      java.util.Set<Object> t1 = new java.util.HashSet<>();
      java.util.Set<Object> t2 = new java.util.HashSet<>();
      t1.add("foo"); // t1 and t2 differ, so each set keeps both
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  /** Decoding it throws {@link AssertionError} from its {@code readObject}. */
  public static final class AssertingRead implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(java.io.ObjectInputStream in) {
      throw new AssertionError("AssertingRead refuses to be read");
    }
  }
}
