package dev.parallelizable.spi;

import dev.parallelizable.Pool;

/**
 * A pool that forwards every call of {@link Pool} to another pool, unchanged: an adapter's own pool
 * class around the pool of its engine ({@link RemoteDispatcher#pool()}), as the cluster's pool is.
 * The runtime reaches the pool it forwards to where it needs more than {@link Pool}: a generated
 * {@code ...Map} method then hands that pool its inputs as the argument column, with no task built
 * per input, as it does on the runtime's own pools.
 *
 * <p>Implemented by adapters; thread-safe as the pool it forwards to. Failures, timeouts,
 * cancellations and lost workers are those of the pool it forwards to, whichever of the two the
 * call went through, and so are the threads that run callbacks. Anything the forwarding pool adds
 * to a call (a check, a count) is skipped where the runtime calls the pool it forwards to, so a
 * pool that adds anything does not implement this interface. A {@code delegate()} that returns
 * null or this pool, or forwarders that forward to each other, are ignored: the call then goes
 * through the forwarding pool itself.
 */
public interface ForwardingPool extends Pool {
  /**
   * The pool every call is forwarded to.
   *
   * @return that pool, the same object on every call; not this pool
   */
  Pool delegate();
}
