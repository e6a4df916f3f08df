package dev.corral.bench.ads;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What a simulated client reads of a {@link DiscoveryResponse}: version, type URL, nonce and the
 * number of resources; the resources themselves are skipped on the wire ({@link
 * CodedInputStream#skipField}) unless the client still has to learn the names they imply: the EDS
 * clusters of a CDS response, the route tables of an LDS response. The server sends full responses
 * either way; the client just does not copy 450 KB of route table into {@code Any}s to ACK them.
 *
 * @param impliedNames the EDS names (of CDS) or route table names (of LDS) when decoded, else null
 */
record SkimmedResponse(String versionInfo, String typeUrl, String nonce, int resourceCount,
    @Nullable List<String> impliedNames) {

  // DiscoveryResponse and Any field tags (field number << 3 | wire type 2, length-delimited).
  private static final int VERSION_INFO = tag(DiscoveryResponse.VERSION_INFO_FIELD_NUMBER);
  private static final int RESOURCES = tag(DiscoveryResponse.RESOURCES_FIELD_NUMBER);
  private static final int TYPE_URL = tag(DiscoveryResponse.TYPE_URL_FIELD_NUMBER);
  private static final int NONCE = tag(DiscoveryResponse.NONCE_FIELD_NUMBER);
  private static final int ANY_TYPE_URL = tag(com.google.protobuf.Any.TYPE_URL_FIELD_NUMBER);
  private static final int ANY_VALUE = tag(com.google.protobuf.Any.VALUE_FIELD_NUMBER);

  private static int tag(int field) {
    return field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED; // WireFormat.makeTag is package-private
  }

  /**
   * Parses responses for one client. {@code wantsNames} is asked, per resource type URL, whether
   * the names that type implies are still to be learned; the resource type is in each {@code Any}
   * (the response's own type URL comes after the resources on the wire).
   */
  static MethodDescriptor.Marshaller<SkimmedResponse> marshaller(Predicate<String> wantsNames) {
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(SkimmedResponse value) {
        throw new UnsupportedOperationException("a client only parses responses");
      }

      @Override
      public SkimmedResponse parse(InputStream stream) {
        try {
          return SkimmedResponse.parse(CodedInputStream.newInstance(stream, 512), wantsNames);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  static SkimmedResponse parse(CodedInputStream in, Predicate<String> wantsNames) throws IOException {
    String version = "";
    String typeUrl = "";
    String nonce = "";
    int count = 0;
    boolean decode = wantsNames.test(SimClient.CDS) || wantsNames.test(SimClient.LDS);
    TreeSet<String> names = new TreeSet<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == VERSION_INFO) {
        version = in.readStringRequireUtf8();
      } else if (tag == TYPE_URL) {
        typeUrl = in.readStringRequireUtf8();
      } else if (tag == NONCE) {
        nonce = in.readStringRequireUtf8();
      } else if (tag == RESOURCES && decode) {
        count++;
        int limit = in.pushLimit(in.readRawVarint32());
        addImpliedNames(in, wantsNames, names);
        in.popLimit(limit);
      } else if (tag == RESOURCES) {
        count++;
        in.skipField(tag);
      } else {
        in.skipField(tag);
      }
    }
    boolean decoded = decode && wantsNames.test(typeUrl)
        && (typeUrl.equals(SimClient.CDS) || typeUrl.equals(SimClient.LDS));
    return new SkimmedResponse(version, typeUrl, nonce, count,
        decoded ? new ArrayList<>(names) : null);
  }

  /** One {@code Any}: the EDS name of an EDS cluster, or the route tables of a listener's HCMs, if wanted. */
  private static void addImpliedNames(CodedInputStream in, Predicate<String> wantsNames, TreeSet<String> names)
      throws IOException {
    String type = null;
    ByteString value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == ANY_TYPE_URL) {
        type = in.readStringRequireUtf8();
      } else if (tag == ANY_VALUE && type != null && !wantsNames.test(type)) {
        in.skipField(tag); // the usual order (type URL first) lets unwanted values be skipped
      } else if (tag == ANY_VALUE) {
        value = in.readBytes();
      } else {
        in.skipField(tag);
      }
    }
    if (type == null || value == null || !wantsNames.test(type)) {
      return;
    }
    if (type.equals(SimClient.CDS)) {
      Cluster c = Cluster.parseFrom(value);
      if (c.getType() == Cluster.DiscoveryType.EDS) {
        String s = c.getEdsClusterConfig().getServiceName();
        names.add(s.isEmpty() ? c.getName() : s);
      }
    } else if (type.equals(SimClient.LDS)) {
      for (FilterChain fc : Listener.parseFrom(value).getFilterChainsList()) {
        for (Filter f : fc.getFiltersList()) {
          if (f.getTypedConfig().is(HttpConnectionManager.class)) {
            HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
            if (hcm.hasRds()) {
              names.add(hcm.getRds().getRouteConfigName());
            }
          }
        }
      }
    }
  }
}
