package dev.corral.sidecar.http;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The client end of one upstream Range request made by range coalescing: collects the response
 * (bounded by the blocks asked for) and hands it over when the exchange ends.
 */
final class BlockFetch extends InternalDownstream {
  /** What came back: status 0 when the fetch failed without a response. */
  record Result(int status, HttpHeaders headers, byte[] body) {}

  private final long maxBytes;
  private final Consumer<Result> done;
  /** At most the bytes asked for, allocated once: no doubling, no copy on hand-over (the heap is small). */
  private byte[] body;
  private int size;
  private HttpResponse head;
  private boolean over;

  BlockFetch(EventLoop loop, InetSocketAddress remote, long maxBytes, Consumer<Result> done) {
    super(loop, remote);
    this.maxBytes = maxBytes;
    this.done = done;
  }

  @Override
  public void writeHead(HttpResponse response) {
    head = response;
    if (response instanceof HttpContent content) {
      append(content);
    }
  }

  @Override
  public void write(HttpObject part) {
    if (part instanceof HttpContent content) {
      append(content);
    } else {
      ReferenceCountUtil.release(part);
    }
  }

  private void append(HttpContent content) {
    try {
      int n = content.content().readableBytes();
      if (over || size + (long) n > maxBytes) {
        over = true; // not the range asked for (an origin ignoring Range): fall back
        body = null;
      } else if (n > 0) {
        if (body == null) {
          body = new byte[(int) maxBytes];
        }
        content.content().getBytes(content.content().readerIndex(), body, size, n);
        size += n;
      }
    } finally {
      content.release();
    }
  }

  @Override
  public void exchangeDone(Exchange exchange, boolean close) {
    if (head == null || over) {
      done.accept(new Result(head == null ? 0 : -1, null, new byte[0]));
    } else {
      byte[] bytes = body == null ? new byte[0] : size == body.length ? body : Arrays.copyOf(body, size);
      body = null;
      done.accept(new Result(head.status().code(), head.headers(), bytes));
    }
  }

  @Override
  public void abort() {
    done.accept(new Result(0, null, new byte[0]));
  }

}
