package dev.corral.sidecar.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Holds a new connection's first bytes until {@link HttpInspector} can tell its protocol (or the
 * inspect timeout passes), then lets {@code install} put the chosen chain's handlers behind it and
 * steps aside, handing the bytes on untouched.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
  private final FilterChains chains;
  private final int destinationPort;
  private final BiConsumer<ChannelHandlerContext, FilterChains.Chain> install;
  private @Nullable ScheduledFuture<?> timer;
  private boolean decided;

  ProtocolSniffer(FilterChains chains, int destinationPort,
      BiConsumer<ChannelHandlerContext, FilterChains.Chain> install) {
    this.chains = chains;
    this.destinationPort = destinationPort;
    this.install = install;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(() -> {
      if (!decided) {
        if (chains.continueOnTimeout()) {
          decide(ctx, null); // a server-first protocol (the client waits for a greeting): not HTTP
        } else {
          ctx.close();
        }
      }
    }, chains.inspectTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (decided) {
      return;
    }
    String protocol = HttpInspector.detect(in);
    if (protocol != null) {
      decide(ctx, protocol.equals(HttpInspector.NOT_HTTP) ? null : protocol);
    }
  }

  private void decide(ChannelHandlerContext ctx, @Nullable String protocol) {
    decided = true;
    if (timer != null) {
      timer.cancel(false);
    }
    FilterChains.Chain chain = chains.select(destinationPort, protocol);
    if (chain == null) {
      ctx.close(); // Envoy: no matching filter chain, the connection is closed
      return;
    }
    install.accept(ctx, chain);
    ctx.pipeline().remove(this); // hands the bytes held so far to the chain's first handler
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
