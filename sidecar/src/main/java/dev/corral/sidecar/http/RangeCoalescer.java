package dev.corral.sidecar.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.corral.sidecar.cache.MemoryBudget;
import dev.corral.sidecar.collapse.CollapseSettings;
import dev.corral.sidecar.collapse.RangeSettings;
import dev.corral.sidecar.collapse.ranges.Block;
import dev.corral.sidecar.collapse.ranges.BlockPlan;
import dev.corral.sidecar.collapse.ranges.ByteRangeSpec;
import dev.corral.sidecar.collapse.ranges.ContentRange;
import dev.corral.sidecar.collapse.ranges.PartialResponse;
import dev.corral.sidecar.collapse.ranges.RangeParser;
import dev.corral.sidecar.collapse.ranges.RangeResolution;
import dev.corral.sidecar.route.RequestHead;
import dev.corral.sidecar.stats.ClusterStats;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Range coalescing for one collapse config: a GET with one byte range is answered from aligned
 * blocks, each fetched once (one upstream Range request per run of adjacent missing blocks) and
 * shared by every request that needs it while in flight; with the cache on, completed blocks stay
 * in memory (bounded by bytes) like nginx's slice module. Multi-range and conditional requests,
 * origins that ignore Range, and blocks of different representations fall back to forwarding.
 */
final class RangeCoalescer {
  /** One block of one object: the object is authority, path and, unless shared, credentials. */
  record BlockId(String object, long index) {}

  /** What the first fetch of an object told: its length and the fields every 206 repeats. */
  record ObjectInfo(long totalLength, String contentType) {}

  private final RangeSettings settings;
  private final boolean credentialsInKey;
  private final ConnectionManager manager;
  private final ConcurrentHashMap<BlockId, CompletableFuture<Block>> inFlight = new ConcurrentHashMap<>();
  private final Cache<BlockId, Block> stored;
  private final Cache<String, ObjectInfo> objects = Caffeine.newBuilder().maximumSize(10_000).build();

  RangeCoalescer(CollapseSettings collapse, ConnectionManager manager, long storeBytes) {
    this.settings = collapse.ranges();
    this.credentialsInKey = !collapse.shareAcrossCredentials();
    this.manager = manager;
    this.stored = Caffeine.newBuilder().maximumWeight(MemoryBudget.cap(storeBytes, "range block store"))
        .weigher((BlockId id, Block b) -> b.length() + 64).build();
  }

  /** A GET with exactly one byte range and no conditions; the rest is forwarded as is. */
  static ByteRangeSpec.Single singleRange(HttpRequest request, RequestHead head) {
    if (!"GET".equals(head.method()) || head.header("if-range") != null || head.header("if-none-match") != null
        || head.header("if-match") != null || head.header("if-modified-since") != null) {
      return null;
    }
    ByteRangeSpec spec = RangeParser.parse(head.header("range"));
    return spec instanceof ByteRangeSpec.Single single ? single : null;
  }

