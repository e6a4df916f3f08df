package dev.corral.sidecar.listener;

import dev.corral.sidecar.Transport;
import dev.corral.sidecar.cluster.Cluster;
import dev.corral.sidecar.http.ConnectionManager;
import dev.corral.sidecar.http.DownstreamHandlers;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening address serving HTTP/1.1 and cleartext HTTP/2 on one port. With epoll there is one
 * listening socket per event loop (SO_REUSEPORT): the kernel spreads connections, and each
 * connection lives on the loop that accepted it, with that loop's upstream pools.
 *
 * <p>With listener filters or several filter chains ({@link FilterChains}), each connection first
 * has its original destination read and, when a chain depends on it, its protocol sniffed; then
 * it goes to the chosen chain: the HTTP connection manager, or a TCP proxy (pass-through).
 */
public final class HttpListener {
  private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
  private final String name;
  private final InetSocketAddress address;
  private volatile FilterChains chains;
  private volatile ConnectionManager manager;
  private final List<Channel> serverChannels = new ArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** A plain HTTP listener: one chain, the connection manager. */
  public HttpListener(String name, InetSocketAddress address, ConnectionManager manager) {
    this(name, address, manager, plain());
  }

  public HttpListener(String name, InetSocketAddress address, ConnectionManager manager, FilterChains chains) {
    this.name = name;
    this.address = address;
    this.manager = manager;
    this.chains = chains;
  }

  private static FilterChains plain() {
    return new FilterChains(false, false, FilterChains.DEFAULT_INSPECT_TIMEOUT, false,
        List.of(new FilterChains.Chain("http", java.util.OptionalInt.empty(), java.util.Set.of(),
            new FilterChains.Http())), null);
  }

  public String name() {
    return name;
  }

  public ConnectionManager manager() {
    return manager;
  }

  public FilterChains chains() {
    return chains;
  }

  /** Binds; returns the bound address (the port is resolved when 0 was asked). */
  public InetSocketAddress start(EventLoopGroup workers, Transport transport) throws InterruptedException {
    InetSocketAddress bindTo = address;
    if (transport.reusePort()) {
      for (EventExecutor executor : workers) {
        Channel channel = bootstrap((EventLoop) executor, transport)
            .option(EpollChannelOption.SO_REUSEPORT, true)
            .bind(bindTo).sync().channel();
        serverChannels.add(channel);
        bindTo = (InetSocketAddress) channel.localAddress(); // later sockets join the same port
      }
    } else {
      serverChannels.add(new ServerBootstrap().group(workers).channel(transport.serverChannel())
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(initializer())
          .bind(bindTo).sync().channel());
    }
    return (InetSocketAddress) serverChannels.get(0).localAddress();
  }

  private ServerBootstrap bootstrap(EventLoop loop, Transport transport) {
    return new ServerBootstrap().group(loop, loop).channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(initializer());
  }

  private ChannelInitializer<Channel> initializer() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ConnectionManager current = manager;
        FilterChains chains = HttpListener.this.chains;
        current.stats().connectionOpened();
        connections.add(ch);
        ch.closeFuture().addListener(f -> current.stats().connectionClosed());
        if (chains.plainHttp()) {
          DownstreamHandlers.addTo(ch.pipeline(), current);
          return;
        }
        InetSocketAddress destination = chains.originalDst() ? OriginalDestination.capture(ch) : null;
        int port = (destination != null ? destination : (InetSocketAddress) ch.localAddress()).getPort();
        if (chains.needsProtocol()) {
          ch.pipeline().addLast(new ProtocolSniffer(chains, port,
              (ctx, chain) -> install(ctx.pipeline(), chain, current)));
          return;
        }
        FilterChains.Chain chain = chains.select(port, null);
        if (chain == null) {
          ch.close();
        } else {
          install(ch.pipeline(), chain, current);
        }
      }
    };
  }

  private void install(ChannelPipeline pipeline, FilterChains.Chain chain, ConnectionManager current) {
    if (chain.action() instanceof FilterChains.Tcp tcp) {
      Cluster cluster = current.cluster(tcp.cluster());
      if (cluster == null) {
        log.debug("listener {}: chain {} names unknown cluster {}", name, chain.name(), tcp.cluster());
        pipeline.channel().close();
        return;
      }
      pipeline.addLast(new TcpProxy(cluster));
    } else {
      DownstreamHandlers.addTo(pipeline, current);
    }
  }

  /**
   * Replaces the connection manager in place (an LDS update that keeps the address): new
   * connections get {@code next}; connections open now finish their in-flight requests under the
   * old one and are drained, so no request is dropped and none is served by a stale config for long.
   * TCP pass-through connections carry on: they have no request to finish.
   */
  public void replaceManager(ConnectionManager next, FilterChains nextChains) {
    List<Channel> open = new ArrayList<>(connections);
    ConnectionManager previous = manager;
    chains = nextChains;
    manager = next;
    previous.startDraining();
    for (Channel connection : open) {
      drain(connection);
    }
  }

  private static void drain(Channel connection) {
    if (!Boolean.TRUE.equals(connection.attr(TcpProxy.RAW).get())) {
      connection.eventLoop().execute(() -> DownstreamHandlers.drain(connection));
    }
  }

  /** The address asked for (port 0 is resolved only by {@link #start}). */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops accepting and asks every connection to finish its in-flight work and close. */
  public void drain() {
    manager.startDraining();
    serverChannels.forEach(Channel::close);
    for (Channel connection : connections) {
      drain(connection);
    }
  }

  /** Open downstream connections. */
  public int openConnections() {
    return connections.size();
  }

  public void closeAll() {
    connections.close();
  }
}
