import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * A benchmark control, not part of Corral: the least an HTTP/1.1 proxy built on Netty's HTTP codecs
 * does (bench/lib/netty-http-proxy.sh runs it in place of the sidecar in bench/failover.sh). Bodiless
 * requests only; round robin over the backends; per client connection one upstream connection per
 * backend; a backend whose connect fails is skipped for 10 s; a request whose upstream fails is sent
 * to the next backend, up to 3 tries, then 502. No health checks, stats, timers or filters: what is
 * left is Netty's transport, HTTP codecs and pipeline on the same JVM and flags as the sidecar.
 * Usage: java -cp corral-sidecar.jar NettyHttpProxy.java LISTEN_PORT BACKEND_PORT...
 */
public final class NettyHttpProxy {
  private static final long SKIP_NANOS = 10_000_000_000L;
  private static final int MAX_TRIES = 3;

  private static int[] backends;
  private static long[] skipUntil;
  private static int next;

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    backends = Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray();
    skipUntil = new long[backends.length];
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    new ServerBootstrap().group(loop).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new Client());
          }
        })
        .bind("127.0.0.1", port).sync().channel().closeFuture().sync();
  }

  /** The next backend in turn that is not being skipped (all skipped: the next one anyway). */
  private static int pick() {
    long now = System.nanoTime();
    for (int i = 0; i < backends.length; i++) {
      int b = Math.floorMod(next++, backends.length);
      if (skipUntil[b] <= now) {
        return b;
      }
    }
    return Math.floorMod(next++, backends.length);
  }

  /** One client connection; at most one request in flight (wrk does not pipeline). */
  private static final class Client extends ChannelInboundHandlerAdapter {
    private final Channel[] upstreams = new Channel[backends.length];
    private Channel client;
    private FullHttpRequest inFlight;
    private Channel sentOn;
    private boolean responseStarted;
    private int tries;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      client = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest head) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri());
        request.headers().set(head.headers()).add("x-forwarded-for", "127.0.0.1");
        inFlight = request;
        tries = 0;
        responseStarted = false;
        send();
      }
      ReferenceCountUtil.release(msg);
    }

    private void send() {
      if (tries++ == MAX_TRIES) {
        inFlight.release();
        inFlight = null;
        client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY));
        return;
      }
      int b = pick();
      Channel up = upstreams[b];
      if (up != null && up.isActive()) {
        sentOn = up;
        up.writeAndFlush(inFlight.retainedDuplicate());
        return;
      }
      new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new Upstream(Client.this));
            }
          })
          .connect("127.0.0.1", backends[b])
          .addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
              upstreams[b] = f.channel();
              sentOn = f.channel();
              f.channel().writeAndFlush(inFlight.retainedDuplicate());
            } else {
              skipUntil[b] = System.nanoTime() + SKIP_NANOS;
              send();
            }
          });
    }

    /** An upstream connection closed: the request it had, if unanswered, goes to the next backend. */
    void upstreamClosed(Channel upstream) {
      if (upstream == sentOn && inFlight != null && !responseStarted) {
        send();
      }
    }

    void answered() {
      inFlight.release();
      inFlight = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      for (Channel up : upstreams) {
        if (up != null) {
          up.close();
        }
      }
      if (inFlight != null) {
        inFlight.release();
        inFlight = null;
      }
    }
  }

  /** An upstream connection: its response goes to the client as it is decoded. */
  private static final class Upstream extends ChannelInboundHandlerAdapter {
    private final Client client;

    Upstream(Client client) {
      this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse response) {
        client.responseStarted = true;
        response.headers().remove(HttpHeaderNames.CONNECTION);
      }
      if (msg instanceof LastHttpContent) {
        client.client.writeAndFlush(msg);
        client.answered();
      } else {
        client.client.write(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      client.upstreamClosed(ctx.channel());
    }
  }
}
