package dev.parallelizable.internal.protocol;

import dev.parallelizable.DecodeLimits;
import java.io.InputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Guards one Java serialization stream of the default codec: its {@link ObjectInputFilter}, and
 * the check of each object once it is built ({@link #completed}). One instance per stream, so
 * that it can say why it rejected something.
 *
 * <p>What crosses the channel comes from the parent and its own workers only (the socket lives in
 * a private directory, and a worker must present a random token), so this guard is defence in
 * depth rather than the only barrier. It therefore does not allow-list classes, which would break
 * tasks whose arguments are ordinary application classes, but rejects:
 *
 * <ul>
 *   <li>the classes of libraries known to provide deserialization gadget chains (the packages of
 *       the public gadget catalogues: Commons Collections functors, Groovy, Spring's bean factory,
 *       Xalan's TemplatesImpl, C3P0, Rome, BeanShell, Rhino, Jython, Clojure, JNDI and RMI
 *       internals, and the like);
 *   <li>a stream over the {@link DecodeLimits} of the codec: nesting depth, references, bytes;
 *   <li>an array, or the table of a hash map or set, whose claimed length cannot fit the bytes
 *       left in the value (every element takes at least one byte, a primitive element its size):
 *       a few bytes claiming 2<sup>28</sup> longs are rejected before the 2 GB are allocated. A
 *       length that fits is accepted however large, since the bytes that carry it were sent: the
 *       array costs what the value weighs. The one length that need not fit is the one {@code
 *       Collections.nCopies} claims (one element repeated), bounded by {@link
 *       DecodeLimits#maxArrayLength()};
 *   <li>a value whose JDK collections would cost too much to rebuild (below);
 *   <li>whatever the JVM-wide filter ({@code -Djdk.serialFilter}) rejects, when one is set.
 * </ul>
 *
 * <h2>The nested-set bomb</h2>
 *
 * A {@code HashSet} or {@code HashMap} rebuilds its table while it is read, calling {@code
 * hashCode} of each element, and the {@code hashCode} of a collection visits all its elements. A
 * stream of a few kilobytes can nest about a hundred sets two by two, each level holding the same
 * two sets of the level below (a reference read before costs five bytes): rebuilding it visits
 * 2<sup>100</sup> elements. A depth limit stops it only below about 25 levels, which legitimate
 * linked structures exceed, and the filter alone cannot see which collection a reference points
 * to. So every object goes through {@link #completed} once built, before the collection holding it
 * hashes it: for each collection, map and map entry of the JDK it computes the work of visiting
 * it, one plus the work of each element (remembered per object, so the check is linear), and
 * rejects the value once the work of all its collections passes {@link
 * DecodeLimits#COLLECTION_WORK_ALLOWANCE} plus {@link DecodeLimits#maxCollectionWorkPerObject()}
 * per object built so far. An ordinary value costs its number of elements times how deeply its
 * collections nest, well within; the bomb's doubling is caught after about twenty levels, a few
 * milliseconds of hashing, before the costly levels start. A limit on the total work alone would
 * either reject large ordinary values or let the bomb hash for seconds. The value itself, the
 * last object built, is not counted: nothing in its stream hashes it, so a large list or an {@code
 * nCopies} of millions of references to one element is accepted (each object's work is counted
 * when the next object is built, which for every object but the value comes before its holder
 * hashes it more than once). Classes
 * of the application are not inspected (that would run their code): a class of one's own whose
 * {@code hashCode} walks shared structure is as safe as its own {@code readObject}.
 */
final class SerialFilter implements ObjectInputFilter {
  /** The class of {@code Collections.nCopies}: a length and one element. */
  private static final String COPIES_LIST = "java.util.Collections$CopiesList";

  private static final StackWalker STACK = StackWalker.getInstance();

  /** What a stream may have read ahead of the value's bytes it has delivered. */
  private static final long READ_AHEAD = 2048;

  private static final String[] GADGET_PACKAGES = {
    "org.apache.commons.collections.functors.",
    "org.apache.commons.collections4.functors.",
    "org.apache.commons.collections.keyvalue.TiedMapEntry",
    "org.apache.commons.beanutils.BeanComparator",
    "org.apache.commons.fileupload.disk.",
    "org.apache.commons.configuration.",
    "org.codehaus.groovy.runtime.",
    "org.springframework.beans.factory.",
    "org.springframework.core.SerializableTypeWrapper",
    "org.springframework.aop.framework.",
    "org.springframework.transaction.jta.",
    "com.sun.org.apache.xalan.internal.xsltc.trax.",
    "org.apache.xalan.xsltc.trax.",
    "sun.reflect.annotation.AnnotationInvocationHandler",
    "com.mchange.v2.c3p0.",
    "com.sun.rowset.",
    "com.sun.jndi.",
    "javax.naming.Reference",
    "javax.naming.spi.",
    "javax.management.BadAttributeValueExpException",
    "java.rmi.server.",
    "sun.rmi.",
    "bsh.",
    "org.mozilla.javascript.",
    "org.python.core.",
    "clojure.",
    "com.rometools.rome.feed.impl.",
    "com.sun.syndication.feed.impl.",
    "org.hibernate.engine.spi.TypedValue",
    "org.hibernate.tuple.component.",
    "net.sf.json.",
    "org.jboss.interceptor.",
    "org.apache.wicket.util.upload.",
    "org.apache.myfaces.",
    "org.apache.click.",
    "com.vaadin.data.util.",
    "com.alibaba.fastjson.",
  };

  private final DecodeLimits limits;
  private final InputStream source;
  private final ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
  /** The collection work of each JDK collection built so far; others count one. */
  private final Map<Object, Long> work = new IdentityHashMap<>();
  private long totalWork;
  /** The work of the object built last, counted once another object is built after it. */
  private long pendingWork;
  /** The objects built so far. */
  private long objects;
  private String rejection;

  /**
   * @param source the value's bytes, whose {@code available()} is what is left of them
   */
  SerialFilter(DecodeLimits limits, InputStream source) {
    this.limits = limits;
    this.source = source;
  }

  /** The gadget package or class that {@code className} belongs to, or null. */
  static String gadgetOf(String className) {
    for (String gadget : GADGET_PACKAGES) {
      if (className.startsWith(gadget)) {
        return gadget;
      }
    }
    return null;
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (info.depth() > limits.maxDepth()) {
      return reject(Limits.exceeded("objects nested", info.depth(), "deep", "MaxDepth", limits.maxDepth()));
    }
    if (info.references() > limits.maxReferences()) {
      return reject(Limits.exceeded("object references", info.references(), "", "MaxReferences", limits.maxReferences()));
    }
    if (info.streamBytes() > limits.maxBytes()) {
      return reject(Limits.exceeded("bytes", info.streamBytes(), "", "MaxBytes", limits.maxBytes()));
    }
    Class<?> type = info.serialClass();
    if (info.arrayLength() >= 0) {
      String refused = checkArrayLength(type, info.arrayLength());
      if (refused != null) {
        return reject(refused);
      }
    }
    if (type != null) {
      Class<?> base = type;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      String name = base.getName();
      String gadget = gadgetOf(name);
      if (gadget != null) {
        return reject(name + " belongs to a library known for deserialization gadgets (" + gadget + ")");
      }
    }
    if (jvmWide != null && jvmWide.checkInput(info) == Status.REJECTED) {
      return reject(
          (type == null ? "the stream" : type.getName()) + " is rejected by the JVM-wide filter jdk.serialFilter");
    }
    return Status.UNDECIDED;
  }

  /**
   * Why an array of {@code length} is refused, or null if it is accepted: a length whose elements
   * fit the bytes left in the value is accepted whatever it is, since those bytes are already there
   * to be read; one that does not fit is a forged or corrupt length, unless {@code
   * Collections.nCopies} claims it, whose elements are one value repeated: then {@link
   * DecodeLimits#maxArrayLength()} bounds it.
   */
  private String checkArrayLength(Class<?> type, long length) {
    long left;
    try {
      left = source.available() + READ_AHEAD;
    } catch (java.io.IOException e) {
      left = -1; // a stream with no count of what is left: nothing is known to back the length
    }
    if (left >= 0 && bytesOf(type, length) <= left) {
      return null;
    }
    if (left < 0 || claimedByCopiesList()) {
      return length > limits.maxArrayLength()
          ? Limits.exceeded("array elements", length, "", "MaxArrayLength", limits.maxArrayLength())
          : null;
    }
    return "an array of " + length + " " + (type == null ? "elements" : type.getComponentType().getName() + " elements")
        + " is claimed, but only " + (left - READ_AHEAD) + " bytes of the value are left: the stream is corrupt"
        + " or forged";
  }

  /** The fewest bytes of the value that an array of {@code length} elements takes. */
  private static long bytesOf(Class<?> type, long length) {
    Class<?> component = type == null ? Object.class : type.getComponentType();
    if (component == null || !component.isPrimitive()) {
      // A hash table is sized up to 8 slots per element (load factors down to 1/4, powers of two).
      return type == Map.Entry[].class ? length / 8 : length;
    } else if (component == long.class || component == double.class) {
      return length * 8;
    } else if (component == int.class || component == float.class) {
      return length * 4;
    } else if (component == short.class || component == char.class) {
      return length * 2;
    }
    return length;
  }

  /**
   * Whether the length being checked is the one {@code Collections.nCopies} checks when it is read:
   * its elements are one value repeated, which takes no bytes per copy (and nothing is allocated
   * for them). Only asked about a length that does not fit, so a stack walk costs nothing on the
   * common path. An array read from the stream is checked by {@code ObjectInputStream.readArray},
   * a length a class claims by {@code ObjectInputStream.checkArray}, called from its {@code
   * readObject}.
   */
  private static boolean claimedByCopiesList() {
    return STACK.walk(frames -> {
      var it = frames.iterator();
      boolean claimed = false;
      while (it.hasNext()) {
        StackWalker.StackFrame frame = it.next();
        String type = frame.getClassName();
        if (type.equals(SerialFilter.class.getName())) {
          continue;
        }
        if (type.startsWith("java.io.ObjectInputStream") || type.startsWith("jdk.internal.")) {
          if (frame.getMethodName().equals("readArray")) {
            return false;
          }
          claimed |= frame.getMethodName().equals("checkArray");
          continue;
        }
        return claimed && type.equals(COPIES_LIST) && frame.getMethodName().equals("readObject");
      }
      return false;
    });
  }

  /**
   * Called with each object once it is built, before the object holding it uses it: counts the
   * work of visiting a JDK collection, map or map entry (see the class comment).
   *
   * @throws InvalidObjectException if the value's collections pass the work limit
   */
  void completed(Object object) throws InvalidObjectException {
    objects++;
    long cost = 0; // not a JDK collection: costs nothing to visit beyond itself
    try {
      if (object == null || object.getClass().getClassLoader() != null) {
        // an application class: not inspected
      } else if (COPIES_LIST.equals(object.getClass().getName())) {
        // one element repeated: its work is computed without visiting each copy
        java.util.List<?> copies = (java.util.List<?>) object;
        cost = copies.isEmpty() ? 1 : plus(1, times(copies.size(), costOf(copies.get(0))));
      } else if (object instanceof Collection<?> collection) {
        cost = 1;
        for (Object element : collection) {
          cost = plus(cost, costOf(element));
        }
      } else if (object instanceof Map<?, ?> map) {
        cost = 1;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          cost = plus(cost, plus(costOf(entry.getKey()), costOf(entry.getValue())));
        }
      } else if (object instanceof Map.Entry<?, ?> entry) {
        cost = plus(1, plus(costOf(entry.getKey()), costOf(entry.getValue())));
      }
    } catch (RuntimeException e) {
      cost = 1; // a collection that cannot be walked now cannot be hashed either: it counts one
    }
    totalWork = plus(totalWork, pendingWork);
    pendingWork = cost;
    long allowed =
        plus(DecodeLimits.COLLECTION_WORK_ALLOWANCE, objects * limits.maxCollectionWorkPerObject());
    if (totalWork > allowed) {
      String reason =
          Limits.exceeded(
                  "element visits per object for rebuilding its collections",
                  totalWork / Math.max(1, objects), "(" + totalWork + " visits for " + objects + " objects)",
                  "MaxCollectionWorkPerObject", limits.maxCollectionWorkPerObject())
              + "; collections that share their elements, like the nested-set bomb, cost exponentially more"
              + " than they weigh";
      rejection = reason;
      throw new InvalidObjectException("Rejected by the codec: " + reason);
    }
    if (cost > 0) {
      work.put(object, cost);
    }
  }

  private long costOf(Object element) {
    if (element == null) {
      return 1;
    }
    Long cost = work.get(element);
    return cost == null ? 1 : cost;
  }

  private static long times(long count, long each) {
    return each != 0 && count > Long.MAX_VALUE / each ? Long.MAX_VALUE : count * each;
  }

  private static long plus(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private Status reject(String reason) {
    rejection = reason;
    return Status.REJECTED;
  }

  /** Why the filter last rejected something, or null. */
  String rejection() {
    return rejection;
  }
}
