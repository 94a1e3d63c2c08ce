package dev.parallelizable.internal.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.SharedData;
import dev.parallelizable.SharedData.ElementType;
import dev.parallelizable.spi.SharedDataStore;
import java.io.InvalidObjectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The caller's and the worker's side of a remote pool's store of shared data. */
@Timeout(30)
class ReceivedSharesTest {
  /** A store in memory that counts the gets. */
  static final class MapStore implements SharedDataStore {
    final Map<String, byte[]> map = new ConcurrentHashMap<>();
    final AtomicInteger gets = new AtomicInteger();

    @Override
    public void put(String key, byte[] bytes) {
      map.put(key, bytes);
    }

    @Override
    public void remove(String key) {
      map.remove(key);
    }

    @Override
    public byte[] get(String key) {
      gets.incrementAndGet();
      return map.get(key);
    }
  }

  @Test
  void aHandleIsPutOnceAndReceivedOnceWithTheSameElements() throws Exception {
    MapStore store = new MapStore();
    StoredShares stored = new StoredShares(store, "p/");
    ReceivedShares received = new ReceivedShares(store);
    SharedData data = SharedData.of(new int[] {1, 2, 3, -4});
    String key = stored.reference(data);
    assertEquals(key, stored.reference(data));
    assertEquals(1, stored.puts());
    long id = SharedAccess.idOf(data);
    SharedData first = received.handle(id, ElementType.INT, 4, key);
    assertSame(first, received.handle(id, ElementType.INT, 4, key));
    assertEquals(1, received.fetches());
    assertEquals(-4, first.asIntBuffer().get(3));
    data.close();
    assertTrue(store.map.isEmpty(), "closing the handle removes its key");
    received.forget(key);
    InvalidObjectException gone =
        assertThrows(InvalidObjectException.class, () -> received.handle(id, ElementType.INT, 4, key));
    assertTrue(gone.getMessage().contains("is gone") && gone.getMessage().contains("SharedData.close()"), gone.getMessage());
    assertThrows(IllegalStateException.class, () -> stored.reference(data));
  }

  @Test
  void forgedReferencesAreRejectedSayingWhy() throws Exception {
    MapStore store = new MapStore();
    StoredShares stored = new StoredShares(store, "p/");
    ReceivedShares received = new ReceivedShares(store);
    try (SharedData data = SharedData.of(new long[] {7, 8})) {
      String key = stored.reference(data);
      long id = SharedAccess.idOf(data);
      String tooLong =
          assertThrows(InvalidObjectException.class, () -> received.handle(id, ElementType.LONG, 3, key)).getMessage();
      assertTrue(tooLong.contains("claims 3 LONG elements") && tooLong.contains("16 bytes"), tooLong);
      assertTrue(
          assertThrows(InvalidObjectException.class, () -> received.handle(id, ElementType.LONG, -1, key))
              .getMessage().contains("claims -1 elements"));
      received.handle(id, ElementType.LONG, 2, key);
      String conflict =
          assertThrows(InvalidObjectException.class, () -> received.handle(id, ElementType.BYTE, 16, key)).getMessage();
      assertTrue(conflict.contains("conflicts with"), conflict);
      assertTrue(
          assertThrows(InvalidObjectException.class, () -> received.handle(99, ElementType.BYTE, 1, "nothing"))
              .getMessage().contains("holds nothing under nothing"));
    }
  }

  @Test
  void closingThePoolRemovesEveryKeyAndRefusesNewHandles() {
    MapStore store = new MapStore();
    StoredShares stored = new StoredShares(store, "p/");
    SharedData a = SharedData.of(new byte[] {1});
    SharedData b = SharedData.of(new double[] {2});
    stored.reference(a);
    stored.reference(b);
    assertEquals(2, store.map.size());
    stored.close();
    assertTrue(store.map.isEmpty());
    assertThrows(IllegalStateException.class, () -> stored.reference(a));
    a.close();
    b.close();
  }
}
