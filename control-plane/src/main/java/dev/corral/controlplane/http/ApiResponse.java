package dev.corral.controlplane.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response from an API handler: status, content type, body and any extra headers
 * (caching, validators). Content-Type and Content-Length are set by the server.
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String JSON = "application/json";
  public static final String TEXT = "text/plain; charset=utf-8";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  public ApiResponse {
    requireNonNull(contentType, "contentType");
    requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  public ApiResponse(int status, String contentType, byte[] body) {
    this(status, contentType, body, Map.of());
  }

  /** This response with one more header. */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
    return new ApiResponse(status, contentType, body, more);
  }

  /** {@code value} as JSON (records, maps, lists), status 200. */
  public static ApiResponse json(Object value) {
    try {
      return new ApiResponse(200, JSON, MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static ApiResponse text(int status, String text) {
    return new ApiResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }
}
