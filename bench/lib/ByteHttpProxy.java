import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A benchmark control, not part of Corral: NettyHttpProxy.java's proxy (round robin, one upstream
 * connection per backend per client connection, a failed backend skipped for 10 s, an unanswered
 * request re-sent to the next backend, up to 3 tries, then 502) without Netty's HTTP codecs.
 * Heads are parsed in place in the read buffer, only for what framing needs, and forwarded as
 * slices of it (the request with x-forwarded-for spliced in); response bodies are framed byte-wise
 * (Content-Length, chunked, or until close) and forwarded as they arrive. It tests whether an
 * HTTP/1 engine below HttpObjectDecoder/Encoder gets the sidecar's JVM to nginx's p99 in
 * bench/failover.sh (bench/lib/byte-http-proxy.sh runs it there). Deliberately lax: request bodies
 * by Content-Length only (Transfer-Encoding is refused), no pipelining, no upgrades, few of the
 * RFC 9112 checks a real proxy must make.
 * Usage: java -cp corral-sidecar.jar ByteHttpProxy.java LISTEN_PORT BACKEND_PORT...
 */
public final class ByteHttpProxy {
  private static final long SKIP_NANOS = 10_000_000_000L;
  private static final int MAX_TRIES = 3;
  private static final int MAX_HEAD = 16 * 1024;
  private static final int MAX_BODY = 1 << 20;
  private static final int MORE = -1;
  private static final int BAD = -2;
  // STICKY=1: each client connection keeps to the backend of its first request while that one is
  // not skipped, like corral-tcp-relay.sh with RELAY_ALL=1: separates the cost of cycling through
  // three upstream connections per client connection from the cost of the HTTP handling.
  private static final boolean STICKY = "1".equals(System.getenv("STICKY"));

  // Constant bytes, direct so that a composite with them still goes out by writev without a copy.
  private static final ByteBuf XFF_AND_END = ascii("x-forwarded-for: 127.0.0.1\r\n\r\n");
  private static final ByteBuf BAD_REQUEST = ascii("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  private static final ByteBuf TOO_LARGE = ascii("HTTP/1.1 413 Content Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  private static final ByteBuf BAD_GATEWAY = ascii("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
  private static final byte[] CONTENT_LENGTH = bytes("content-length");
  private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
  private static final byte[] CONNECTION = bytes("connection");
  private static final byte[] CLOSE = bytes("close");
  private static final byte[] KEEP_ALIVE = bytes("keep-alive");
  private static final byte[] CHUNKED = bytes("chunked");
  private static final byte[] HTTP_1_1 = bytes("HTTP/1.1");
  private static final byte[] HTTP_1_0 = bytes("HTTP/1.0");
  private static final byte[] HTTP_1 = bytes("HTTP/1.");
  private static final byte[] HEAD = bytes("HEAD");

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
            ch.pipeline().addLast(new Client());
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

  /** What a head parser is told, line by line; implemented by the handlers so parsing allocates nothing. */
  private interface HeadVisitor {
    boolean startLine(ByteBuf buf, int start, int end);

    boolean header(ByteBuf buf, int name, int nameEnd, int value, int valueEnd);
  }

  /**
   * Walks the head that starts at {@code start}: the index after its blank line, MORE if the
   * CRLFCRLF is not in [start, to) yet, BAD for a bare LF, an empty or folded line, or a name
   * with whitespace or control bytes. Values are handed over without their surrounding OWS.
   */
  private static int parseHead(ByteBuf buf, int start, int to, HeadVisitor visitor) {
    boolean first = true;
    for (int line = start; ; ) {
      int lf = buf.indexOf(line, to, (byte) '\n');
      if (lf < 0) {
        return MORE;
      }
      if (lf == line || buf.getByte(lf - 1) != '\r') {
        return BAD;
      }
      int end = lf - 1;
      if (first) {
        if (!visitor.startLine(buf, line, end)) {
          return BAD;
        }
        first = false;
      } else if (end == line) {
        return lf + 1;
      } else {
        int colon = buf.indexOf(line, end, (byte) ':');
        if (colon <= line) {
          return BAD;
        }
        for (int i = line; i < colon; i++) {
          byte b = buf.getByte(i);
          if (b <= ' ' || b >= 0x7f) {
            return BAD;
          }
        }
        int v = colon + 1;
        int ve = end;
        while (v < ve && isOws(buf.getByte(v))) {
          v++;
        }
        while (ve > v && isOws(buf.getByte(ve - 1))) {
          ve--;
        }
        if (!visitor.header(buf, line, colon, v, ve)) {
          return BAD;
        }
      }
      line = lf + 1;
    }
  }

  /** One client connection; at most one request in flight (wrk does not pipeline). */
  private static final class Client extends ChannelInboundHandlerAdapter implements HeadVisitor {
    private final Channel[] upstreams = new Channel[backends.length];
    private Channel client;
    private ByteBuf acc;
    // The request's bytes, kept for a re-send until the response's first byte arrives.
    private ByteBuf inFlight;
    private boolean busy;
    private Upstream sentOn;
    private int tries;
    private int home = -1;
    // Of the request being parsed / in flight.
    private long contentLength;
    private boolean closeAfter;
    private boolean headRequest;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      client = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      acc = acc == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), acc, in);
      nextRequest();
    }

