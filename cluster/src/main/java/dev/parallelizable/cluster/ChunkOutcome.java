package dev.parallelizable.cluster;

import java.io.Serializable;

/**
 * What a member sends back for a {@link ChunkCall} (see the wire format there): the signed answer,
 * or why it refused the chunk. Immutable.
 */
final class ChunkOutcome implements Serializable {
  private static final long serialVersionUID = 3L;
  private final String member;
  private final byte[] answer;
  private final byte[] mac;
  private final String refusal;

  private ChunkOutcome(String member, byte[] answer, byte[] mac, String refusal) {
    this.member = member;
    this.answer = answer;
    this.mac = mac;
    this.refusal = refusal;
  }

  /** The answer to chunk {@code number} of {@code session}, signed with {@code secret}. */
  static ChunkOutcome signed(ClusterSecret secret, String member, byte[] session, long number, byte[] answer) {
    return new ChunkOutcome(member, answer,
        secret.sign("answer", session, ClusterSecret.bytes(number), ClusterSecret.bytes(member), answer), null);
  }

  /** The member did not run the chunk, for the reason given. */
  static ChunkOutcome refused(String member, String why) {
    return new ChunkOutcome(member, null, null, why);
  }

  /** The address of the member that ran the chunk, as it says. */
  String member() {
    return member;
  }

  /** Why the member refused the chunk; null if it ran it. */
  String refusal() {
    return refusal;
  }

  /**
   * The answer to chunk {@code number} of {@code session}, as {@link
   * dev.parallelizable.spi.EncodedChunk#readAnswer} reads it, once its MAC proves that a member
   * holding {@code secret} made it for that chunk.
   *
   * @throws IllegalStateException saying why, if the member refused the chunk or the answer is not
   *     signed for it
   */
  byte[] answer(ClusterSecret secret, byte[] session, long number) {
    if (refusal != null) {
      throw new IllegalStateException("the member refused it: " + refusal);
    }
    if (answer == null || member == null
        || !secret.verifies(mac, "answer", session, ClusterSecret.bytes(number), ClusterSecret.bytes(member), answer)) {
      throw new IllegalStateException("its answer is not signed with the pool's cluster secret for this chunk"
          + " (forged, altered, or an answer to another chunk), so its results were not read");
    }
    return answer;
  }
}
