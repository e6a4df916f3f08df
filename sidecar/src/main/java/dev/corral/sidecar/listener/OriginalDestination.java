package dev.corral.sidecar.listener;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code envoy.filters.listener.original_dst}: the address a connection was made to before
 * an iptables REDIRECT sent it to this listener, read with {@code getsockopt(SO_ORIGINAL_DST)}.
 *
 * <p>Netty 4.2 has no named option for it, but its epoll transport passes raw socket options
 * through {@link RawUnixChannelOption} (level, name, buffer length), which is all this needs:
 * {@code SOL_IP / SO_ORIGINAL_DST} fills a {@code struct sockaddr_in}, {@code SOL_IPV6 /
 * IP6T_SO_ORIGINAL_DST} a {@code struct sockaddr_in6}. The NIO transport cannot ask, so there is
 * no original destination without epoll.
 */
public final class OriginalDestination {
  private static final Logger log = LoggerFactory.getLogger(OriginalDestination.class);
  private static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf("corral.original_dst");
  /** {@code SO_ORIGINAL_DST} and {@code IP6T_SO_ORIGINAL_DST} from linux/netfilter_ipv4.h and _ipv6. */
  private static final int SO_ORIGINAL_DST = 80;
  private static final int SOL_IP = 0;
  private static final int SOL_IPV6 = 41;
  private static final RawUnixChannelOption IPV4 = new RawUnixChannelOption("SO_ORIGINAL_DST", SOL_IP,
      SO_ORIGINAL_DST, 16);
  private static final RawUnixChannelOption IPV6 = new RawUnixChannelOption("IP6T_SO_ORIGINAL_DST", SOL_IPV6,
      SO_ORIGINAL_DST, 28);
  private static volatile boolean warnedNio;

  private OriginalDestination() {}

  /**
   * Reads the original destination of an accepted connection and remembers it on the channel.
   * Null when the connection was not redirected (no conntrack entry, or the destination is this
   * socket's own address, which would make a pass-through loop back to us).
   */
  public static @Nullable InetSocketAddress capture(Channel connection) {
    InetSocketAddress destination = read(connection);
    if (destination != null) {
      connection.attr(KEY).set(destination);
    }
    return destination;
  }

  /** What {@link #capture} found for {@code channel} or its parent (an HTTP/2 stream's connection). */
  public static @Nullable InetSocketAddress of(Channel channel) {
    for (Channel c = channel; c != null; c = c.parent()) {
      if (c.hasAttr(KEY)) { // attr() would add an empty attribute to every channel asked
        InetSocketAddress destination = c.attr(KEY).get();
        if (destination != null) {
          return destination;
        }
      }
    }
    return null;
  }

  private static @Nullable InetSocketAddress read(Channel connection) {
    if (!(connection instanceof EpollSocketChannel)) {
      if (!warnedNio) {
        warnedNio = true;
        log.warn("original_dst: the NIO transport cannot read SO_ORIGINAL_DST; pass-through is off");
      }
      return null;
    }
    InetSocketAddress local = (InetSocketAddress) connection.localAddress();
    boolean v6 = local.getAddress() instanceof Inet6Address;
    ByteBuffer raw;
    try {
      raw = connection.config().getOption(v6 ? IPV6 : IPV4);
    } catch (RuntimeException e) {
      return null; // ENOENT: no NAT entry for this connection, it came straight to us
    }
    InetSocketAddress destination = raw == null ? null : parse(raw);
    return destination == null || destination.equals(local) ? null : destination;
  }

  /** A {@code sockaddr_in} or {@code sockaddr_in6}: family (host order), port (network order), address. */
  static @Nullable InetSocketAddress parse(ByteBuffer raw) {
    ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
    if (b.remaining() < 8) {
      return null;
    }
    int port = b.getShort(b.position() + 2) & 0xffff;
    byte[] address;
    if (b.remaining() >= 24 && b.remaining() != 16) {
      address = new byte[16];
      b.position(b.position() + 8);
    } else {
      address = new byte[4];
      b.position(b.position() + 4);
    }
    b.get(address);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