    /** Takes the next complete request off the buffer, if none is in flight, and sends it. */
    private void nextRequest() {
      if (busy || acc == null || !client.isActive()) {
        return;
      }
      int start = acc.readerIndex();
      int to = acc.writerIndex();
      contentLength = -1;
      int headEnd = parseHead(acc, start, to, this);
      if (headEnd == MORE) {
        if (to - start > MAX_HEAD) {
          refuse(TOO_LARGE);
        }
        return;
      }
      if (headEnd == BAD) {
        refuse(BAD_REQUEST);
        return;
      }
      long length = Math.max(contentLength, 0);
      if (length > MAX_BODY) {
        refuse(TOO_LARGE);
        return;
      }
      if (to - headEnd < length) {
        return;
      }
      // The head up to its last header's CRLF, then x-forwarded-for and the blank line, then the body.
      CompositeByteBuf request = client.alloc().compositeDirectBuffer(3);
      request.addComponent(true, acc.retainedSlice(start, headEnd - 2 - start));
      request.addComponent(true, XFF_AND_END.retainedDuplicate());
      if (length > 0) {
        request.addComponent(true, acc.retainedSlice(headEnd, (int) length));
      }
      acc.readerIndex(headEnd + (int) length);
      if (!acc.isReadable()) {
        acc.release();
        acc = null;
      }
      inFlight = request;
      busy = true;
      tries = 0;
      send();
    }

    @Override
    public boolean startLine(ByteBuf buf, int start, int end) {
      // METHOD SP target SP HTTP/1.x, the method in upper-case letters.
      int sp1 = buf.indexOf(start, end, (byte) ' ');
      int sp2 = sp1 < 0 ? -1 : buf.indexOf(sp1 + 1, end, (byte) ' ');
      if (sp1 <= start || sp2 <= sp1 + 1 || end - sp2 - 1 != HTTP_1_1.length) {
        return false;
      }
      for (int i = start; i < sp1; i++) {
        byte b = buf.getByte(i);
        if (b < 'A' || b > 'Z') {
          return false;
        }
      }
      boolean http10 = matches(buf, sp2 + 1, HTTP_1_0, false);
      if (!http10 && !matches(buf, sp2 + 1, HTTP_1_1, false)) {
        return false;
      }
      closeAfter = http10;
      headRequest = sp1 - start == HEAD.length && matches(buf, start, HEAD, false);
      return true;
    }

    @Override
    public boolean header(ByteBuf buf, int name, int nameEnd, int value, int valueEnd) {
      int length = nameEnd - name;
      if (length == CONTENT_LENGTH.length && matches(buf, name, CONTENT_LENGTH, true)) {
        contentLength = contentLength(contentLength, buf, value, valueEnd);
        return contentLength != INVALID;
      } else if (length == TRANSFER_ENCODING.length && matches(buf, name, TRANSFER_ENCODING, true)) {
        return false;
      } else if (length == CONNECTION.length && matches(buf, name, CONNECTION, true)) {
        closeAfter = contains(buf, value, valueEnd, CLOSE) || closeAfter && !contains(buf, value, valueEnd, KEEP_ALIVE);
      }
      return true;
    }

    private void refuse(ByteBuf response) {
      busy = true; // nothing more is read from this connection
      client.writeAndFlush(response.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
    }

    private void send() {
      if (!client.isActive()) {
        return;
      }
      if (tries++ == MAX_TRIES) {
        inFlight.release();
        inFlight = null;
        client.writeAndFlush(BAD_GATEWAY.retainedDuplicate());
        responseDone();
        return;
      }
      int b = STICKY && tries == 1 && home >= 0 && skipUntil[home] <= System.nanoTime() ? home : pick();
      if (home < 0) {
        home = b;
      }
      Channel up = upstreams[b];
      if (up != null && up.isActive()) {
        sendOn(up);
        return;
      }
      new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Upstream(this))
          .connect("127.0.0.1", backends[b])
          .addListener((ChannelFutureListener) f -> {
            if (!client.isActive()) {
              f.channel().close();
            } else if (f.isSuccess()) {
              upstreams[b] = f.channel();
              sendOn(f.channel());
            } else {
              skipUntil[b] = System.nanoTime() + SKIP_NANOS;
              send();
            }
          });
    }

