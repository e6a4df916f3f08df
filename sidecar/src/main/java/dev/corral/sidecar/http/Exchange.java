package dev.corral.sidecar.http;

import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.cluster.ClusterWorker;
import dev.corral.sidecar.cluster.Host;
import dev.corral.sidecar.cluster.PickContext;
import dev.corral.sidecar.cluster.outlier.OutlierDetector;
import dev.corral.sidecar.cluster.outlier.OutlierDetector.LocalOriginFailure;
import dev.corral.sidecar.pool.UpstreamStream;
import dev.corral.sidecar.retry.RetryDecision;
import dev.corral.sidecar.retry.RetryPolicy;
import dev.corral.sidecar.retry.UpstreamFailure;
import dev.corral.sidecar.route.HashResult;
import dev.corral.sidecar.route.Route;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import dev.corral.sidecar.cache.CacheKey;
import dev.corral.sidecar.collapse.ranges.ByteRangeSpec;
import dev.corral.sidecar.cache.CacheStatus;
import dev.corral.sidecar.cache.Revalidation;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response, relayed between a {@link Downstream} and the upstream: route, admit
 * (circuit breaker), then one {@link Attempt} after another until a response can be passed on.
 * A failed try is retried, per the route's retry policy and the cluster's retry budget, as long as
 * nothing went downstream yet and the request body still fits the replay buffer. Bodies stream both
 * ways with back-pressure. Everything runs on the downstream's event loop; nothing blocks.
 */
final class Exchange {
  static final AsciiString X_CORRAL_COLLAPSED = AsciiString.cached("x-corral-collapsed");
  private static final AsciiString FOLLOWER = AsciiString.cached("follower");
  private static final SharedBatch.Variant FOLLOWER_VARIANT = new SharedBatch.Variant(true, null);
  private static final SharedBatch.Variant LEADER_VARIANT = new SharedBatch.Variant(false, null);

  /** Request bodies up to this size are kept so that a retry can send them again. */
  static final int REPLAY_BUFFER_BYTES = 64 * 1024;

  /** The client; wrapped by a {@link CacheTap} when the response passes the cache filter. */
  private Downstream downstream;
  private final ConnectionManager manager;
  private final long startNanos = System.nanoTime();
  /** Body parts read while the first try was still connecting; made when the first one is. */
  private @Nullable ArrayDeque<HttpContent> pendingBody;

  private HttpRequest request;
  private NettyRequestHead head;
  private Cluster cluster;
  private ClusterWorker worker;
  private PickContext pickContext;
  private RetryPolicy retryPolicy;
  private ReplayBuffer replay;
  private Attempt attempt;
  private final List<Host> triedHosts = new ArrayList<>(2);
  private int retriesMade;
  private boolean retrySlotHeld;
  private boolean admitted;
  private String setCookie;
  private ScheduledFuture<?> routeTimer;
  /** When the route timeout ends this exchange (System.nanoTime); valid when hasRouteDeadline. */
  private long routeDeadline;
  private boolean hasRouteDeadline;
  private int status;
  private boolean upgradeRequested;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean finished;
  private boolean requestReleased;
  /** True while a try asks its pool for a stream from inside a downstream read. */
  private boolean acquiring;

  /** The shared fetch this exchange's response comes from, when collapsed; null otherwise. */
  private SharedFetch shared;
  private boolean follower;
  /** When a follower still without a head goes upstream itself; valid when hasMaxWaitDeadline. */
  private long maxWaitDeadline;
  private boolean hasMaxWaitDeadline;
  private @Nullable Collapser collapser;
  private final Kind kind;
  /** The rest of a body made here, written as the downstream drains; null otherwise. */
  private @Nullable ArrayDeque<HttpContent> memoryBody;

  /** Who this exchange serves; decides which filters it passes. */
  enum Kind {
    /** A client's request: stats → cache → collapse → router. */
    CLIENT,
    /** A collapser's shared fetch: router only, and not counted as a downstream request. */
    SHARED_FETCH,
    /** A stale-while-revalidate refresh of {@link #refreshKey}: collapse → router, stored by the cache. */
    REFRESH
  }

