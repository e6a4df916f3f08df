package dev.corral.sidecar.http;

import dev.corral.sidecar.collapse.CollapseKey;
import dev.corral.sidecar.collapse.CollapseSettings;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collapsed forwarding for one listener: identical concurrent requests (same {@link CollapseKey})
 * become one upstream request, a {@link SharedFetch} that every one of them subscribes to. Shared by
 * all event loops, so that a server-placed collapser merges every caller of the pod.
 */
final class Collapser {
  private final CollapseSettings settings;
  private final ConnectionManager manager;
  private final ConcurrentHashMap<CollapseKey, SharedFetch> inFlight = new ConcurrentHashMap<>();

  Collapser(CollapseSettings settings, ConnectionManager manager) {
    this.settings = settings;
    this.manager = manager;
  }

  CollapseSettings settings() {
    return settings;
  }

  /**
   * Whether this request may be collapsed: a listed safe method, no body, no upgrade. Range and
   * conditional requests are, but only with identical ones: those fields are in the key.
   */
  boolean applies(HttpRequest request, boolean bodiless) {
    return bodiless && settings.methods().contains(request.method().name())
        && !HeaderRules.isUpgrade(request.headers());
  }

  /** Subscribes {@code exchange} to the fetch for its key, starting one if none runs. */
  void join(Exchange exchange, HttpRequest request, NettyRequestHead head) {
    CollapseKey key = CollapseKey.of(head, settings);
    while (true) {
      SharedFetch running = inFlight.get(key);
      if (running != null) {
        exchange.joined(running, true); // before subscribing: the catch-up is delivered at once
        if (running.subscribe(exchange, head)) {
          exchange.joinCounted(true, running.markFollowed());
          return;
        }
        exchange.joined(null, false);
        inFlight.remove(key, running);
        continue;
      }
      if (exchange.answeredByCacheSinceLookup()) {
        return; // a fetch of this key ended (and stored) between the cache lookup and now
      }
      SharedFetch fetch = new SharedFetch(this, key, exchange.eventLoop(), exchange.remoteAddress(), head,
          !settings.shareAcrossCredentials(), settings.maxBufferedBytes());
      if (inFlight.putIfAbsent(key, fetch) != null) {
        continue;
      }
      exchange.joined(fetch, false);
      fetch.subscribe(exchange, head);
      exchange.joinCounted(false, false);
      DefaultFullHttpRequest copy = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
          request.uri(), Unpooled.EMPTY_BUFFER, request.headers().copy(), new DefaultHttpHeaders());
      // Not within the leader's downstream read: that read-complete flushes the leader's own try
      // (it has none), so a pooled connection handed over at once would never be flushed.
      new Exchange(fetch, manager, Exchange.Kind.SHARED_FETCH).start(copy, false);
      return;
    }
  }

  void remove(SharedFetch fetch) {
    inFlight.remove(fetch.key(), fetch);
  }
}
