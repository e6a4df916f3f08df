package dev.corral.sidecar.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A response the sidecar makes itself (routing errors, upstream failures, overload). A gRPC caller
 * gets it as a trailers-only gRPC status, as Envoy does, so its client library reports a real
 * status instead of "HTTP 503".
 */
final class LocalReply {
  static final AsciiString X_CORRAL_OVERLOADED = AsciiString.cached("x-corral-overloaded");
  private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
  private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
  private static final String GRPC = "application/grpc";

  private LocalReply() {}

  static FullHttpResponse of(HttpRequest request, HttpResponseStatus status, String message, boolean overloaded) {
    FullHttpResponse response;
    if (isGrpc(request)) {
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, GRPC)
          .setInt(GRPC_STATUS, grpcStatus(status.code()))
          .set(GRPC_MESSAGE, URLEncoder.encode(message, StandardCharsets.UTF_8).replace("+", "%20"));
    } else {
      ByteBuf body = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    }
    if (overloaded) {
      response.headers().set(X_CORRAL_OVERLOADED, "true");
    }
    return response;
  }

  private static boolean isGrpc(HttpRequest request) {
    String type = request == null ? null : request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.startsWith(GRPC);
  }

  /** Envoy's HTTP → gRPC status mapping, with timeouts as DEADLINE_EXCEEDED. */
  static int grpcStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 504 -> 4; // DEADLINE_EXCEEDED
      case 429, 502, 503 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }
}
