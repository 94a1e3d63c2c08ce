package dev.parallelizable.cluster;

import java.io.Serializable;

/** What a member sends back for a {@link ChunkCall} (see the wire format there). Immutable. */
final class ChunkOutcome implements Serializable {
  private static final long serialVersionUID = 2L;
  private final String member;
  private final byte[] answer;

  ChunkOutcome(String member, byte[] answer) {
    this.member = member;
    this.answer = answer;
  }

  /** The address of the member that ran the chunk. */
  String member() {
    return member;
  }

  /** The answer, as {@link dev.parallelizable.spi.EncodedChunk#readAnswer} reads it. */
  byte[] answer() {
    return answer;
  }
}