  /** Answers {@code exchange}'s range from blocks, or lets it pass through. */
  void serve(Exchange exchange, RequestHead head, HttpRequest request, ByteRangeSpec.Single spec, ClusterStats stats,
      boolean probed) {
    String object = objectKey(head);
    ObjectInfo info = objects.getIfPresent(object);
    if (info == null) {
      if (probed) {
        exchange.passThrough();
        return;
      }
      BlockPlan.Fetch probe = BlockPlan.probe(spec, settings.blockSize(), settings.maxBlocksPerFetch());
      Map<Long, CompletableFuture<Block>> futures = new HashMap<>();
      launch(exchange, request, object, probe, futures, stats);
      CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
          exchange.eventLoop().execute(() -> serve(exchange, head, request, spec, stats, true)));
      return;
    }
    RangeResolution range = spec.resolve(info.totalLength());
    if (!range.satisfiable()) {
      exchange.passThrough(); // the origin answers 416 in its own words
      return;
    }
    BlockPlan plan = BlockPlan.covering(range, settings.blockSize());
    Map<Long, CompletableFuture<Block>> futures = new HashMap<>();
    for (long i = plan.firstBlock(); i <= plan.lastBlock(); i++) {
      BlockId id = new BlockId(object, i);
      Block b = stored.getIfPresent(id);
      CompletableFuture<Block> f = b != null ? CompletableFuture.completedFuture(b) : inFlight.get(id);
      if (f != null) {
        futures.put(i, f);
      }
    }
    for (BlockPlan.Fetch fetch : plan.fetches(futures::containsKey, settings.maxBlocksPerFetch())) {
      launch(exchange, request, object, fetch, futures, stats);
    }
    CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
        exchange.eventLoop().execute(() -> answer(exchange, futures, range, info, e == null)));
  }

  private void answer(Exchange exchange, Map<Long, CompletableFuture<Block>> futures, RangeResolution range,
      ObjectInfo info, boolean fetched) {
    if (!fetched) {
      exchange.passThrough();
      return;
    }
    Map<Long, Block> blocks = new HashMap<>();
    futures.forEach((i, f) -> blocks.put(i, f.join()));
    PartialResponse.Assembly assembly = PartialResponse.assemble(blocks, range, settings.blockSize());
    if (!(assembly instanceof PartialResponse.Assembly.Complete complete)) {
      exchange.passThrough(); // another representation between blocks: the origin decides
      return;
    }
    PartialResponse partial = complete.response();
    // Head and one part per block slice, written with back-pressure: as one FullHttpResponse, a
    // range of megabytes was copied to direct memory at once per client (and the heap is 48 MiB).
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
    ArrayDeque<HttpContent> parts = new ArrayDeque<>(partial.body().size() + 1);
    for (ByteBuffer slice : partial.body()) {
      parts.add(new DefaultHttpContent(Unpooled.wrappedBuffer(slice)));
    }
    parts.add(LastHttpContent.EMPTY_LAST_CONTENT);
    partial.headers().forEach(response.headers()::set);
    response.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    if (!info.contentType().isEmpty()) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, info.contentType());
    }
    exchange.respondFromMemory(response, parts);
  }

  /**
   * Claims the fetch's blocks that are neither stored nor claimed yet and fetches each run of
   * adjacent claimed blocks with one upstream Range request. Only claimed blocks are asked for: a
   * probe (planned without looking) or a plan that raced another one must not fetch again what is
   * stored or in flight.
   */
  private void launch(Exchange exchange, HttpRequest request, String object, BlockPlan.Fetch fetch,
      Map<Long, CompletableFuture<Block>> futures, ClusterStats stats) {
    long blockSize = settings.blockSize();
    Map<Long, CompletableFuture<Block>> run = null;
    long runStart = -1;
    for (long i = fetch.firstBlock(); i <= fetch.lastBlock() + 1; i++) {
      boolean claimed = false;
      if (i <= fetch.lastBlock()) {
        BlockId id = new BlockId(object, i);
        CompletableFuture<Block> f = new CompletableFuture<>();
        CompletableFuture<Block> existing = inFlight.putIfAbsent(id, f);
        if (existing != null) {
          futures.put(i, existing);
        } else {
          // completed() stores a block before it drops the claim: a claim won here sees it.
          Block b = stored.getIfPresent(id);
          if (b != null) {
            inFlight.remove(id, f);
            f.complete(b);
            futures.put(i, f);
          } else {
            claimed = true;
            futures.put(i, f);
            if (run == null) {
              run = new HashMap<>();
              runStart = i;
            }
            run.put(i, f);
          }
        }
      }
      if (!claimed && run != null) {
        long last = i - 1;
        long lastByte = last == fetch.lastBlock() ? fetch.lastByte() : (last + 1) * blockSize - 1;
        fetch(exchange, request, object, new BlockPlan.Fetch(runStart, last, runStart * blockSize, lastByte), run,
            stats);
        run = null;
      }
    }
  }

  private void fetch(Exchange exchange, HttpRequest request, String object, BlockPlan.Fetch fetch,
      Map<Long, CompletableFuture<Block>> mine, ClusterStats stats) {
    DefaultFullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
        Unpooled.EMPTY_BUFFER, request.headers().copy(), new DefaultHttpHeaders());
    copy.headers().set(HttpHeaderNames.RANGE, fetch.rangeHeader());
    long maxBytes = fetch.lastByte() - fetch.firstByte() + 1;
    BlockFetch sink = new BlockFetch(exchange.eventLoop(), exchange.remoteAddress(), maxBytes,
        result -> completed(object, fetch, mine, result, stats));
    new Exchange(sink, manager, Exchange.Kind.SHARED_FETCH).start(copy, false);
  }

  private void completed(String object, BlockPlan.Fetch fetch, Map<Long, CompletableFuture<Block>> mine,
      BlockFetch.Result result, ClusterStats stats) {
    List<Block> blocks = List.of();
    if (result.status() == 206) {
      stats.rangeFetch(result.body().length);
      ContentRange cr = ContentRange.parse(result.headers().get(HttpHeaderNames.CONTENT_RANGE)).orElse(null);
      if (cr != null && cr.lengthKnown() && !cr.isUnsatisfied()) {
        blocks = Block.split(cr, result.body(), settings.blockSize(), result.headers().get(HttpHeaderNames.ETAG),
            result.headers().get(HttpHeaderNames.LAST_MODIFIED));
        String type = result.headers().get(HttpHeaderNames.CONTENT_TYPE);
        objects.put(object, new ObjectInfo(cr.completeLength(), type == null ? "" : type));
      }
    }
    for (Block b : blocks) {
      CompletableFuture<Block> f = mine.remove(b.index());
      if (f != null) {
        stored.put(new BlockId(object, b.index()), b);
        inFlight.remove(new BlockId(object, b.index()), f);
        f.complete(b);
      }
    }
    // Blocks asked for but not received: past the end (the probe of a short object) or a failure.
    mine.forEach((i, f) -> {
      inFlight.remove(new BlockId(object, i), f);
      f.completeExceptionally(new IllegalStateException("block " + i + " not fetched (status "
          + result.status() + ")"));
    });
  }

  private String objectKey(RequestHead head) {
    String key = head.authority().toLowerCase(java.util.Locale.ROOT) + head.path();
    if (credentialsInKey) {
      key += '\n' + String.join(",", head.headers("authorization")) + '\n' + String.join(",", head.headers("cookie"));
    }
    return key;
  }
}
