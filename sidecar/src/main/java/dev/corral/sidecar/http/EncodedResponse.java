package dev.corral.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A whole HTTP/1.1 response (head and body, framed) as bytes, encoded once and written to many
 * connections as views of one buffer; {@link Http1ServerCodec} passes it on as the answer to the
 * connection's next request. Only for a request whose answer may carry a body (not HEAD).
 */
final class EncodedResponse extends DefaultByteBufHolder {
  EncodedResponse(ByteBuf bytes) {
    super(bytes);
  }
}