    private void sendOn(Channel up) {
      sentOn = (Upstream) up.pipeline().first();
      sentOn.expect(headRequest);
      up.writeAndFlush(inFlight.retainedDuplicate());
    }

    /** The response's first byte is here: from now on a failure cannot be retried. */
    void responseStarted() {
      inFlight.release();
      inFlight = null;
    }

    void responseDone() {
      busy = false;
      sentOn = null;
      if (closeAfter) {
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      } else {
        nextRequest();
      }
    }

    /** An upstream connection closed: an unanswered request goes to the next backend. */
    void upstreamClosed(Upstream upstream, boolean started, boolean untilClose) {
      if (upstream != sentOn || !busy) {
        return;
      }
      if (!started) {
        send();
      } else if (untilClose) {
        closeAfter = true;
        responseDone();
      } else {
        client.close();
      }
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
      if (acc != null) {
        acc.release();
        acc = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private enum Phase { IDLE, HEAD, LENGTH, CHUNKED, UNTIL_CLOSE }

  private enum Chunk { SIZE, EXT, DATA, DATA_END, TRAILER }

  /** An upstream connection: the response's bytes go to the client as they arrive, framed on the way. */
  private static final class Upstream extends ChannelInboundHandlerAdapter implements HeadVisitor {
    private final Client client;
    private ByteBuf acc; // an incomplete head only: body bytes are never held
    private Phase phase = Phase.IDLE;
    private boolean headRequest;
    private boolean started;
    private boolean closeAfter;
    private int status;
    private long contentLength;
    private boolean chunked;
    private long remaining;
    private Chunk chunk;
    private int sizeDigits;
    private int lineLength;

    Upstream(Client client) {
      this.client = client;
    }

    void expect(boolean headRequest) {
      this.headRequest = headRequest;
      phase = Phase.HEAD;
      started = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (phase == Phase.IDLE || client.sentOn != this) {
        in.release(); // bytes without a request: this connection is out of step
        ctx.close();
        return;
      }
      if (!started) {
        started = true;
        client.responseStarted();
      }
      ByteBuf buf = acc == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), acc, in);
      acc = null;
      int from = buf.readerIndex();
      int to = buf.writerIndex();
      int i = from;
      boolean done = false;
      while (i < to && !done && acc == null) {
        switch (phase) {
          case HEAD -> {
            contentLength = -1;
            chunked = false;
            closeAfter = false;
            int end = parseHead(buf, i, to, this);
            if (end == MORE && to - i <= MAX_HEAD) {
              acc = buf; // wait for the rest of the head; what precedes it still goes out below
            } else if (end < 0) {
              i = BAD;
            } else {
              i = end;
              done = framing();
            }
          }
          case LENGTH -> {
            int n = (int) Math.min(remaining, to - i);
            i += n;
            remaining -= n;
            done = remaining == 0;
          }
          case CHUNKED -> {
            i = chunks(buf, i, to);
            done = i >= 0 && phase == Phase.IDLE;
          }
          default -> i = to; // UNTIL_CLOSE
        }
        if (i == BAD) {
          buf.release(); // a response we cannot frame: neither connection can go on
          ctx.close();
          client.client.close();
          return;
        }
      }
      ByteBuf out = i == from ? null : i == to && acc == null ? buf : buf.retainedSlice(from, i - from);
      if (acc != null) {
        acc.readerIndex(i);
      } else if (out != buf) {
        buf.release(); // bytes past the end of the response (none from a sane backend) are dropped
      }
      if (out != null) {
        client.client.writeAndFlush(out);
      }
      if (done) {
        phase = Phase.IDLE;
        if (closeAfter || i < to) {
          ctx.close();
        }
        client.responseDone();
      }
    }

    /** After a head: where its body ends. True if the response is complete already. */
    private boolean framing() {
      if (status < 200) {
        phase = Phase.HEAD; // interim response: the final head follows
        return false;
      }
      if (headRequest || status == 204 || status == 304) {
        return true;
      }
      if (chunked) {
        phase = Phase.CHUNKED;
        chunk = Chunk.SIZE;
        remaining = 0;
        sizeDigits = 0;
        return false;
      }
      if (contentLength >= 0) {
        phase = Phase.LENGTH;
        remaining = contentLength;
        return contentLength == 0;
      }
      phase = Phase.UNTIL_CLOSE;
      return false;
    }

    /** Follows the chunked framing over [i, to): the index after the message's end or after to, or BAD. */
    private int chunks(ByteBuf buf, int i, int to) {
      while (i < to) {
        if (chunk == Chunk.DATA) {
          int n = (int) Math.min(remaining, to - i);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            chunk = Chunk.DATA_END;
          }
          continue;
        }
        byte b = buf.getByte(i++);
        switch (chunk) {
          case SIZE -> {
            int digit = Character.digit(b, 16);
            if (digit >= 0 && sizeDigits < 15) {
              remaining = remaining << 4 | digit;
              sizeDigits++;
            } else if (b == ';' || b == ' ' || b == '\t') {
              chunk = Chunk.EXT;
            } else if (b == '\n') {
              if (!sizeEnd()) {
                return BAD;
              }
            } else if (b != '\r') {
              return BAD;
            }
          }
          case EXT -> {
            if (b == '\n' && !sizeEnd()) {
              return BAD;
            }
          }
          case DATA_END -> {
            if (b == '\n') {
              chunk = Chunk.SIZE;
              sizeDigits = 0;
            } else if (b != '\r') {
              return BAD;
            }
          }
          default -> { // TRAILER: lines until an empty one
            if (b == '\n') {
              if (lineLength == 0) {
                phase = Phase.IDLE;
                return i;
              }
              lineLength = 0;
            } else if (b != '\r') {
              lineLength++;
            }
          }
        }
      }
      return i;
    }

