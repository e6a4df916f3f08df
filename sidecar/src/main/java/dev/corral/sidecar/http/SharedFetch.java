package dev.corral.sidecar.http;

import dev.corral.sidecar.collapse.CollapseKey;
import dev.corral.sidecar.route.RequestHead;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One upstream fetch shared by every identical request that arrives while it runs (collapsed
 * forwarding). The fetch belongs to the collapser, not to the first client: it is an internal
 * {@link Exchange} whose downstream is this object, so it goes through the router's retries and a
 * client leaving changes nothing for the others. The response streams to every subscriber as it
 * arrives; parts are kept (up to a byte limit) so that late joiners get the bytes so far first.
 *
 * <p>Fan-out is what a thousand waiting requests cost, so it is batched: parts are gathered while
 * the upstream is read and go out at its read-complete, each subscriber getting all of them in one
 * write and one flush; a head whose body is still to come waits for its first body bytes (at most
 * {@link #HEAD_HOLD_NANOS}), so that a small response is one write per subscriber, not two. Each
 * event loop serves its own subscribers, followers in the order they joined and the leader last,
 * from one task per batch. A batch that is the whole response goes to HTTP/1.1 keep-alive
 * subscribers as one encoding shared by all of them ({@link SharedBatch}). Subscribers' route
 * timeouts and maxWait are one timer here, not two per subscriber.
 */
final class SharedFetch extends InternalDownstream {
  /** How long a response head waits for its first body bytes before it goes out alone. */
  static final long HEAD_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final Collapser collapser;
  private final CollapseKey key;
  private final RequestHead leaderHead;
  private final boolean credentialsInKey;
  private final long maxBufferedBytes;

  // Guarded by this.
  private final List<Exchange> subscribers = new ArrayList<>(4);
  /** Body parts already sent, kept for late joiners while they fit maxBufferedBytes. */
  private final List<HttpContent> kept = new ArrayList<>();
  /** Body parts received and not yet sent (the current upstream read). */
  private final List<HttpContent> pending = new ArrayList<>(2);
  private long keptBytes;
  private boolean joinable = true;
  private @Nullable HttpResponse head;
  private boolean headSent;
  private @Nullable ScheduledFuture<?> headHold;
  private boolean ended;
  private boolean followed;
  /** Whether a subscriber lives on another event loop than the fetch (several workers). */
  private boolean otherLoops;
  /**
   * One timer for every subscriber's deadlines (route timeout; maxWait until the head went out),
   * at the earliest of them: a thousand followers used to schedule and cancel two timers each.
   */
  private @Nullable ScheduledFuture<?> deadlineTimer;
  private long deadlineTimerAt;

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
   * Adds a subscriber, on its own event loop, handing it what was sent so far (what arrived but
   * was not sent yet comes with the next batch). False when the fetch can no longer be joined
   * (ended, or more body went by than is kept).
   */
  synchronized boolean subscribe(Exchange subscriber, RequestHead subscriberHead) {
    if (!joinable) {
      return false;
    }
    if (head != null && !sameVariant(head.headers().getAll(HttpHeaderNames.VARY), subscriberHead)) {
      return false;
    }
    subscribers.add(subscriber);
    otherLoops |= subscriber.eventLoop() != eventLoop();
    watch(subscriber);
    if (headSent) {
      List<HttpContent> parts = new ArrayList<>(kept.size());
      for (HttpContent part : kept) {
        parts.add(part.retainedDuplicate());
      }
      subscriber.sharedParts(SharedBatch.copyOf(head), parts);
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
    // Sent at the read-complete (flush), with whatever body came in the same read.
    boolean shareable = credentialsInKey || !isPrivate(response);
    List<String> vary = response.headers().getAll(HttpHeaderNames.VARY);
    if (shareable && vary.isEmpty()) {
      return; // for every subscriber: no check per follower (~0.5 ms for a thousand before the fan-out)
    }
    List<Exchange> leaving = new ArrayList<>();
    for (Exchange subscriber : subscribers) {
      // The leader's own request fetched it: its answer whatever the response says.
      if (subscriber.isFollower() && (!shareable || !sameVariant(vary, subscriber.requestHead()))) {
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
  }

  @Override
  public synchronized void write(HttpObject part) {
    if (ended || !(part instanceof HttpContent content)) {
      ReferenceCountUtil.release(part);
      return;
    }
    pending.add(content);
  }

  /** The upstream read is complete: send what it brought, unless it is a head alone. */
  @Override
  public synchronized void flush() {
    if (ended || head == null || (headSent && pending.isEmpty())) {
      return;
    }
    if (!headSent && pending.isEmpty() && !(head instanceof LastHttpContent)) {
      if (headHold == null) {
        headHold = eventLoop().schedule(this::headHoldOver, HEAD_HOLD_NANOS, TimeUnit.NANOSECONDS);
      }
      return; // the body usually follows within microseconds: one write per subscriber instead of two
    }
    fanOut();
  }

  private synchronized void headHoldOver() {
    headHold = null;
    if (!ended && head != null && !headSent) {
      fanOut();
    }
  }

  /** Sends the head (if not yet) and the pending parts to every subscriber, each loop its own. */
  private void fanOut() {
    if (headHold != null) {
      headHold.cancel(false);
      headHold = null;
    }
    HttpResponse newHead = headSent ? null : head;
    headSent = true;
    List<HttpContent> batch = List.copyOf(pending);
    pending.clear();
    boolean last = head instanceof LastHttpContent
        || (!batch.isEmpty() && batch.get(batch.size() - 1) instanceof LastHttpContent);
    // The whole response in one batch (the usual small one) can go out as one encoding.
    boolean encodable = newHead != null && last && HttpMethod.GET.name().equals(leaderHead.method());
    List<Exchange> ordered = servingOrder();
    if (!otherLoops && eventLoop().inEventLoop()) {
      // One loop: no grouping pass, which reads every subscriber's loop through its downstream
      // (0.3-0.8 ms for a thousand followers, on cold memory, before the first byte went out).
      sendBatch(ordered, new SharedBatch(newHead, batch, encodable));
    } else {
      sendByLoop(ordered, newHead, batch, encodable);
    }
    if (newHead instanceof FullHttpResponse full) {
      keep(full.content().readableBytes(), null);
      ReferenceCountUtil.release(full);
    }
    for (HttpContent content : batch) {
      keep(content.content().readableBytes(), content);
    }
    if (last) {
      finished();
    }
  }

  /**
   * Followers first, in the order they joined; the leader, whose cache tap stores the response (a
   * copy, the store's own bookkeeping), last, so that storing delays no follower. The leader
   * almost always subscribed first, so the search for it usually stops at the first subscriber.
   */
  private List<Exchange> servingOrder() {
    List<Exchange> ordered = new ArrayList<>(subscribers);
    for (int i = 0; i < ordered.size(); i++) {
      if (!ordered.get(i).isFollower()) {
        ordered.add(ordered.remove(i));
        break;
      }
    }
    return ordered;
  }

  /** Subscribers on several loops: each loop's get the batch on their own loop, in the same order. */
  private void sendByLoop(List<Exchange> ordered, @Nullable HttpResponse newHead, List<HttpContent> batch,
      boolean encodable) {
    Map<EventLoop, List<Exchange>> byLoop = new LinkedHashMap<>(4);
    for (Exchange subscriber : ordered) {
      byLoop.computeIfAbsent(subscriber.eventLoop(), l -> new ArrayList<>(ordered.size())).add(subscriber);
    }
    for (Map.Entry<EventLoop, List<Exchange>> group : byLoop.entrySet()) {
      EventLoop loop = group.getKey();
      List<Exchange> members = group.getValue();
      SharedBatch shared = new SharedBatch(newHead, batch, encodable);
      if (loop.inEventLoop()) {
        sendBatch(members, shared);
      } else {
        // The parts are ours to release after this call: the other loop holds its own references.
        if (newHead != null) {
          ReferenceCountUtil.retain(newHead);
        }
        batch.forEach(HttpContent::retain);
        loop.execute(() -> {
          sendBatch(members, shared);
          ReferenceCountUtil.release(newHead);
          batch.forEach(HttpContent::release);
        });
      }
    }
  }

  /**
   * One write and one flush per subscriber, in the order given; the bookkeeping of the responses
   * that went out whole waits until every subscriber has its bytes.
   */
  private static void sendBatch(List<Exchange> members, SharedBatch batch) {
    List<Exchange> whole = new ArrayList<>(members.size());
    for (Exchange subscriber : members) {
      if (subscriber.sharedBatch(batch)) {
        whole.add(subscriber);
      }
    }
    batch.releaseEncoded();
    for (Exchange subscriber : whole) {
      subscriber.sharedBatchDone();
    }
  }

  /** Makes sure the deadline timer runs by {@code subscriber}'s next deadline. */
  private void watch(Exchange subscriber) {
    long due = subscriber.nextDeadline(!headSent);
    if (due == Long.MAX_VALUE || ended) {
      return;
    }
    if (deadlineTimer != null && due - deadlineTimerAt >= 0) {
      return; // joins come in deadline order (one route, one maxWait): the timer is already early enough
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
    scheduleDeadlines(due, System.nanoTime());
  }

  private void scheduleDeadlines(long at, long now) {
    deadlineTimerAt = at;
    deadlineTimer = eventLoop().schedule(this::deadlinesDue, Math.max(0, at - now), TimeUnit.NANOSECONDS);
  }

  /**
   * The deadline timer: subscribers past their route timeout leave with a 504, those that waited
   * maxWait for a head that has not gone out yet fetch on their own; then the timer is set for the
   * next deadline. Each one is told on its own event loop, outside this lock.
   */
  private void deadlinesDue() {
    List<Exchange> timedOut = new ArrayList<>();
    List<Exchange> waitedOut = new ArrayList<>();
    synchronized (this) {
      deadlineTimer = null;
      if (ended) {
        return;
      }
      long now = System.nanoTime();
      long next = Long.MAX_VALUE;
      for (Iterator<Exchange> it = subscribers.iterator(); it.hasNext(); ) {
        Exchange subscriber = it.next();
        if (subscriber.routeDeadlinePassed(now)) {
          it.remove();
          timedOut.add(subscriber);
        } else if (!headSent && subscriber.maxWaitPassed(now)) {
          it.remove();
          waitedOut.add(subscriber);
        } else {
          long due = subscriber.nextDeadline(!headSent);
          if (due != Long.MAX_VALUE && (next == Long.MAX_VALUE || due - next < 0)) {
            next = due;
          }
        }
      }
      if (next != Long.MAX_VALUE) {
        scheduleDeadlines(next, now);
      }
    }
    for (Exchange subscriber : timedOut) {
      deliver(subscriber, subscriber::routeTimeout);
    }
    for (Exchange subscriber : waitedOut) {
      deliver(subscriber, subscriber::maxWaitOver);
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
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false); // every subscriber has its whole response
      deadlineTimer = null;
    }
    if (headHold != null) {
      headHold.cancel(false);
      headHold = null;
    }
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    closeToJoiners();
    subscribers.clear();
  }

  @Override
  public synchronized void exchangeDone(Exchange exchange, boolean close) {
    if (!ended && head != null && (!headSent || !pending.isEmpty())) {
      fanOut(); // what is left, should the exchange end without a read-complete
    }
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

  /** Whether {@code other} would get the same response: equal values of the headers {@code varies} names. */
  private boolean sameVariant(List<String> varies, RequestHead other) {
    for (String vary : varies) {
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
}
