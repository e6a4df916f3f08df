package dev.corral.e2e.support;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real grpc-java server (plaintext HTTP/2) on loopback with a small hand-built test service,
 * {@code corral.e2e.Test}: no generated code, strings and bytes on the wire.
 */
public final class GrpcBackend implements AutoCloseable {
  public static final String SERVICE = "corral.e2e.Test";
  public static final int MAX_MESSAGE = 16 * 1024 * 1024;

  /** Answers {@code <server name>:<request>}. */
  public static final MethodDescriptor<String, String> WHO = method("Who", MethodType.UNARY, strings(), strings());
  /** Request {@code n}: answers n messages {@code msg-0 … msg-(n-1)}. */
  public static final MethodDescriptor<String, String> COUNT =
      method("Count", MethodType.SERVER_STREAMING, strings(), strings());
  /** Answers {@code <message count>:<messages joined by ','>}. */
  public static final MethodDescriptor<String, String> CONCAT =
      method("Concat", MethodType.CLIENT_STREAMING, strings(), strings());
  /** Answers each message with {@code echo:<message>}, in order, as it arrives. */
  public static final MethodDescriptor<String, String> ECHO =
      method("Echo", MethodType.BIDI_STREAMING, strings(), strings());
  /** Fails with {@link #FAILURE} and the trailers {@link #REASON} and {@link #DETAIL}. */
  public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodType.UNARY, strings(), strings());
  /** Request {@code n}: streams n messages, then fails like {@link #FAIL} (trailers after data). */
  public static final MethodDescriptor<String, String> STREAM_THEN_FAIL =
      method("StreamThenFail", MethodType.SERVER_STREAMING, strings(), strings());
  /** Answers after 10 s unless cancelled first; records the deadline it saw and the cancellation. */
  public static final MethodDescriptor<String, String> SLOW = method("Slow", MethodType.UNARY, strings(), strings());
  /** Echoes the bytes it receives. */
  public static final MethodDescriptor<byte[], byte[]> BYTES = method("Bytes", MethodType.UNARY, bytes(), bytes());

  /** Request {@code n}: answers n messages of 1 MiB (first four bytes: the index), honouring flow control. */
  public static final MethodDescriptor<String, byte[]> FLOOD =
      method("Flood", MethodType.SERVER_STREAMING, strings(), bytes());
  /** Request {@code millis}: answers {@code <server name>:held} after that long. */
  public static final MethodDescriptor<String, String> HOLD = method("Hold", MethodType.UNARY, strings(), strings());
  /** Echoes like {@link #ECHO} but ends the call (OK) right after echoing {@code bye}, half-close or not. */
  public static final MethodDescriptor<String, String> ECHO_UNTIL_BYE =
      method("EchoUntilBye", MethodType.BIDI_STREAMING, strings(), strings());
  /**
   * Reads nothing for a second, then one message at a time; answers {@code <count> ok} when every
   * message was {@link #floodMessage} of its index, else names the first that was not.
   */
  public static final MethodDescriptor<byte[], String> SINK =
      method("Sink", MethodType.CLIENT_STREAMING, bytes(), strings());
  public static final int FLOOD_MESSAGE = 1024 * 1024;

  public static final Status FAILURE =
      Status.RESOURCE_EXHAUSTED.withDescription("over quota: 3 > 2 (café, 100%)");
  public static final Metadata.Key<String> REASON = Metadata.Key.of("x-corral-reason", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<byte[]> DETAIL =
      Metadata.Key.of("x-corral-detail-bin", Metadata.BINARY_BYTE_MARSHALLER);
  public static final byte[] DETAIL_BYTES = {0, 1, 2, (byte) 0xff, '\n', 'z'};

  private final String name;
  private final Server server;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicReference<Deadline> slowDeadline = new AtomicReference<>();
  private volatile CountDownLatch slowCancelled = new CountDownLatch(1);
  private final AtomicReference<Metadata> lastHeaders = new AtomicReference<>();
  private final AtomicReference<String> lastAuthority = new AtomicReference<>();
  private final AtomicInteger holding = new AtomicInteger();
  private final AtomicInteger maxHolding = new AtomicInteger();

  public GrpcBackend(String name) {
    this(name, Integer.MAX_VALUE);
  }

  /** {@code maxConcurrentCalls}: the server's SETTINGS_MAX_CONCURRENT_STREAMS per connection. */
  public GrpcBackend(String name, int maxConcurrentCalls) {
    this.name = name;
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(WHO, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext(name + ":" + request);
          out.onCompleted();
        }))
        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, out) -> {
          int n = Integer.parseInt(request);
          for (int i = 0; i < n; i++) {
            out.onNext("msg-" + i);
          }
          out.onCompleted();
        }))
        .addMethod(CONCAT, ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<String>() {
          private final StringBuilder joined = new StringBuilder();
          private int count;

          @Override
          public void onNext(String value) {
            joined.append(count++ == 0 ? "" : ",").append(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onNext(count + ":" + joined);
            out.onCompleted();
          }
        }))
        .addMethod(ECHO, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
          @Override
          public void onNext(String value) {
            out.onNext("echo:" + value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        }))
        .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> out.onError(failure())))
        .addMethod(STREAM_THEN_FAIL, ServerCalls.asyncServerStreamingCall((request, out) -> {
          int n = Integer.parseInt(request);
          for (int i = 0; i < n; i++) {
            out.onNext("msg-" + i);
          }
          out.onError(failure());
        }))
        .addMethod(SLOW, ServerCalls.asyncUnaryCall((request, out) -> {
          Context context = Context.current();
          slowDeadline.set(context.getDeadline());
          CountDownLatch cancelled = slowCancelled;
          context.addListener(c -> cancelled.countDown(), Runnable::run);
          timer.schedule(() -> {
            if (!context.isCancelled()) {
              out.onNext("slow " + request);
              out.onCompleted();
            }
          }, 10, TimeUnit.SECONDS);
        }))
        .addMethod(BYTES, ServerCalls.asyncUnaryCall((request, out) -> {
          out.onNext(request);
          out.onCompleted();
        }))
        .addMethod(FLOOD, ServerCalls.asyncServerStreamingCall((request, out) -> {
          ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
          int n = Integer.parseInt(request);
          int[] next = {0};
          call.setOnReadyHandler(() -> {
            while (call.isReady() && next[0] < n) {
              call.onNext(floodMessage(next[0]++));
            }
            if (next[0] == n) {
              next[0]++;
              call.onCompleted();
            }
          });
        }))
        .addMethod(SINK, ServerCalls.asyncClientStreamingCall(out -> {
          ServerCallStreamObserver<String> call = (ServerCallStreamObserver<String>) out;
          call.disableAutoRequest();
          timer.schedule(() -> call.request(1), 1, TimeUnit.SECONDS);
          return new StreamObserver<byte[]>() {
            private int count;
            private String mismatch;

            @Override
            public void onNext(byte[] value) {
              if (mismatch == null && !java.util.Arrays.equals(value, floodMessage(count))) {
                mismatch = "message " + count + " differs";
              }
              count++;
              call.request(1);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
              out.onNext(mismatch != null ? mismatch : count + " ok");
              out.onCompleted();
            }
          };
        }))
        .addMethod(HOLD, ServerCalls.asyncUnaryCall((request, out) -> {
          int now = holding.incrementAndGet();
          maxHolding.accumulateAndGet(now, Math::max);
          timer.schedule(() -> {
            holding.decrementAndGet();
            out.onNext(name + ":held");
            out.onCompleted();
          }, Long.parseLong(request), TimeUnit.MILLISECONDS);
        }))
        .addMethod(ECHO_UNTIL_BYE, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
          private boolean done;

          @Override
          public void onNext(String value) {
            if (done) {
              return;
            }
            out.onNext("echo:" + value);
            if (value.equals("bye")) {
              done = true;
              out.onCompleted();
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            if (!done) {
              done = true;
              out.onCompleted();
            }
          }
        }))
        .build();
    ServerInterceptor recordHeaders = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        lastHeaders.set(headers);
        lastAuthority.set(call.getAuthority());
        return next.startCall(call, headers);
      }
    };
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .maxInboundMessageSize(MAX_MESSAGE)
          .maxConcurrentCallsPerConnection(maxConcurrentCalls)
          .addService(ServerInterceptors.intercept(service, recordHeaders))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static io.grpc.StatusRuntimeException failure() {
    Metadata trailers = new Metadata();
    trailers.put(REASON, "quota");
    trailers.put(DETAIL, DETAIL_BYTES);
    return FAILURE.asRuntimeException(trailers);
  }

  public String name() {
    return name;
  }

  /** A {@link #FLOOD} message: 1 MiB, the index in its first four bytes, the rest a pattern. */
  public static byte[] floodMessage(int index) {
    byte[] message = new byte[FLOOD_MESSAGE];
    for (int i = 4; i < message.length; i++) {
      message[i] = (byte) (i * 31 + index);
    }
    message[0] = (byte) (index >>> 24);
    message[1] = (byte) (index >>> 16);
    message[2] = (byte) (index >>> 8);
    message[3] = (byte) index;
    return message;
  }

  /** The request headers (metadata) of the last call, as the server received them. */
  public Metadata lastHeaders() {
    return lastHeaders.get();
  }

  /** The {@code :authority} of the last call. */
  public String lastAuthority() {
    return lastAuthority.get();
  }

  /** The most {@link #HOLD} calls this server ever had in progress at once. */
  public int maxConcurrentHolds() {
    return maxHolding.get();
  }

  public int port() {
    return server.getPort();
  }

  /** The deadline the last {@link #SLOW} call saw on the server side (from {@code grpc-timeout}). */
  public Deadline slowDeadline() {
    return slowDeadline.get();
  }

  /** Counted down when the last {@link #SLOW} call is cancelled (the client's RST_STREAM arrived). */
  public CountDownLatch slowCancelled() {
    return slowCancelled;
  }

  /** Forgets the last {@link #SLOW} call. */
  public void resetSlow() {
    slowDeadline.set(null);
    slowCancelled = new CountDownLatch(1);
  }

  @Override
  public void close() {
    server.shutdownNow();
    timer.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <Q, R> MethodDescriptor<Q, R> method(String name, MethodType type,
      MethodDescriptor.Marshaller<Q> request, MethodDescriptor.Marshaller<R> response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(request)
        .setResponseMarshaller(response)
        .build();
  }

  private static MethodDescriptor.Marshaller<String> strings() {
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(String value) {
        return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public String parse(InputStream stream) {
        return new String(readAll(stream), StandardCharsets.UTF_8);
      }
    };
  }

  private static MethodDescriptor.Marshaller<byte[]> bytes() {
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        return readAll(stream);
      }
    };
  }

  private static byte[] readAll(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