  private @Nullable CacheKey refreshKey;

  Exchange(Downstream downstream, ConnectionManager manager) {
    this(downstream, manager, Kind.CLIENT);
  }

  Exchange(Downstream downstream, ConnectionManager manager, Kind kind) {
    this.downstream = downstream;
    this.manager = manager;
    this.kind = kind;
  }

  /** A background refresh of {@code key} (stale-while-revalidate). */
  static Exchange refresh(Downstream sink, ConnectionManager manager, CacheKey key) {
    Exchange e = new Exchange(sink, manager, Kind.REFRESH);
    e.refreshKey = key;
    return e;
  }

  // ---- the request arrives ----

  void start(HttpRequest request) {
    start(request, true);
  }

  /**
   * {@code withinDownstreamRead}: false for exchanges the sidecar starts itself (shared fetches,
   * refreshes), which no downstream read-complete will flush.
   */
  void start(HttpRequest request, boolean withinDownstreamRead) {
    this.request = request;
    requestComplete = request instanceof LastHttpContent;
    head = NettyRequestHead.of(request, downstream.remoteAddress());
    Route route = manager.routes().match(head);
    if (route == null) {
      reply(HttpResponseStatus.NOT_FOUND, "no route for " + head.authority() + head.path());
      return;
    }
    String clusterName = route.pickCluster(ThreadLocalRandom.current());
    cluster = manager.cluster(clusterName);
    if (cluster == null) {
      reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "unknown cluster " + clusterName);
      return;
    }
    HashResult hash = route.hash(head);
    setCookie = hash.setCookie();
    pickContext = (hash.present() ? PickContext.ofHash(hash.hash()) : PickContext.none())
        .withOriginalDestination(downstream.originalDestination()); // for ORIGINAL_DST clusters
    worker = cluster.worker(downstream.eventLoop());
    retryPolicy = route.retryPolicy();
    replay = retryPolicy.retriesAnything() ? new ReplayBuffer(REPLAY_BUFFER_BYTES) : ReplayBuffer.DISABLED;
    upgradeRequested = downstream.canUpgrade() && !cluster.http2() && HeaderRules.isUpgrade(request.headers());
    if (head.absoluteForm()) {
      request.setUri(head.path());
      request.headers().set(HttpHeaderNames.HOST, head.authority());
    }
    if (kind != Kind.SHARED_FETCH && passCache(route)) {
      return; // answered from memory
    }
    Duration limit = route.timeout();
    if (!limit.isZero()) {
      hasRouteDeadline = true;
      routeDeadline = System.nanoTime() + limit.toNanos();
    }
    collapser = kind == Kind.SHARED_FETCH ? null : manager.collapserFor(route);
    RangeCoalescer ranges = collapser == null || kind != Kind.CLIENT || !requestComplete ? null
        : manager.rangesFor(route, collapser.settings());
    ByteRangeSpec.Single range = ranges == null ? null : RangeCoalescer.singleRange(request, head);
    if (range != null) {
      armRouteTimer();
      ranges.serve(this, head, request, range, cluster.stats(), false);
      return;
    }
    if (collapser != null && collapser.applies(request, requestComplete)) {
      collapser.join(this, request, head); // the shared fetch keeps our deadlines while we wait on it
      return;
    }
    armRouteTimer();
    goUpstream(withinDownstreamRead);
  }

  // ---- the cache filter ----

  /** Runs the cache filter's request side; true when the request was answered from memory. */
  private boolean passCache(Route route) {
    HttpCache cache = manager.cacheFor(route);
    if (cache == null) {
      return false;
    }
    CacheDecision decision = kind == Kind.REFRESH ? cache.refreshDecision(refreshKey) : cache.decide(head);
    if (decision instanceof CacheDecision.Serve serve) {
      cluster.stats().cacheLookup(true);
      if (serve.refresh() && cache.startRefresh(serve.key())) {
        startRefresh(cache, serve.key());
      }
      respondFromMemory(CachedResponses.render(serve.stored(), head, serve.status(), cache.now()));
      return true;
    }
    if (decision instanceof CacheDecision.OnlyIfCached refused) {
      FullHttpResponse response = LocalReply.of(request, HttpResponseStatus.GATEWAY_TIMEOUT,
          "only-if-cached: nothing usable stored", false);
      response.headers().set(CacheStatus.HEADER, refused.status().value());
      respondFromMemory(response);
      return true;
    }
    CacheDecision.Forward forward = (CacheDecision.Forward) decision;
    if (forward.key() != null && kind == Kind.CLIENT) {
      cluster.stats().cacheLookup(false);
    }
    downstream = new CacheTap(downstream, cache, forward, head, () -> !follower);
    if (forward.conditional() && forward.stale() != null) {
      Revalidation.conditionalHeaders(forward.stale()).forEach(request.headers()::set);
    }
    return false;
  }

  /**
   * The collapse filter found no fetch to join: answers from memory, and returns true, when the
   * response this request's cache lookup missed was stored since (a fetch that ended on another
   * event loop between the two steps).
   */
  boolean answeredByCacheSinceLookup() {
    if (!(downstream instanceof CacheTap tap)) {
      return false;
    }
    CacheDecision.Serve serve = tap.storedSinceLookup();
    if (serve == null) {
      return false;
    }
    downstream = tap.inner();
    respondFromMemory(CachedResponses.render(serve.stored(), head, serve.status(), tap.cache().now()));
    return true;
  }

  /** Starts the one background refresh of a stale entry, through the collapser. */
  private void startRefresh(HttpCache cache, CacheKey key) {
    DefaultFullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
        Unpooled.EMPTY_BUFFER, request.headers().copy(), new DefaultHttpHeaders());
    for (String conditional : List.of("if-none-match", "if-modified-since", "if-match", "if-unmodified-since",
        "if-range")) {
      copy.headers().remove(conditional);
    }
    RefreshSink sink = new RefreshSink(cache, key, downstream.eventLoop(), downstream.remoteAddress());
    downstream.eventLoop().execute(() -> Exchange.refresh(sink, manager, key).start(copy, false));
  }

  /** Answers with a response made here (a cache hit, only-if-cached): nothing goes upstream. */
  void respondFromMemory(FullHttpResponse response) {
    if (finished) {
      response.release(); // the client left while the response was being made
      return;
    }
    status = response.status().code();
    finish();
    downstream.writeHead(response);
    downstream.flush();
    downstream.exchangeDone(this, !requestComplete);
  }

  /**
   * Answers with a head and body parts made here (range coalescing): the parts go out one by one,
   * pausing while the downstream is not writable, so a large body is never queued whole.
   */
  void respondFromMemory(HttpResponse response, ArrayDeque<HttpContent> parts) {
    if (finished) {
      parts.forEach(HttpContent::release);
      return;
    }
    status = response.status().code();
    responseStarted = true;
    memoryBody = parts;
    downstream.writeHead(response);
    writeMemoryBody();
  }

  private void writeMemoryBody() {
    HttpContent part;
    while (!finished && memoryBody != null && (part = memoryBody.poll()) != null) {
      downstream.write(part);
      if (part instanceof LastHttpContent) {
        memoryBody = null;
        finish();
        downstream.flush();
        downstream.exchangeDone(this, !requestComplete);
        return;
      }
      if (!downstream.isWritable()) {
        downstream.flush(); // writability comes back as this drains: onDownstreamWritabilityChanged
        return;
      }
    }
  }

  /** Starts this exchange's own route timer for what is left of its route timeout. */
  private void armRouteTimer() {
    if (hasRouteDeadline && routeTimer == null && !finished) {
      routeTimer = downstream.eventLoop().schedule(new RouteTimeout(),
          Math.max(0, routeDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /** Range coalescing could not answer: forward the request as it is. */
  void passThrough() {
    if (!finished) {
      goUpstream(false);
    }
  }

  boolean isFollower() {
    return follower;
  }

  /** Admits the request (circuit breaker), prepares its headers and starts the first try. */
  private void goUpstream(boolean withinDownstreamRead) {
    if (!cluster.breakers().tryStartRequest()) {
      cluster.stats().requestOverflow();
      replyOverloaded("cluster " + cluster.name() + " max_requests reached");
      return;
    }
    admitted = true;
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    HeaderRules.toUpstream(request.headers(),
        downstream.clientIp(), upgradeRequested, manager.generateRequestId());
    if (!cluster.http2()) {
      HeaderRules.frameForHttp1(request.headers(), !requestComplete);
    }
    startAttempt(withinDownstreamRead);
  }

  /**
   * Picks a host and starts a try on it. {@code withinDownstreamRead}: called while the downstream
   * is being read, whose read-complete flushes the upstream; a retry (a timer task) is not, so its
   * try must flush by itself even when the pool hands over an idle connection at once.
   */
  private void startAttempt(boolean withinDownstreamRead) {
    Host host = retryPolicy.avoidPreviousHosts() && !triedHosts.isEmpty()
        ? worker.pickAvoiding(pickContext, triedHosts, retryPolicy.hostSelectionAttempts())
        : worker.pick(pickContext);
    if (host == null) {
      cluster.stats().noHost();
      reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream for cluster " + cluster.name());
      return;
    }
    cluster.sawTraffic();
    triedHosts.add(host);
    attempt = new Attempt(this, host, triedHosts.size());
    host.requestStarted();
    cluster.stats().requestStarted();
    acquiring = withinDownstreamRead;
    attempt.start(worker.pool(host), retryPolicy.perTryTimeout());
    acquiring = false;
  }

  void onRequestContent(HttpContent content) {
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    if (finished) {
      content.release();
      return;
    }
    replay.add(content);
    UpstreamStream stream = attempt == null ? null : attempt.stream();
    if (stream != null) {
      stream.write(content);
      if (!stream.isWritable()) {
        downstream.setReadable(false);
      }
    } else if (attempt != null && attempt.number > 1) {
      content.release(); // a retry is connecting: it sends the replay buffer, which holds this part
      downstream.setReadable(false);
    } else {
      // Still connecting: hold what was already read, and read no more until connected.
      if (pendingBody == null) {
        pendingBody = new ArrayDeque<>(2);
      }
      pendingBody.add(content);
      downstream.setReadable(false);
    }
  }

  void onDownstreamReadComplete() {
    UpstreamStream stream = attempt == null ? null : attempt.stream();
    if (stream != null) {
      stream.flush();
    }
  }

  void onDownstreamWritabilityChanged(boolean writable) {
    if (memoryBody != null) {
      if (writable) {
        writeMemoryBody();
      }
      return;
    }
    UpstreamStream stream = attempt == null ? null : attempt.stream();
    if (stream != null && responseStarted) {
      stream.setAutoRead(writable);
    }
  }

  /** The client went away: give up the upstream side without a response. */
  void onDownstreamClosed() {
    if (!finished) {
      finish();
      endAttempt(-1, false);
    }
  }

  // ---- what the current try reports ----

  void attemptReady(Attempt a) {
    UpstreamStream stream = a.stream();
    reportConnected(a.host);
    if (!retryPolicy.retriesAnything()) {
      stream.write(request); // the only try: hand the request over instead of copying its headers
      requestReleased = true;
    } else {
      // Each try gets its own view of the body (a channel consumes a buffer as it writes it)
      // but shares the headers, which nothing changes once the first try started: a header
      // copy per try was ~600 B of garbage per request on every route with retries.
      stream.write(request instanceof FullHttpRequest full
          ? new DefaultFullHttpRequest(full.protocolVersion(), full.method(), full.uri(),
              full.content().retainedDuplicate(), full.headers(), full.trailingHeaders())
          : request);
    }
    if (a.number == 1) {
      HttpContent content;
      while (pendingBody != null && (content = pendingBody.poll()) != null) {
        stream.write(content);
      }
    } else {
      replay.writeTo(stream);
    }
    if (acquiring) {
      return; // a pooled connection, handed over within the downstream read: its read-complete flushes
    }
    stream.flush();
    downstream.setReadable(stream.isWritable());
  }

  void attemptFailed(Attempt a, UpstreamFailure failure, String detail) {
    if (finished || a != attempt) {
      return;
    }
    if (responseStarted) {
      // Part of the response already went downstream: the only honest end is an abort.
      finish();
      endAttempt(-1, false);
      downstream.abort();
      return;
    }
    reportLocalOriginFailure(a.host, failure);
    releaseRetrySlot();
    if (failure == UpstreamFailure.PER_TRY_TIMEOUT) {
      cluster.stats().perTryTimeout();
    }
    endAttempt(-1, false);
    if (failure == UpstreamFailure.OVERFLOW) {
      replyOverloaded("cluster " + cluster.name() + " max_pending_requests reached");
      return;
    }
    if (tryRetry(retryPolicy.onFailure(failure, retriesMade, replay.replayable(),
        retryPolicy.idempotentOrOptedIn(head), ThreadLocalRandom.current()))) {
      return;
    }
    switch (failure) {
      case CONNECT_FAILURE -> reply(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "upstream connect error: " + a.host.label() + ": " + detail);
      case REFUSED_STREAM -> reply(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "upstream refused the stream: " + a.host.label() + ": " + detail);
      case PER_TRY_TIMEOUT -> reply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream per-try timeout: " + a.host.label());
      default -> reply(HttpResponseStatus.BAD_GATEWAY, "upstream reset: " + a.host.label() + ": " + detail);
    }
  }

  void attemptResponse(Attempt a, HttpObject part) {
    if (finished || a != attempt) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (part instanceof HttpResponse response) {
      int code = response.status().code();
      reportStatus(a.host, code);
      releaseRetrySlot();
      if (code >= 500 && tryRetry(retryPolicy.onStatus(code, retriesMade, replay.replayable(),
          retryPolicy.idempotentOrOptedIn(head), ThreadLocalRandom.current()))) {
        endAttempt(code, false); // the response is dropped unread: its connection can't be reused
        ReferenceCountUtil.release(part);
        return;
      }
      status = code;
      responseStarted = true;
      if (retriesMade > 0) {
        cluster.stats().retrySucceeded();
      }
      if (code == 101 && upgradeRequested) {
        switchProtocols(response);
        return;
      }
      HeaderRules.toDownstream(response.headers(), false);
      if (setCookie != null) {
        response.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
      }
      downstream.writeHead(response);
      if (response instanceof LastHttpContent) {
        completed();
      }
      return;
    }
    downstream.write(part);
    if (part instanceof LastHttpContent) {
      completed();
    } else if (!downstream.isWritable()) {
      a.stream().setAutoRead(false);
    }
  }

  void attemptReadComplete() {
    if (!finished) {
      downstream.flush();
    }
  }

  void attemptWritabilityChanged(boolean writable) {
    if (!finished && !requestComplete) {
      downstream.setReadable(writable);
    }
  }

  // ---- collapsed forwarding: the response comes from a shared fetch ----

  EventLoop eventLoop() {
    return downstream.eventLoop();
  }

  InetSocketAddress remoteAddress() {
    return downstream.remoteAddress();
  }

  NettyRequestHead requestHead() {
    return head;
  }

  /** Called by the collapser when this exchange subscribes to {@code fetch} (null: it did not). */
  void joined(@Nullable SharedFetch fetch, boolean asFollower) {
    shared = fetch;
    follower = fetch != null && asFollower;
    Duration maxWait = collapser.settings().maxWait();
    hasMaxWaitDeadline = follower && !maxWait.isZero() && !responseStarted;
    if (hasMaxWaitDeadline) {
      maxWaitDeadline = System.nanoTime() + maxWait.toNanos();
    }
  }

  /**
   * This subscriber's next deadline for its shared fetch's timer (System.nanoTime), counting
   * maxWait only while {@code waitingForHead}; Long.MAX_VALUE for none.
   */
  long nextDeadline(boolean waitingForHead) {
    long next = Long.MAX_VALUE;
    if (hasRouteDeadline) {
      next = routeDeadline;
    }
    if (waitingForHead && hasMaxWaitDeadline && (next == Long.MAX_VALUE || maxWaitDeadline - next < 0)) {
      next = maxWaitDeadline;
    }
    return next;
  }

  boolean routeDeadlinePassed(long now) {
    return hasRouteDeadline && now - routeDeadline >= 0;
  }

  boolean maxWaitPassed(long now) {
    return hasMaxWaitDeadline && now - maxWaitDeadline >= 0;
  }

  /** The join took: count it (a leader counts once its fetch gets a first follower). */
  void joinCounted(boolean asFollower, boolean firstFollower) {
    cluster.stats().collapsed(asFollower);
    if (firstFollower) {
      cluster.stats().collapsedLeaderShared();
    }
  }

  /** The shared fetch's timer: this follower waited maxWait for a head (and was let go). */
  void maxWaitOver() {
    hasMaxWaitDeadline = false;
    if (!finished && !responseStarted && shared != null) {
      shared.unsubscribe(this);
      shared = null;
      follower = false;
      armRouteTimer();
      goUpstream(false);
    }
  }

  static void markFollower(HttpResponse head) {
    head.headers().set(X_CORRAL_COLLAPSED, FOLLOWER);
  }

  /**
   * A batch of the shared response: written as the one encoding of the whole response shared by
   * every subscriber like this one when the downstream can take it, else as this exchange's copies.
   * True when the whole response went out so: the bytes are flushed, and {@link #sharedBatchDone}
   * does the rest once every subscriber of the batch has its bytes, so that no follower's answer
   * waits for the bookkeeping of those before it.
   */
  boolean sharedBatch(SharedBatch batch) {
    HttpResponse sharedHead = batch.head();
    if (!finished && sharedHead != null && batch.encodable()
        && downstream.writeEncoded(batch, follower ? FOLLOWER_VARIANT : LEADER_VARIANT)) {
      status = sharedHead.status().code();
      responseStarted = true;
      hasMaxWaitDeadline = false;
      shared = null;
      downstream.flush();
      return true;
    }
    sharedParts(batch.headCopy(), batch.partsCopy());
    return false;
  }

  /** The bookkeeping of a response that {@link #sharedBatch} wrote whole: stats, timers, the connection's next request. */
  void sharedBatchDone() {
    if (!finished) { // else the connection failed under the write and ended the exchange already
      finish();
      downstream.exchangeDone(this, !requestComplete);
    }
  }

  /**
   * Parts of the shared response: its head (this exchange's own copy) when not sent yet, then
   * body parts; written together and flushed once.
   */
  void sharedParts(@Nullable HttpResponse headCopy, List<HttpContent> parts) {
    if (finished) {
      ReferenceCountUtil.release(headCopy);
      parts.forEach(HttpContent::release);
      return;
    }
    if (headCopy != null) {
      hasMaxWaitDeadline = false;
      status = headCopy.status().code();
      responseStarted = true;
      if (follower) {
        markFollower(headCopy);
      }
      downstream.writeHead(headCopy);
      if (headCopy instanceof LastHttpContent) {
        parts.forEach(HttpContent::release);
        sharedEnded();
        return;
      }
    }
    for (int i = 0; i < parts.size(); i++) {
      HttpContent part = parts.get(i);
      downstream.write(part);
      if (part instanceof LastHttpContent) {
        parts.subList(i + 1, parts.size()).forEach(HttpContent::release);
        sharedEnded();
        return;
      }
    }
    downstream.flush();
  }

  private void sharedEnded() {
    shared = null;
    finish();
    downstream.flush();
    downstream.exchangeDone(this, !requestComplete);
  }

  /** The shared fetch broke mid-response (or before a response): its outcome is ours. */
  void sharedAbort() {
    shared = null;
    if (finished) {
      return;
    }
    if (responseStarted) {
      finish();
      downstream.abort();
    } else {
      reply(HttpResponseStatus.BAD_GATEWAY, "collapsed upstream fetch failed");
    }
  }

  /** The shared response is not for this request (Vary, private): fetch it ourselves. */
  void goUpstreamInstead() {
    shared = null;
    follower = false;
    hasMaxWaitDeadline = false;
    if (!finished) {
      armRouteTimer();
      goUpstream(false);
    }
  }

  // ---- retries ----

  /** Schedules a retry when {@code decision} says so and the cluster's retry budget admits it. */
  private boolean tryRetry(RetryDecision decision) {
    if (!decision.retry()) {
      return false;
    }
    // Like Envoy, every retry asks the budget anew: a slot is held while that retry is outstanding.
    if (!cluster.breakers().tryStartRetry()) {
      cluster.stats().retryOverflow();
      return false;
    }
    retrySlotHeld = true;
    retriesMade++;
    cluster.stats().retry(decision.reason());
    if (attempt != null) {
      attempt.abandon();
    }
    attempt = null;
    releasePendingBody();
    downstream.eventLoop().schedule(new Retry(), decision.delayNanos(), TimeUnit.NANOSECONDS);
    return true;
  }

  /** A class rather than a lambda: {@link #preloadFailurePaths} can load it ahead of time. */
  private final class Retry implements Runnable {
    @Override
    public void run() {
      if (!finished) {
        startAttempt(false);
      }
    }
  }

  /**
   * Loads the classes of the failure paths (retry, outlier detection) at start-up. Loaded lazily
   * they cost the event loop ~5 ms at the first upstream failure of the sidecar's life, when a
   * host has just died and the requests in flight wait for it (bench/failover.sh).
   */
  static void preloadFailurePaths() {
    RetryPolicy.none().onFailure(UpstreamFailure.CONNECT_FAILURE, 0, true, true, ThreadLocalRandom.current());
    localOrigin(UpstreamFailure.RESET); // the enum switch tables of this class
    OutlierDetector.EjectionType.values();
    OutlierDetector.Outcome.values();
    dev.corral.sidecar.cluster.HealthFlag.values();
    try {
      Class.forName(Retry.class.getName(), true, Exchange.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- endings ----

  /**
   * A class rather than {@code this::routeTimeout}: perf on bench/failover.sh's request path
   * found that method reference built through the JDK's method-handle path, down to the native
   * {@code Unsafe.allocateInstance}, on every request (~8 % of the time from reading a request
   * to writing it upstream); {@code new} is a plain allocation in any compiled tier.
   */
  private final class RouteTimeout implements Runnable {
    @Override
    public void run() {
      routeTimeout();
    }
  }

  /** The route timeout ran out (our own timer, or the shared fetch's for its subscribers). */
  void routeTimeout() {
    if (finished) {
      return;
    }
    cluster.stats().timedOut();
    endAttempt(-1, false);
    reply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout");
  }

  /** The upstream response ended: hand the connection back and let the downstream move on. */
  private void completed() {
    // The bytes first, then the bookkeeping: in a burst of responses on one event loop, every
    // response that waits behind another's stats and timers is that much later (p99).
    downstream.flush();
    if (finished) {
      return; // something the flush set off already ended the exchange: book nothing twice
    }
    finish();
    // Answered before the request body ended (an early error): the connection is mid-request.
    endAttempt(status, requestComplete);
    downstream.exchangeDone(this, !requestComplete);
  }

  private void switchProtocols(HttpResponse response) {
    finish();
    Channel upstreamChannel = attempt.detachStream().upgrade();
    endAttempt(status, false);
    HeaderRules.toDownstream(response.headers(), true);
    downstream.writeHead(response);
    downstream.flush();
    Tunnel.join(downstream.upgrade(), upstreamChannel);
  }

  private void replyOverloaded(String message) {
    reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded: " + message, true);
  }

  void reply(HttpResponseStatus status, String message) {
    reply(status, message, false);
  }

  /** Answers locally (errors); mid-response the only honest answer is to abort. */
  private void reply(HttpResponseStatus status, String message, boolean overloaded) {
    if (responseStarted) {
      finish();
      endAttempt(-1, false);
      downstream.abort();
      return;
    }
    this.status = status.code();
    finish();
    endAttempt(-1, false);
    HttpResponse response = LocalReply.of(request, status, message, overloaded);
    downstream.writeHead(response);
    downstream.flush();
    downstream.exchangeDone(this, !requestComplete);
  }

  private void finish() {
    finished = true;
    if (request != null && !requestReleased) {
      // An HTTP/2 request without body arrives as a FullHttpRequest holding a pooled (empty)
      // buffer; every try wrote a retained duplicate, so the original is ours to release.
      requestReleased = true;
      ReferenceCountUtil.release(request);
    }
    hasMaxWaitDeadline = false;
    if (shared != null) {
      shared.unsubscribe(this);
      shared = null;
    }
    if (routeTimer != null) {
      routeTimer.cancel(false);
    }
    releasePendingBody();
    if (memoryBody != null) {
      memoryBody.forEach(HttpContent::release);
      memoryBody = null;
    }
    if (replay != null) {
      replay.release();
    }
    if (admitted) {
      admitted = false;
      cluster.breakers().requestDone();
    }
    releaseRetrySlot();
    if (status != 0 && kind == Kind.CLIENT) {
      long elapsed = System.nanoTime() - startNanos;
      manager.stats().requestDone(status, elapsed);
      if (cluster != null) {
        cluster.stats().exchangeDone(status, elapsed);
      }
    }
  }

  /** The outstanding retry ended (answered, failed, or the exchange is over): its budget slot frees. */
  private void releaseRetrySlot() {
    if (retrySlotHeld) {
      retrySlotHeld = false;
      cluster.breakers().retryDone();
    }
  }

  private void releasePendingBody() {
    HttpContent content;
    while (pendingBody != null && (content = pendingBody.poll()) != null) {
      content.release();
    }
  }

  /**
   * Books the end of the current try: {@code upstreamStatus}, or -1 when it ended without a
   * response; {@code reusable}: its connection may serve another request.
   */
  private void endAttempt(int upstreamStatus, boolean reusable) {
    Attempt a = attempt;
    if (a == null) {
      return;
    }
    attempt = null;
    a.finish(reusable);
    long now = System.nanoTime();
    long elapsed = now - a.startNanos;
    a.host.requestFinished();
    if (upstreamStatus < 0) {
      cluster.stats().requestReset();
    } else {
      cluster.stats().requestDone(upstreamStatus, elapsed);
      a.host.latency().observe(elapsed, now);
    }
  }

  private void reportStatus(Host host, int code) {
    OutlierDetector detector = cluster.outlierDetector();
    if (detector != null) {
      detector.reportStatus(host, code);
    }
  }

  private void reportConnected(Host host) {
    OutlierDetector detector = cluster.outlierDetector();
    if (detector != null) {
      detector.reportLocalOriginSuccess(host);
    }
  }

  private void reportLocalOriginFailure(Host host, UpstreamFailure failure) {
    OutlierDetector detector = cluster.outlierDetector();
    if (detector == null) {
      return;
    }
    LocalOriginFailure kind = localOrigin(failure);
    if (kind != null) {
      detector.reportLocalOriginFailure(host, kind);
    }
  }

  private static @Nullable LocalOriginFailure localOrigin(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE -> LocalOriginFailure.CONNECT_FAILED;
      case PER_TRY_TIMEOUT -> LocalOriginFailure.TIMEOUT;
      case RESET, REFUSED_STREAM -> LocalOriginFailure.RESET;
      case OVERFLOW -> null; // our own limit, not the host's fault
    };
  }
}
