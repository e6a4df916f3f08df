package dev.corral.sidecar.http;

import dev.corral.sidecar.cache.CacheKey;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The client of a stale-while-revalidate refresh: nobody. The refresh is an ordinary exchange
 * (through the collapser and the router's retries) whose {@link CacheTap} stores the response;
 * this end drops what reaches it and frees the key's refresh slot when the exchange ends.
 */
final class RefreshSink extends InternalDownstream {
  private final HttpCache cache;
  private final CacheKey key;
  private boolean done;

  RefreshSink(HttpCache cache, CacheKey key, EventLoop loop, InetSocketAddress remote) {
    super(loop, remote);
    this.cache = cache;
    this.key = key;
  }

  @Override
  public void writeHead(HttpResponse head) {
    ReferenceCountUtil.release(head);
  }

  @Override
  public void write(HttpObject part) {
    ReferenceCountUtil.release(part);
  }

  @Override
  public void exchangeDone(Exchange exchange, boolean close) {
    end();
  }

  @Override
  public void abort() {
    end();
  }

  private void end() {
    if (!done) {
      done = true;
      cache.refreshDone(key);
    }
  }

}
