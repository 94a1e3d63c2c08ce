package dev.parallelizable.internal.protocol;

import java.io.ObjectInputFilter;

/**
 * The {@link ObjectInputFilter} of the default codec, one instance per stream so that it can say
 * why it rejected something.
 *
 * <p>What crosses the channel comes from the parent and its own workers only (the socket lives in a
 * private directory, and a worker must present a random token), so this filter is defence in depth
 * rather than the only barrier. It therefore does not allow-list classes, which would break tasks
 * whose arguments are ordinary application classes, but rejects:
 *
 * <ul>
 *   <li>the classes of libraries known to provide deserialization gadget chains (the packages of
 *       the public gadget catalogues: Commons Collections functors, Groovy, Spring's bean factory,
 *       Xalan's TemplatesImpl, C3P0, Rome, BeanShell, Rhino, Jython, Clojure, JNDI and RMI
 *       internals, and the like);
 *   <li>nesting deeper than {@value #MAX_DEPTH} objects and arrays longer than {@value
 *       #MAX_ARRAY_LENGTH} elements (resource exhaustion);
 *   <li>whatever the JVM-wide filter ({@code -Djdk.serialFilter}) rejects, when one is set.
 * </ul>
 */
final class SerialFilter implements ObjectInputFilter {
  static final long MAX_DEPTH = 1_000;
  static final long MAX_ARRAY_LENGTH = 1L << 28;

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

  private final ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
  private String rejection;

  @Override
  public Status checkInput(FilterInfo info) {
    if (info.depth() > MAX_DEPTH) {
      return reject("objects are nested deeper than " + MAX_DEPTH);
    }
    if (info.arrayLength() > MAX_ARRAY_LENGTH) {
      return reject("an array has " + info.arrayLength() + " elements, more than " + MAX_ARRAY_LENGTH);
    }
    Class<?> type = info.serialClass();
    if (type != null) {
      Class<?> base = type;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      String name = base.getName();
      for (String gadget : GADGET_PACKAGES) {
        if (name.startsWith(gadget)) {
          return reject(name + " belongs to a library known for deserialization gadgets (" + gadget + ")");
        }
      }
    }
    if (jvmWide != null && jvmWide.checkInput(info) == Status.REJECTED) {
      return reject(
          (type == null ? "the stream" : type.getName()) + " is rejected by the JVM-wide filter jdk.serialFilter");
    }
    return Status.UNDECIDED;
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
