package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.IMap;
import dev.parallelizable.Codec;
import dev.parallelizable.SharedData;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.fixtures.SharedReadsParallel;
import dev.parallelizable.fixtures.WorkParallel;
import dev.parallelizable.spi.EncodedChunk;
import dev.parallelizable.spi.SharedDataPublisher;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster that only its own members can use: what whoever reaches a member's port without the
 * cluster's secret can send (a rogue Hazelcast client on loopback here), what a member without the
 * secret gets, and the configuration that gives members and pools their secret and filter.
 */
@Timeout(value = 90, unit = SECONDS)
class ClusterSecurityTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  /** Set by {@link Gadget#readObject}: a gadget's code ran on a member. */
  static final AtomicBoolean GADGET_RAN = new AtomicBoolean();
  /** Set by {@link Marker#readObject}: an argument of a chunk was decoded. */
  static final AtomicBoolean MARKER_DECODED = new AtomicBoolean();

  private static LoopbackCluster cluster;
  /** Strong references: JUL keeps loggers weakly, and a collected one would lose its handler. */
  private static final Logger MEMBER_LOG = Logger.getLogger(ClusterMember.class.getName());
  private static final Logger POOL_LOG = Logger.getLogger(ClusterPool.class.getName());
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler collector = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** A class of no use to the cluster whose deserialization has an effect, as a gadget's has. */
  public static final class Gadget implements Callable<String>, Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      GADGET_RAN.set(true);
    }

    @Override
    public String call() {
      return "ran";
    }
  }

  /** An argument whose decoding shows. */
  public static final class Marker implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      MARKER_DECODED.set(true);
    }

    @Override
    public String toString() {
      return "marker";
    }
  }

  @BeforeAll
  static void startCluster() {
    cluster = LoopbackCluster.shared();
  }

  /** Collects the warnings of members and pools, and keeps them off the console. */
  @BeforeEach
  void collectWarnings() {
    for (Logger logger : List.of(MEMBER_LOG, POOL_LOG)) {
      logger.addHandler(collector);
      logger.setUseParentHandlers(false);
    }
  }

  @AfterEach
  void restoreLogging() {
    for (Logger logger : List.of(MEMBER_LOG, POOL_LOG)) {
      logger.removeHandler(collector);
      logger.setUseParentHandlers(true);
    }
  }

  /** A Hazelcast client of {@code target}'s cluster that knows its name and address, not its secret. */
  private static HazelcastInstance rogueClient(LoopbackCluster target) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(target.name);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setAddresses(new ArrayList<>(target.addresses));
    return HazelcastClient.newHazelcastClient(config);
  }

  private static Member member(HazelcastInstance instance) {
    return instance.getCluster().getLocalMember();
  }

  private static byte[] request(Task<?> task) {
    return EncodedChunk.encode(new Task<?>[] {task}, Codec.serialization()).request(0, 1);
  }

  private static void assertThePoolWorks(ClusterPool pool) {
    assertEquals(List.of(1L, 8L, 27L, 64L), pool.map(WorkParallel::cube, List.of(1, 2, 3, 4), 1));
  }

  @Test
  void aGadgetFromARogueClientIsRefusedByTheFilterOfMembersAndPoolsAndTheClusterGoesOn() throws Exception {
    HazelcastInstance rogue = rogueClient(cluster);
    try (ClusterPool pool = cluster.poolBuilder().build()) {
      IExecutorService executor = rogue.getExecutorService(ClusterMember.EXECUTOR_NAME);
      List<Member> targets = new ArrayList<>();
      cluster.members.forEach(member -> targets.add(member(member)));
      targets.add(member(pool.hazelcastInstance())); // the pool's own lite member
      for (Member target : targets) {
        ExecutionException refused =
            assertThrows(ExecutionException.class, () -> executor.submitToMember(new Gadget(), target).get(20, SECONDS));
        assertTrue(String.valueOf(refused.getCause()).contains("Resolving class " + Gadget.class.getName() + " is not allowed"),
            target + ": " + refused.getCause());
      }
      assertFalse(GADGET_RAN.get(), "no member deserialized the gadget");
      assertThePoolWorks(pool);
    } finally {
      rogue.shutdown();
    }
  }

  @Test
  void aChunkWithoutTheSecretsSignatureIsRefusedBeforeItsArgumentsAreDecoded() throws Exception {
    byte[] forged = request(ClusterWorkParallel.describe(new Marker()));
    HazelcastInstance via = cluster.members.get(0);
    Member target = member(cluster.members.get(1));
    // A chunk signed by a pool, whose request the rogue replaces with its own below.
    String key = "honest-" + UUID.randomUUID();
    LoopbackCluster.SignedChunk honest = LoopbackCluster.signedChunk(via, target, request(ClusterWorkParallel.tally(key)));
    List<ChunkCall> calls = List.of(
        new ChunkCall(new byte[16], 1, forged, null),
        ChunkCall.signed(ClusterSecret.random(), honest.session(), 1, forged),
        new ChunkCall(honest.session(), 1, forged, honest.call().mac()));
    HazelcastInstance rogue = rogueClient(cluster);
    try {
      for (ChunkCall call : calls) {
        ChunkOutcome outcome =
            rogue.getExecutorService(ClusterMember.EXECUTOR_NAME).<ChunkOutcome>submitToMember(call, target).get(20, SECONDS);
        assertNotNull(outcome.refusal(), "refused");
        assertTrue(outcome.refusal().contains("not signed with this member's cluster secret"), outcome.refusal());
        IllegalStateException read = assertThrows(IllegalStateException.class, () -> honest.answerOf(outcome));
        assertTrue(read.getMessage().startsWith("the member refused it: "), read.getMessage());
      }
    } finally {
      rogue.shutdown();
    }
    assertFalse(MARKER_DECODED.get(), "the member decoded no argument of a forged chunk");
    assertEquals(3, warnings.stream().filter(w -> w.contains("refused a chunk: the chunk is not signed")).count(),
        warnings.toString());
    // The honest chunk still runs: the forgeries used none of its session's numbers.
    honest.answerOf(
        via.getExecutorService(ClusterMember.EXECUTOR_NAME).submitToMember(honest.call(), target).get(20, SECONDS));
    assertEquals(1, ClusterWork.TALLIES.get(key).get());
    try (ClusterPool pool = LoopbackCluster.sharedPool()) {
      assertThePoolWorks(pool);
    }
  }

  @Test
  void aCapturedChunkRunsOnceOnItsMemberAndNowhereElse() throws Exception {
    String key = "replay-" + UUID.randomUUID();
    HazelcastInstance via = cluster.members.get(0);
    Member target = member(cluster.members.get(1));
    LoopbackCluster.SignedChunk captured = LoopbackCluster.signedChunk(via, target, request(ClusterWorkParallel.tally(key)));
    HazelcastInstance rogue = rogueClient(cluster);
    try {
      IExecutorService executor = rogue.getExecutorService(ClusterMember.EXECUTOR_NAME);
      ChunkOutcome first = executor.<ChunkOutcome>submitToMember(captured.call(), target).get(20, SECONDS);
      assertNull(first.refusal(), "the chunk runs once");
      ChunkOutcome again = executor.<ChunkOutcome>submitToMember(captured.call(), target).get(20, SECONDS);
      assertTrue(String.valueOf(again.refusal()).contains("chunk 1 of its session ran already"), again.refusal());
      ChunkOutcome elsewhere =
          executor.<ChunkOutcome>submitToMember(captured.call(), member(cluster.members.get(2))).get(20, SECONDS);
      assertTrue(String.valueOf(elsewhere.refusal()).contains("its session is unknown to this member"), elsewhere.refusal());
      // Once the pool ended its session, no chunk of it runs, not even one never sent.
      CompletableFuture<Object> ended = new CompletableFuture<>();
      via.getExecutorService(ClusterMember.EXECUTOR_NAME).submitToMember(
          new SessionEnd(captured.secret(), captured.session()), target, new ExecutionCallback<Object>() {
            @Override
            public void onResponse(Object response) {
              ended.complete(response);
            }

            @Override
            public void onFailure(Throwable t) {
              ended.completeExceptionally(t);
            }
          });
      ended.get(20, SECONDS);
      ChunkCall next = ChunkCall.signed(captured.secret(), captured.session(), 2, request(ClusterWorkParallel.tally(key)));
      ChunkOutcome afterEnd = executor.<ChunkOutcome>submitToMember(next, target).get(20, SECONDS);
      assertTrue(String.valueOf(afterEnd.refusal()).contains("its session is unknown"), afterEnd.refusal());
    } finally {
      rogue.shutdown();
    }
    assertEquals(1, ClusterWork.TALLIES.get(key).get(), "the captured chunk ran once");
  }

  @Test
  void eachNumberOfASessionIsAdmittedOnceInAnyOrderWithinItsWindow() {
    MemberSessions sessions = MemberSessions.of(cluster.members.get(0));
    byte[] id = sessions.open(UUID.randomUUID(), 1); // a window of 1024 numbers
    List<Boolean> admitted = new ArrayList<>();
    for (long number : new long[] {5, 3, 4, 3, 1, 5, 0, -1, 2000, 976, 977, 977, 3000}) {
      admitted.add(sessions.admit(id, number) == null);
    }
    assertEquals(List.of(true, true, true, false, true, false, false, false, true, false, true, false, true), admitted);
    assertTrue(String.valueOf(sessions.admit(id, 3000)).contains("chunk 3000 of its session ran already or is too old"));
    sessions.end(id);
    assertTrue(String.valueOf(sessions.admit(id, 3001)).contains("its session is unknown to this member"));
  }

  @Test
  void aPoolWhoseSessionAMemberForgotGetsARefusalNamingTheMemberAndWhy() {
    try (ClusterPool pool = cluster.poolBuilder().build()) {
      // As if every member had lost its sessions: the pool's chunks are then refused, unread.
      cluster.members.forEach(member -> member.getUserContext().remove(MemberSessions.class.getName()));
      TaskFailedException failure = assertThrows(TaskFailedException.class, () -> pool.apply(WorkParallel.cube(3)));
      String message = failure.getCause().getMessage();
      for (String part : List.of("Cluster member 127.0.0.1:", "could not run", "cube(3)",
          "the member refused it: its session is unknown to this member")) {
        assertTrue(message.contains(part), part + " in: " + message);
      }
    }
    assertTrue(warnings.stream().anyMatch(w -> w.contains("refused a chunk: its session is unknown")), warnings.toString());
    try (ClusterPool pool = LoopbackCluster.sharedPool()) {
      assertThePoolWorks(pool); // a new pool opens new sessions
    }
  }

  @Test
  void anAnswerIsReadOnlyIfSignedForItsChunk() {
    ClusterSecret secret = ClusterSecret.random();
    byte[] session = ClusterSecret.randomBytes(16);
    byte[] answer = {1, 2, 3};
    ChunkOutcome signed = ChunkOutcome.signed(secret, "127.0.0.1:5701", session, 7, answer);
    assertArrayEquals(answer, signed.answer(secret, session, 7));
    for (ChunkOutcome forged : List.of(
        ChunkOutcome.signed(ClusterSecret.random(), "127.0.0.1:5701", session, 7, answer), // another secret
        ChunkOutcome.signed(ClusterSecret.insecureNone(), "127.0.0.1:5701", session, 7, answer))) { // none
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> forged.answer(secret, session, 7));
      assertTrue(refused.getMessage().contains("not signed with the pool's cluster secret"), refused.getMessage());
    }
    // An answer to another chunk of the session, or to the same number in another session.
    assertThrows(IllegalStateException.class, () -> signed.answer(secret, session, 8));
    assertThrows(IllegalStateException.class, () -> signed.answer(secret, ClusterSecret.randomBytes(16), 7));
  }

  @Test
  void sharedDataRewrittenWithoutTheSecretFailsItsTaskUnread() throws Exception {
    HazelcastInstance via = cluster.members.get(0);
    Member target = member(cluster.members.get(2));
    String prefix = "forgery-" + UUID.randomUUID() + "/";
    HazelcastInstance rogue = rogueClient(cluster);
    try (SharedData data = SharedData.of(new double[] {1, 2, 3, 4});
        SharedDataPublisher publisher =
            SharedDataPublisher.create(ClusterShares.store(via, ClusterSecret.of(via)), prefix)) {
      byte[] request = EncodedChunk.encode(new Task<?>[] {SharedReadsParallel.checksum(data)}, Codec.serialization(),
          publisher).request(0, 1);
      IMap<String, byte[]> map = rogue.getMap(ClusterShares.MAP_NAME);
      Set<String> keys = map.keySet().stream().filter(k -> k.startsWith(prefix) && !k.endsWith("#mac"))
          .collect(Collectors.toSet());
      assertEquals(1, keys.size(), keys.toString());
      String key = keys.iterator().next();
      map.set(key, new byte[map.get(key).length]); // same length, other values
      LoopbackCluster.SignedChunk chunk = LoopbackCluster.signedChunk(via, target, request);
      String answer = new String(
          chunk.answerOf(via.getExecutorService(ClusterMember.EXECUTOR_NAME).submitToMember(chunk.call(), target)
              .get(20, SECONDS)),
          StandardCharsets.ISO_8859_1);
      assertTrue(answer.contains("are not signed with this member's cluster secret"), answer);
    } finally {
      rogue.shutdown();
    }
  }

  @Test
  void aMemberWithAnotherSecretIsNamedWhenAPoolStartsAndGetsNoWorkWhenItJoinsLater() {
    LoopbackCluster mixed = LoopbackCluster.reserve(4);
    try {
      mixed.startMember(0, 1);
      HazelcastInstance stranger = Hazelcast.newHazelcastInstance(mixed.config(1, 1, ClusterSecret.random()));
      mixed.members.add(stranger);
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> mixed.poolBuilder().build());
      for (String part : List.of("Cluster member " + mixed.address(1), "cannot work for this pool",
          "not signed with this member's cluster secret", "the same ClusterSecret")) {
        assertTrue(refused.getMessage().contains(part), part + " in: " + refused.getMessage());
      }
      stranger.getLifecycleService().terminate();
      mixed.members.remove(stranger);
      try (ClusterPool pool = mixed.poolBuilder().port(mixed.port(3)).build()) {
        assertEquals(1, pool.size());
        mixed.members.add(Hazelcast.newHazelcastInstance(mixed.config(2, 1, ClusterSecret.random())));
        await().atMost(BOUND).until(() -> warnings.stream().anyMatch(
            w -> w.contains("Cluster member " + mixed.address(2) + " joined but gets no tasks")
                && w.contains("not signed")));
        Set<String> instances = pool.map(x -> WorkParallel.threadName(), IntStream.range(0, 20).boxed().toList(), 1)
            .stream().map(thread -> thread.substring("hz.".length(), thread.indexOf(".cached.")))
            .collect(Collectors.toSet());
        assertEquals(Set.of(mixed.members.get(0).getName()), instances, "only the member with the secret works");
      }
    } finally {
      mixed.close();
    }
  }

  @Test
  void withoutASecretMembersAndPoolsWorkTogetherButNotWithThoseThatHaveOne() {
    LoopbackCluster open = LoopbackCluster.reserve(3);
    try {
      open.members.add(Hazelcast.newHazelcastInstance(open.config(0, 1, ClusterSecret.insecureNone())));
      try (ClusterPool pool = open.poolBuilder().secret(ClusterSecret.insecureNone()).port(open.port(1)).build()) {
        assertThePoolWorks(pool);
      }
      IllegalStateException refused =
          assertThrows(IllegalStateException.class, () -> open.poolBuilder().port(open.port(2)).build());
      assertTrue(refused.getMessage().contains("its answer is not signed with the pool's cluster secret: the member"
          + " has no secret or another one"), refused.getMessage());
    } finally {
      open.close();
    }
  }

  @Test
  void aPoolWithoutASecretIsRefusedNamingTheOptionTheVariableAndTheFix() {
    assumeTrue(System.getenv(ClusterSecret.ENVIRONMENT_VARIABLE) == null, "the variable is set on this machine");
    int before = Hazelcast.getAllHazelcastInstances().size();
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> ClusterPool.builder().clusterName(cluster.name).members(cluster.addresses).build());
    for (String part : List.of("no cluster secret for cluster '" + cluster.name + "'",
        ClusterSecret.ENVIRONMENT_VARIABLE, ".secret(ClusterSecret.fromFile(path))", "openssl rand -base64 32",
        "--secret-file", ".secret(ClusterSecret.insecureNone())")) {
      assertTrue(refused.getMessage().contains(part), part + " in: " + refused.getMessage());
    }
    assertEquals(before, Hazelcast.getAllHazelcastInstances().size(), "no instance was started");
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> ClusterPool.builder().instance(cluster.members.get(0)).secret(ClusterSecret.random()).build());
    assertTrue(both.getMessage().contains("ClusterMember.secure(config, secret)"), both.getMessage());
  }

  @Test
  void connectRefusesAnInstanceWithoutTheSecretNamingTheFix() {
    LoopbackCluster plain = LoopbackCluster.reserve(1);
    Config config = plain.config(0, 1);
    config.getUserContext().remove(ClusterSecret.CONTEXT_KEY); // as if built without ClusterMember.secure
    HazelcastInstance instance = Hazelcast.newHazelcastInstance(config);
    plain.members.add(instance);
    try {
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ClusterPool.connect(instance));
      for (String part : List.of(instance.getName(), "it has no cluster secret", "ClusterMember.secure(config, secret)")) {
        assertTrue(refused.getMessage().contains(part), part + " in: " + refused.getMessage());
      }
    } finally {
      plain.close();
    }
  }

  @Test
  void secureAddsTheLibrarysEntriesToTheApplicationsFilterAndKeepsTheRest() {
    Config bare = ClusterMember.secure(new Config().setClusterName("bare"), ClusterSecret.random());
    JavaSerializationFilterConfig installed = bare.getSerializationConfig().getJavaSerializationFilterConfig();
    assertTrue(installed.isDefaultsDisabled(), "Hazelcast's broad default allow-list is off");
    assertTrue(installed.getWhitelist().isListed(ChunkCall.class.getName()));
    assertFalse(installed.getWhitelist().isListed(Gadget.class.getName()));
    assertNull(ClusterFilter.problem(bare));

    Config own = new Config().setClusterName("own");
    JavaSerializationFilterConfig mine = new JavaSerializationFilterConfig().setDefaultsDisabled(false);
    mine.getWhitelist().addClasses("com.example.Mine");
    mine.getBlacklist().addClasses("com.example.Bad");
    own.getSerializationConfig().setJavaSerializationFilterConfig(mine);
    ClusterMember.secure(own, ClusterSecret.random());
    JavaSerializationFilterConfig merged = own.getSerializationConfig().getJavaSerializationFilterConfig();
    assertTrue(merged.getWhitelist().isListed("com.example.Mine"), "the application's entries stay");
    assertTrue(merged.getWhitelist().isListed(ChunkOutcome.class.getName()), "the library's are added");
    assertTrue(merged.getBlacklist().isListed("com.example.Bad"), "the deny-list stays");
    assertFalse(merged.isDefaultsDisabled(), "the application's choice of Hazelcast's defaults stays");

    own.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
    assertTrue(String.valueOf(ClusterFilter.problem(own)).contains("does not allow " + ChunkCall.class.getName()));
    own.getSerializationConfig().setJavaSerializationFilterConfig(null);
    assertTrue(String.valueOf(ClusterFilter.problem(own)).contains("has no Java deserialization filter"));
  }

  @Test
  void secretsComeFromAFileOrTheEnvironmentAndBadOnesAreNamedWithTheFix(@TempDir Path dir) throws IOException {
    String text = "x".repeat(ClusterSecret.MIN_LENGTH - 4) + "tail";
    Path withNewline = Files.writeString(dir.resolve("a.secret"), text + "\n");
    Path without = Files.writeString(dir.resolve("b.secret"), text);
    ClusterSecret a = ClusterSecret.fromFile(withNewline);
    assertTrue(a.verifies(ClusterSecret.fromFile(without).sign("p", new byte[] {1}), "p", new byte[] {1}),
        "the final newline is not part of the secret");
    assertFalse(a.toString().contains(text), a.toString());
    assertTrue(a.toString().contains(withNewline.toAbsolutePath().toString()), a.toString());

    Path short_ = Files.writeString(dir.resolve("short.secret"), "render\n");
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class, () -> ClusterSecret.fromFile(short_));
    for (String part : List.of(short_.toAbsolutePath().toString(), "6 bytes", "at least 32", "openssl rand -base64 32")) {
      assertTrue(tooShort.getMessage().contains(part), part + " in: " + tooShort.getMessage());
    }
    Path missing = dir.resolve("missing.secret");
    UncheckedIOException unreadable = assertThrows(UncheckedIOException.class, () -> ClusterSecret.fromFile(missing));
    assertTrue(unreadable.getMessage().contains(missing.toAbsolutePath().toString()), unreadable.getMessage());
    String variable = "PARALLELIZABLE_TEST_UNSET_" + UUID.randomUUID().toString().replace('-', '_');
    IllegalStateException unset = assertThrows(IllegalStateException.class, () -> ClusterSecret.fromEnvironment(variable));
    assertTrue(unset.getMessage().contains(variable + " that should hold the cluster secret is not set"), unset.getMessage());

    Config named = new Config().setClusterName(text);
    IllegalArgumentException clusterName =
        assertThrows(IllegalArgumentException.class, () -> ClusterMember.secure(named, a));
    assertTrue(clusterName.getMessage().contains("must not be the cluster name"), clusterName.getMessage());
    assertInstanceOf(ClusterSecret.class, ClusterMember.secure(new Config().setClusterName("other"), a)
        .getUserContext().get(ClusterSecret.CONTEXT_KEY));
  }
}
