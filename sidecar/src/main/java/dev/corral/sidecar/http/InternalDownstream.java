package dev.corral.sidecar.http;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * A downstream that is not a client connection but the sidecar itself (a shared fetch, a block
 * fetch, a background refresh): it runs on the loop of the request that started it, speaks for
 * that request's client address, has no request body to pace and is never upgraded.
 */
abstract class InternalDownstream implements Downstream {
  private final EventLoop loop;
  private final InetSocketAddress remote;

  InternalDownstream(EventLoop loop, InetSocketAddress remote) {
    this.loop = loop;
    this.remote = remote;
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public void flush() {
    // Nothing to flush: parts are consumed as they are written.
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void setReadable(boolean readable) {
    // An internal request has no body to read.
  }

  @Override
  public Channel upgrade() {
    throw new UnsupportedOperationException("an internal fetch is never upgraded");
  }

  @Override
  public boolean canUpgrade() {
    return false;
  }
}
