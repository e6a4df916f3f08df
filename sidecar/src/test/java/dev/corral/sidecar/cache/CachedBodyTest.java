package dev.corral.sidecar.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedBodyTest {
  @Test
  void storesACopyOffTheHeapAndHandsOutIndependentReadOnlyViews() {
    ByteBuffer a = ByteBuffer.wrap("hello ".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer b = ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII));
    CachedBody body = CachedBody.copyOf(List.of(a, b));
    a.put(0, (byte) 'J'); // the caller's buffers may be reused: the body is a copy

    assertThat(a.position()).isZero();
    assertThat(body.length()).isEqualTo(11);
    assertThat(new String(body.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("hello world");
    ByteBuffer view = body.chunks().get(0);
    assertThat(view.isDirect()).isTrue();
    assertThat(view.isReadOnly()).isTrue();
    view.get(new byte[5]);
    assertThat(body.chunks().get(0).position()).isZero();
  }

  @Test
  void anEmptyBodyIsTheSharedEmptyOne() {
    assertThat(CachedBody.copyOf(List.of(ByteBuffer.allocate(0)))).isSameAs(CachedBody.EMPTY);
    assertThat(CachedBody.copyOf(new byte[0])).isSameAs(CachedBody.EMPTY);
  }

  @Test
  void storesAreCappedAtTheirShareOfDirectMemory() {
    long limit = OffHeap.limit();
    assertThat(MemoryBudget.cap(1024, "test")).isEqualTo(1024);
    assertThat(MemoryBudget.cap(limit * 2, "test")).isEqualTo((long) (limit * MemoryBudget.SHARE));
  }
}