    private boolean sizeEnd() {
      if (sizeDigits == 0) {
        return false;
      }
      chunk = remaining == 0 ? Chunk.TRAILER : Chunk.DATA;
      lineLength = 0;
      return true;
    }

    @Override
    public boolean startLine(ByteBuf buf, int start, int end) {
      // HTTP/1.x SP 3DIGIT [SP reason]
      if (end - start < 12 || !matches(buf, start, HTTP_1, false) || buf.getByte(start + 8) != ' ') {
        return false;
      }
      status = (int) digits(buf, start + 9, start + 12);
      return status >= 100 && (end - start == 12 || buf.getByte(start + 12) == ' ');
    }

    @Override
    public boolean header(ByteBuf buf, int name, int nameEnd, int value, int valueEnd) {
      int length = nameEnd - name;
      if (length == CONTENT_LENGTH.length && matches(buf, name, CONTENT_LENGTH, true)) {
        contentLength = contentLength(contentLength, buf, value, valueEnd);
        return contentLength != INVALID;
      } else if (length == TRANSFER_ENCODING.length && matches(buf, name, TRANSFER_ENCODING, true)) {
        chunked = contains(buf, value, valueEnd, CHUNKED); // any other coding: the body ends at close
      } else if (length == CONNECTION.length && matches(buf, name, CONNECTION, true)) {
        closeAfter = contains(buf, value, valueEnd, CLOSE);
      }
      return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (acc != null) {
        acc.release();
        acc = null;
      }
      client.upstreamClosed(this, started, phase == Phase.UNTIL_CLOSE);
      phase = Phase.IDLE;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static boolean isOws(byte b) {
    return b == ' ' || b == '\t';
  }

  /** Whether buf holds lit at index; ignoreCase expects lit in lower case (letters and '-' only). */
  private static boolean matches(ByteBuf buf, int index, byte[] lit, boolean ignoreCase) {
    for (int i = 0; i < lit.length; i++) {
      byte b = buf.getByte(index + i);
      if ((ignoreCase && b >= 'A' && b <= 'Z' ? b | 0x20 : b) != lit[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether lit occurs in [from, to), ignoring case: enough for the token lists of Connection/Transfer-Encoding here. */
  private static boolean contains(ByteBuf buf, int from, int to, byte[] lit) {
    for (int i = from; i <= to - lit.length; i++) {
      if (matches(buf, i, lit, true)) {
        return true;
      }
    }
    return false;
  }

  /** The decimal number in [from, to), or -1 if empty, not all digits, or too long. */
  /** Marks a head whose Content-Length is malformed or repeated with another value. */
  private static final long INVALID = -2;

  /**
   * A Content-Length field merged with the one seen so far in the head ({@code -1}: none): its
   * value, or {@link #INVALID} when it is not digits or differs from an earlier one.
   */
  private static long contentLength(long seen, ByteBuf buf, int value, int valueEnd) {
    long parsed = digits(buf, value, valueEnd);
    return parsed < 0 || seen >= 0 && seen != parsed ? INVALID : parsed;
  }

  private static long digits(ByteBuf buf, int from, int to) {
    if (from == to || to - from > 18) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      byte b = buf.getByte(i);
      if (b < '0' || b > '9') {
        return -1;
      }
      n = n * 10 + (b - '0');
    }
    return n;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static ByteBuf ascii(String s) {
    byte[] b = bytes(s);
    return Unpooled.directBuffer(b.length).writeBytes(b); // never released: handed out as retained duplicates
  }
}
