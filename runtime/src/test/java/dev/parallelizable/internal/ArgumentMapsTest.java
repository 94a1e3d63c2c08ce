package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.spi.ForwardingPool;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A generated map finds the runtime's pool behind pools that forward to it, and only there. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArgumentMapsTest {
  /** A forwarding pool whose {@code delegate()} is {@code next[0]}; every other call fails. */
  private static ForwardingPool forwardingTo(Pool[] next) {
    return (ForwardingPool) Proxy.newProxyInstance(ArgumentMapsTest.class.getClassLoader(),
        new Class<?>[] {ForwardingPool.class}, (proxy, method, arguments) -> {
          if (method.getName().equals("delegate")) {
            return next[0];
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void theRuntimesPoolIsFoundThroughPoolsThatForwardToIt() {
    try (Pool threads = Parallel.threads(1)) {
      assertSame(threads, ArgumentMaps.behind(threads));
      Pool[] inner = {threads};
      ForwardingPool once = forwardingTo(inner);
      assertSame(threads, ArgumentMaps.behind(once));
      assertSame(threads, ArgumentMaps.behind(forwardingTo(new Pool[] {once})), "a forwarder of a forwarder");
    }
  }

  @Test
  void aForwarderThatBreaksItsPromiseGivesNoPoolAndTheMapTakesThePoolsOwnWay() {
    assertNull(ArgumentMaps.behind(forwardingTo(new Pool[] {null})), "delegate() returned null");
    Pool[] self = new Pool[1];
    ForwardingPool loop = forwardingTo(self);
    self[0] = loop;
    assertNull(ArgumentMaps.behind(loop), "delegate() returned itself");
    Pool[] other = new Pool[1];
    ForwardingPool first = forwardingTo(other);
    other[0] = forwardingTo(new Pool[] {first});
    assertNull(ArgumentMaps.behind(first), "two forwarders forwarding to each other");
  }
}
