package dev.corral.sidecar.http;

import dev.corral.sidecar.cache.CacheKey;
import dev.corral.sidecar.cache.CacheStatus;
import dev.corral.sidecar.cache.CachedBody;
import dev.corral.sidecar.cache.CachedResponse;
import dev.corral.sidecar.cache.HttpFields;
import dev.corral.sidecar.cache.Invalidation;
import dev.corral.sidecar.cache.Revalidation;
import dev.corral.sidecar.cache.Storability;
import dev.corral.sidecar.cache.UriKey;
import dev.corral.sidecar.route.RequestHead;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The cache filter's response side, a decorator of the exchange's {@link Downstream}: sets
 * {@code Cache-Status}, merges a 304 into the response being revalidated, stands in a stale
 * response for an error (stale-if-error), invalidates on unsafe methods, and tees the body of a
 * storable response into the store as it streams (giving up past maxObjectSize).
 */
final class CacheTap implements Downstream {
  private final Downstream inner;
  private final HttpCache cache;
  private final CacheDecision.Forward decision;
  private final RequestHead request;
  private final long requestTime;
  /** Whether this exchange's response is to be stored (false for collapsed followers: the leader stores). */
  private final BooleanSupplier mayStore;

  private final boolean clientConditions;
  private boolean swallowing;
  private List<ByteBuffer> tee;
  private long teeBytes;
  private int status;
  private HttpFields headers;
  private long responseTime;

  /**
   * The response stored since this exchange's lookup missed, if it is fresh now (see
   * {@link HttpCache#storedSince}); null for a revalidation, whose stale entry was found.
   */
  CacheDecision.@Nullable Serve storedSinceLookup() {
    CacheKey key = decision.key();
    return key == null || decision.stale() != null ? null : cache.storedSince(request, key);
  }

  /** What this tap decorates. */
  Downstream inner() {
    return inner;
  }

  HttpCache cache() {
    return cache;
  }

  CacheTap(Downstream inner, HttpCache cache, CacheDecision.Forward decision, RequestHead request,
      BooleanSupplier mayStore) {
    this.inner = inner;
    this.cache = cache;
    this.decision = decision;
    this.request = request;
    this.mayStore = mayStore;
    this.requestTime = cache.now();
    // Read before the exchange adds the cache's own validators to the same request.
    this.clientConditions = request.header("if-none-match") != null || request.header("if-modified-since") != null;
  }

  @Override
  public void writeHead(HttpResponse response) {
    status = response.status().code();
    responseTime = Math.max(requestTime, cache.now());
    CachedResponse stale = decision.stale();
    if (stale != null && status == 304 && decision.conditional()) {
      Optional<CachedResponse> fresh = Revalidation.freshen(stale, CachedResponses.fields(response.headers()),
          requestTime, responseTime);
      if (fresh.isPresent() && decision.key() != null) {
        cache.store().put(decision.key(), request, fresh.get());
        serveInstead(response, fresh.get(), decision.status().fwdStatus(304).ttl(ttl(fresh.get())));
        return;
      }
    }
    if (stale != null && status >= 500 && cache.freshness().usableOnError(stale, responseTime)) {
      serveInstead(response, stale, decision.status().fwdStatus(status).ttl(ttl(stale)).detail("stale-if-error"));
      return;
    }
    if (decision.invalidate()) {
      invalidate(response);
    }
    CacheStatus cs = forwardedStatus(status);
    if (decision.key() != null && mayStore.getAsBoolean()) {
      headers = CachedResponses.fields(response.headers());
      Storability.Decision store = cache.storability().check(request, status, headers, responseTime);
      long declared = contentLength(response);
      if (store.store() && (declared < 0 || cache.storability().fitsObjectSize(declared))) {
        tee = new ArrayList<>();
        cs = cs.stored();
      } else if (!store.store()) {
        cs = cs.detail(store.reason());
      } else {
        cs = cs.detail("too-large");
      }
    }
    response.headers().set(CacheStatus.HEADER, cs.appendTo(response.headers().get(CacheStatus.HEADER)));
    inner.writeHead(response);
    if (response instanceof LastHttpContent last) {
      teeEnd(last);
    }
  }

