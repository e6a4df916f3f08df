package dev.corral.sidecar.http;

import dev.corral.sidecar.collapse.CollapseKey;
import dev.corral.sidecar.route.RequestHead;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One upstream fetch shared by every identical request that arrives while it runs (collapsed
 * forwarding). The fetch belongs to the collapser, not to the first client: it is an internal
 * {@link Exchange} whose downstream is this object, so it goes through the router's retries and a
 * client leaving changes nothing for the others. The response streams to every subscriber as it
 * arrives; parts are kept (up to a byte limit) so that late joiners get the bytes so far first.
 */
final class SharedFetch extends InternalDownstream {
  private final Collapser collapser;
  private final CollapseKey key;
  private final RequestHead leaderHead;
  private final boolean credentialsInKey;
  private final long maxBufferedBytes;

  // Guarded by this.
  private final List<Exchange> subscribers = new ArrayList<>(4);
  private final List<HttpObject> kept = new ArrayList<>();
  private long keptBytes;
  private boolean joinable = true;
  private HttpResponse head;
  private boolean ended;
  private boolean followed;

  SharedFetch(Collapser collapser, CollapseKey key, EventLoop loop, InetSocketAddress remote,
      RequestHead leaderHead, boolean credentialsInKey, long maxBufferedBytes) {
    super(loop, remote);
    this.collapser = collapser;
    this.key = key;
    this.leaderHead = leaderHead;
    this.credentialsInKey = credentialsInKey;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  CollapseKey key() {
    return key;
  }

  /**
   * Adds a subscriber, on its own event loop, handing it what arrived so far. False when the fetch
   * can no longer be joined (ended, or more body went by than is kept).
   */
  synchronized boolean subscribe(Exchange subscriber, RequestHead subscriberHead) {
    if (!joinable) {
      return false;
    }
    if (head != null && !sameVariant(head, subscriberHead)) {
      return false;
    }
    subscribers.add(subscriber);
    if (head != null) {
      subscriber.sharedHead(copyOf(head));
    }
    for (HttpObject part : kept) {
      if (part instanceof HttpContent content) {
        subscriber.sharedContent(content.retainedDuplicate());
      }
    }
    return true;
  }

  /** True the first time only: the fetch has its first follower. */
  synchronized boolean markFollowed() {
    if (followed) {
      return false;
    }
    followed = true;
    return true;
  }

  synchronized void unsubscribe(Exchange subscriber) {
    subscribers.remove(subscriber);
  }

  // ---- Downstream: what the internal exchange writes ----

  @Override
  public synchronized void writeHead(HttpResponse response) {
    head = response;
    boolean shareable = credentialsInKey || !isPrivate(response);
    List<Exchange> leaving = new ArrayList<>();
    for (Exchange subscriber : subscribers) {
      if (!shareable || !sameVariant(response, subscriber.requestHead())) {
        leaving.add(subscriber);
      }
    }
    subscribers.removeAll(leaving);
    if (!shareable) {
      closeToJoiners();
    }
    for (Exchange subscriber : leaving) {
      deliver(subscriber, subscriber::goUpstreamInstead);
    }
    for (Exchange subscriber : List.copyOf(subscribers)) {
      HttpResponse copy = copyOf(response);
      deliver(subscriber, () -> subscriber.sharedHead(copy));
    }
    if (response instanceof FullHttpResponse full) {
      keep(full.content().readableBytes(), null);
      ReferenceCountUtil.release(full);
      finished();
    }
  }

  @Override
  public synchronized void write(HttpObject part) {
    if (!(part instanceof HttpContent content)) {
      ReferenceCountUtil.release(part);
      return;
    }
    for (Exchange subscriber : List.copyOf(subscribers)) {
      HttpContent copy = content.retainedDuplicate();
      deliver(subscriber, () -> subscriber.sharedContent(copy));
    }
    keep(content.content().readableBytes(), content);
    if (content instanceof LastHttpContent) {
      finished();
    }
  }

  private void keep(int bytes, HttpContent content) {
    if (!joinable) {
      if (content != null) {
        content.release();
      }
      return;
    }
    keptBytes += bytes;
    if (keptBytes > maxBufferedBytes) {
      closeToJoiners(); // later requests fetch on their own
      if (content != null) {
        content.release();
      }
      return;
    }
    if (content != null) {
      kept.add(content);
    }
  }

  private void closeToJoiners() {
    joinable = false;
    collapser.remove(this);
    kept.forEach(ReferenceCountUtil::release);
    kept.clear();
  }

  private void finished() {
    ended = true;
    closeToJoiners();
    subscribers.clear();
  }

  @Override
  public synchronized void exchangeDone(Exchange exchange, boolean close) {
    if (!ended) {
      finished();
    }
  }

  @Override
  public synchronized void abort() {
    List<Exchange> waiting = List.copyOf(subscribers);
    finished();
    for (Exchange subscriber : waiting) {
      deliver(subscriber, subscriber::sharedAbort);
    }
  }

  /** Runs {@code action} on the subscriber's event loop, in order with its other deliveries. */
  private static void deliver(Exchange subscriber, Runnable action) {
    EventLoop subscriberLoop = subscriber.eventLoop();
    if (subscriberLoop.inEventLoop()) {
      action.run();
    } else {
      subscriberLoop.execute(action);
    }
  }

  /** Whether {@code other} would get the same response: equal values of the headers Vary names. */
  private boolean sameVariant(HttpResponse response, RequestHead other) {
    for (String vary : response.headers().getAll(HttpHeaderNames.VARY)) {
      for (String token : vary.split(",")) {
        String name = token.trim();
        if (name.equals("*")) {
          return other == leaderHead;
        }
        if (!name.isEmpty() && !Objects.equals(leaderHead.headers(name), other.headers(name))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isPrivate(HttpResponse response) {
    for (String value : response.headers().getAll(HttpHeaderNames.CACHE_CONTROL)) {
      for (String directive : value.split(",")) {
        String d = directive.trim();
        if (d.regionMatches(true, 0, "private", 0, 7)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A subscriber's own head: headers are per connection (Connection, x-corral-collapsed). */
  private static HttpResponse copyOf(HttpResponse response) {
    if (response instanceof FullHttpResponse full) {
      return new DefaultFullHttpResponse(full.protocolVersion(), full.status(), full.content().retainedDuplicate(),
          full.headers().copy(), full.trailingHeaders().copy());
    }
    return new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers().copy());
  }
}
