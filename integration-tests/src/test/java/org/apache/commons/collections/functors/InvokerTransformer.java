package org.apache.commons.collections.functors;

import java.io.Serializable;

/**
 * A harmless class named like the Commons Collections functor of the classic deserialization gadget
 * chains. The codec's filter blocks it by its name alone, which is what the tests check; it does
 * nothing.
 */
public final class InvokerTransformer implements Serializable {
  private static final long serialVersionUID = 1L;
}