  /**
   * A shared response passes this filter untouched but for {@code Cache-Status} when this exchange
   * neither stores it (a follower: the leader does), nor stands a stored response in for it, nor
   * invalidates: then it can go out as the shared encoding.
   */
  @Override
  public boolean writeEncoded(SharedBatch batch, SharedBatch.Variant variant) {
    HttpResponse response = batch.head();
    int code = response.status().code();
    if ((decision.key() != null && mayStore.getAsBoolean()) || decision.stale() != null || decision.invalidate()) {
      return false;
    }
    String value = forwardedStatus(code).appendTo(response.headers().get(CacheStatus.HEADER));
    if (!inner.writeEncoded(batch, variant.withCacheStatus(value))) {
      return false;
    }
    status = code;
    return true;
  }

  private CacheStatus forwardedStatus(int code) {
    return decision.status().fwdStatus(code);
  }

  @Override
  public void write(HttpObject part) {
    if (swallowing) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (tee != null && part instanceof HttpContent content) {
      teeBytes += content.content().readableBytes();
      if (!cache.storability().fitsObjectSize(teeBytes)) {
        tee = null; // past maxObjectSize: the rest streams through unstored
      } else {
        tee.add(CachedResponses.copy(content.content()));
      }
    }
    if (part instanceof LastHttpContent last) {
      teeEnd(last);
    }
    inner.write(part);
  }

  private void teeEnd(LastHttpContent last) {
    if (tee == null) {
      return;
    }
    if (last instanceof HttpResponse) {
      tee.add(CachedResponses.copy(last.content())); // a full response: its body came with the head
    }
    CachedResponse stored = CachedResponse.of(status, headers, CachedBody.copyOf(tee), requestTime, responseTime);
    tee = null;
    cache.store().put(decision.key(), request, stored);
  }

  /** Answers with {@code stored} instead of the upstream's {@code response}, whose body is dropped. */
  private void serveInstead(HttpResponse response, CachedResponse stored, CacheStatus cs) {
    swallowing = true;
    ReferenceCountUtil.release(response);
    inner.writeHead(CachedResponses.render(stored, request, cs, responseTime, clientConditions));
  }

  private long ttl(CachedResponse r) {
    return cache.freshness().lifetimeSeconds(r.headers(), r.responseTimeMillis())
        - dev.corral.sidecar.cache.Freshness.currentAgeSeconds(r, responseTime);
  }

  private void invalidate(HttpResponse response) {
    UriKey target = new UriKey(request.authority(), request.path());
    for (UriKey uri : Invalidation.targets(request.method(), target, status,
        CachedResponses.fields(response.headers()))) {
      cache.store().invalidate(uri);
    }
  }

  private static long contentLength(HttpResponse response) {
    String value = response.headers().get(HttpHeaderNames.CONTENT_LENGTH);
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ---- the rest passes through ----

  @Override
  public EventLoop eventLoop() {
    return inner.eventLoop();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return inner.remoteAddress();
  }

  @Override
  public String clientIp() {
    return inner.clientIp();
  }

  @Override
  public @org.jspecify.annotations.Nullable InetSocketAddress originalDestination() {
    return inner.originalDestination();
  }

  @Override
  public void flush() {
    inner.flush();
  }

  @Override
  public boolean isWritable() {
    return inner.isWritable();
  }

  @Override
  public void setReadable(boolean readable) {
    inner.setReadable(readable);
  }

  @Override
  public void exchangeDone(Exchange exchange, boolean close) {
    inner.exchangeDone(exchange, close);
  }

  @Override
  public void abort() {
    tee = null;
    inner.abort();
  }

  @Override
  public Channel upgrade() {
    return inner.upgrade();
  }

  @Override
  public boolean canUpgrade() {
    return inner.canUpgrade();
  }
}
