package dev.corral.controlplane.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Packs resources into {@code Any}s once per resource instance and answers a whole response's
 * list from a cache, for java-control-plane's per-stream send.
 *
 * <p>SotW answers every stream of a group with the same resource instances (and groups share most
 * instances, see {@code TranslationMemo}), so a push to 1,000 sidecars packed or looked up 2,000
 * resources per stream: java-control-plane's {@code CachedProtoResourcesSerializer} keys a Guava
 * cache by value equality. Here resources are keyed by identity (resources are immutable, and an
 * equal copy is simply packed once more), and a response's whole list is packed once per
 * sequence of instances ({@link SameResources}): no lookup per resource per stream.
 *
 * <p>A RouteConfiguration is packed from its virtual hosts' cached bytes (protobuf's wire format
 * is the concatenation of the fields; {@link ByteString#copyFrom(Iterable)} makes a rope, no
 * copy): a namespace's route table of 1,000 shared virtual hosts is not re-serialized when one
 * of them changes. Each host's bytes are cached framed (field tag and length included), so a
 * table is a rope of one piece per host, not of a header and a body per host and table.
 *
 * <p>Every {@code Any}'s type URL is held as UTF-8 bytes ({@link Any.Builder#setTypeUrlBytes}):
 * protobuf writes a {@code String} field by encoding it anew into a fresh array on every write,
 * and a push writes each shared {@code Any} once per stream (1,000 clusters x 1,000 streams: a
 * gigabyte of garbage per push). Calling {@code getTypeUrl()} on one of them turns its field back
 * into a {@code String}; only a NACK's names do that.
 */
final class PackingSerializer implements ProtoResourcesSerializer {
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";
  private static final int VIRTUAL_HOSTS_TAG =
      RouteConfiguration.VIRTUAL_HOSTS_FIELD_NUMBER << 3 | 2; // length-delimited

  // weakKeys: identity keys, and an entry goes when its resource is no longer in any snapshot.
  private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().build();
  private final Cache<Message, ByteString> framedVirtualHosts = CacheBuilder.newBuilder().weakKeys().build();
  private final Map<Descriptor, ByteString> typeUrls = new ConcurrentHashMap<>();
  private final SameResources<List<Any>> lists = new SameResources<>(4096);

  @Override
  public Collection<Any> serialize(Collection<? extends Message> resources, ApiVersion apiVersion) {
    return lists.get(resources, array -> {
      List<Any> anys = new ArrayList<>(array.length);
      for (Message m : array) {
        anys.add(serialize(m, apiVersion));
      }
      return List.copyOf(anys);
    });
  }

  @Override
  public Any serialize(Message resource, ApiVersion apiVersion) {
    try {
      return packed.get(resource, () -> pack(resource));
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot pack " + resource.getDescriptorForType().getFullName(), e.getCause());
    }
  }

  /** Drops the packed lists no response has used since the previous call (see {@link SameResources#sweep}). */
  void sweep() {
    lists.sweep();
  }

  private Any pack(Message resource) throws ExecutionException {
    Any.Builder any = Any.newBuilder().setTypeUrlBytes(typeUrls.computeIfAbsent(resource.getDescriptorForType(),
        d -> ByteString.copyFromUtf8(TYPE_URL_PREFIX + d.getFullName())));
    if (!(resource instanceof RouteConfiguration rc) || rc.getVirtualHostsCount() == 0) {
      return any.setValue(resource.toByteString()).build();
    }
    List<ByteString> pieces = new ArrayList<>(rc.getVirtualHostsCount() + 1);
    pieces.add(rc.toBuilder().clearVirtualHosts().build().toByteString());
    for (VirtualHost vh : rc.getVirtualHostsList()) {
      pieces.add(framedVirtualHosts.get(vh, () -> framed(vh)));
    }
    return any.setValue(ByteString.copyFrom(pieces)).build();
  }

  /** {@code vh} as a {@code virtual_hosts} field of a RouteConfiguration: tag, length, message. */
  private static ByteString framed(VirtualHost vh) {
    int size = vh.getSerializedSize();
    byte[] bytes = new byte[CodedOutputStream.computeUInt32SizeNoTag(VIRTUAL_HOSTS_TAG)
        + CodedOutputStream.computeUInt32SizeNoTag(size) + size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeUInt32NoTag(VIRTUAL_HOSTS_TAG);
      out.writeUInt32NoTag(size);
      vh.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e); // a byte array of the computed size cannot overflow
    }
    return UnsafeByteOperations.unsafeWrap(bytes); // never written to again
  }
}
