package dev.corral.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The downstream idle timer on a real event loop (Netty's in-VM transport): it must go when its
 * connection goes, or every closed connection stays reachable from the timer queue until the
 * timeout (an hour by default) and connection churn fills the 48 MiB heap.
 */
class IdleTimeoutTest {
  private final EventLoopGroup group = new DefaultEventLoopGroup(1);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void closingTheConnectionCancelsItsTimer() throws Exception {
    CompletableFuture<IdleTimeout> watched = new CompletableFuture<>();
    LocalAddress address = new LocalAddress("idle-timeout-test");
    Channel server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<LocalChannel>() {
          @Override
          protected void initChannel(LocalChannel ch) {
            watched.complete(IdleTimeout.watch(ch, Duration.ofHours(1)));
          }
        })
        .bind(address).sync().channel();
    try {
      Channel client = new Bootstrap().group(group).channel(LocalChannel.class)
          .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
      IdleTimeout idle = watched.get(5, TimeUnit.SECONDS);
      assertThat(idle).isNotNull();
      assertThat(idle.watching()).isTrue();

      client.close().sync();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (idle.watching() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(idle.watching()).as("timer of a closed connection").isFalse();
    } finally {
      server.close().sync();
    }
  }

  @Test
  void aZeroTimeoutWatchesNothing() {
    assertThat(IdleTimeout.watch(new LocalChannel(), Duration.ZERO)).isNull();
  }
}
