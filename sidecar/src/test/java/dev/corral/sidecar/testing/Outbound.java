package dev.corral.sidecar.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** What an {@link EmbeddedChannel} wrote, for tests of encoders. */
public final class Outbound {
  private Outbound() {}

  /** Drains the channel's outbound buffers (releasing them) and returns their bytes as ASCII text. */
  public static String ascii(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      text.append(out.toString(StandardCharsets.US_ASCII));
      out.release();
    }
    return text.toString();
  }
}
