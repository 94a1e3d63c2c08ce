package dev.parallelizable.internal.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.internal.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Worker directories made ahead with their pipes: what a fill makes, when it runs, what is dropped. */
@Timeout(60)
class PipeStockTest {
  @TempDir Path temporary;
  private String savedTemporary;

  @BeforeEach
  void directoriesGoToTheTestsFolder() {
    assumeTrue(WorkerChannels.pipes(), "mkfifo is on the PATH");
    savedTemporary = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", temporary.toString());
  }

  @AfterEach
  void restore() {
    if (savedTemporary != null) {
      System.setProperty("java.io.tmpdir", savedTemporary);
    }
  }

  @Test
  void aFillStocksPrivateDirectoriesEachWithItsTwoPipes() throws IOException {
    PipeStock stock = new PipeStock();
    stock.fill();
    assertEquals(PipeStock.BATCH, stock.size());
    Set<Path> taken = new HashSet<>();
    for (int i = 0; i < PipeStock.BATCH - PipeStock.LOW; i++) { // leaves enough: no fill starts
      Path directory = stock.take(true);
      assertNotNull(directory, "directory " + i);
      assertTrue(taken.add(directory), "each directory is taken once");
      assertEquals(temporary, directory.getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
      assertTrue(isPipe(directory.resolve(Protocol.CHANNEL_UP)), "up is a named pipe");
      assertTrue(isPipe(directory.resolve(Protocol.CHANNEL_DOWN)), "down is a named pipe");
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve(Protocol.CHANNEL_UP))));
    }
    assertEquals(PipeStock.LOW, stock.size());
    stock.close();
    assertEquals(taken, Set.copyOf(entries()), "close deletes the stocked directories, not the taken ones");
  }

  @Test
  void aFillStartsAtTheThirdStartAndAgainWhenTheStockRunsLow() {
    PipeStock stock = new PipeStock();
    for (int start = 1; start < PipeStock.STOCK_FROM; start++) {
      assertNull(stock.take(true), "start " + start + " makes its own pipes");
    }
    assertEquals(0, stock.fillsStarted(), "no fill before the third start");
    assertNull(stock.take(true), "the third start makes its own pipes too, and starts a fill");
    assertEquals(1, stock.fillsStarted());
    await().atMost(Duration.ofSeconds(30)).until(() -> stock.size() == PipeStock.BATCH);

    for (int i = 0; i <= PipeStock.BATCH - PipeStock.LOW; i++) {
      assertNotNull(stock.take(true));
    }
    assertEquals(PipeStock.LOW - 1, stock.size());
    assertEquals(2, stock.fillsStarted(), "a take that left fewer than LOW started one");
    await().atMost(Duration.ofSeconds(30)).until(() -> stock.size() == PipeStock.LOW - 1 + PipeStock.BATCH);
    stock.close();
  }

  @Test
  void aWorkerThatStartsAloneStartsNoFill() {
    PipeStock stock = new PipeStock();
    for (int start = 1; start <= PipeStock.STOCK_FROM + 2; start++) {
      assertNull(stock.take(false), "start " + start + " makes its own pipes");
    }
    assertEquals(0, stock.fillsStarted(), "workers that each started alone, as jobs run one at a time");
    assertNull(stock.take(true), "a start beside another worker makes its own pipes, and starts a fill");
    assertEquals(1, stock.fillsStarted());
    await().atMost(Duration.ofSeconds(30)).until(() -> stock.size() == PipeStock.BATCH);
    assertNotNull(stock.take(false), "a worker that starts alone still takes what is stocked");
    stock.close();
  }

  @Test
  void aStockedDirectoryThatAnotherProcessEmptiedOrDeletedIsDroppedWhenTaken() throws Exception {
    PipeStock stock = new PipeStock();
    stock.fill();
    List<Path> stocked = entries();
    Files.delete(stocked.get(0).resolve(Protocol.CHANNEL_UP));
    Files.delete(stocked.get(1).resolve(Protocol.CHANNEL_DOWN));
    Files.delete(stocked.get(2).resolve(Protocol.CHANNEL_DOWN));
    Files.writeString(stocked.get(2).resolve(Protocol.CHANNEL_DOWN), "a regular file");
    Path gone = stocked.get(3);
    Files.delete(gone.resolve(Protocol.CHANNEL_UP));
    Files.delete(gone.resolve(Protocol.CHANNEL_DOWN));
    Files.delete(gone);

    Set<Path> taken = new HashSet<>();
    Path next;
    while ((next = stock.take(true)) != null) {
      taken.add(next);
    }
    stock.awaitFilled(); // the takes started one; it runs on its own, after the broken were dropped
    assertEquals(PipeStock.BATCH - 4, taken.size(), "only intact directories are taken");
    for (int i = 0; i < 4; i++) {
      assertFalse(taken.contains(stocked.get(i)));
      assertFalse(Files.exists(stocked.get(i), LinkOption.NOFOLLOW_LINKS), "a broken directory is deleted");
    }
    stock.close();
  }

  @Test
  void emptyingDeletesTheStockAndAFillUnderWayThenStocksNothing() throws IOException {
    PipeStock stock = new PipeStock();
    stock.fill();
    stock.empty();
    assertEquals(0, stock.size());
    assertEquals(List.of(), entries(), "the stocked directories are deleted");
    stock.fill();
    assertEquals(PipeStock.BATCH, stock.size(), "a later start fills again");

    stock.close();
    assertEquals(List.of(), entries());
    stock.fill(); // a fill that ends after the JVM began to exit
    assertEquals(0, stock.size());
    assertEquals(List.of(), entries(), "what it made is deleted");
  }

  @Test
  void aFillThatCannotMakeItsDirectoriesTurnsTheStockOff() throws IOException {
    Path notAFolder = Files.writeString(temporary.resolve("file"), "x");
    System.setProperty("java.io.tmpdir", notAFolder.toString());
    PipeStock stock = new PipeStock();
    stock.fill();
    assertEquals(0, stock.size());
    System.setProperty("java.io.tmpdir", temporary.toString());
    for (int start = 0; start < 2 * PipeStock.STOCK_FROM; start++) {
      assertNull(stock.take(true));
    }
    assertEquals(0, stock.fillsStarted(), "no fill starts once one failed");
    assertEquals(List.of(notAFolder), entries());
  }

  private List<Path> entries() throws IOException {
    try (Stream<Path> entries = Files.list(temporary)) {
      return entries.sorted().toList();
    }
  }

  private static boolean isPipe(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
  }
}
