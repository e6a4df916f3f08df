package dev.corral.controlplane.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves files from the class path (the dashboard's page, scripts and styles, and the chart
 * library's WebJar) with a content type by extension, a strong ETag and a Cache-Control policy;
 * a request whose If-None-Match matches gets 304. Files are read once and kept: they are part of
 * the jar and never change while it runs.
 */
public final class StaticResources {
  /** How long browsers may keep a file without asking again. */
  public enum Caching {
    /** Revalidate every time (with the ETag, so unchanged files cost a 304): the app's own files. */
    REVALIDATE("no-cache"),
    /** A year without asking: files whose URL carries their version (WebJars). */
    IMMUTABLE("public, max-age=31536000, immutable");

    private final String header;

    Caching(String header) {
      this.header = header;
    }
  }

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("md", "text/plain; charset=utf-8"));

  private record Loaded(byte[] body, String etag) {}

  private final ClassLoader loader;
  private final String root;
  private final Caching caching;
  private final Map<String, Optional<Loaded>> cache = new ConcurrentHashMap<>();

  private StaticResources(ClassLoader loader, String root, Caching caching) {
    this.loader = requireNonNull(loader, "loader");
    this.root = requireNonNull(root, "root");
    this.caching = requireNonNull(caching, "caching");
  }

  /**
   * A handler for the files under class-path folder {@code root} (e.g. {@code "ui/"}), served
   * below URL prefix {@code urlPrefix} (e.g. {@code "/ui/"}).
   */
  public static ApiHandler under(String urlPrefix, String root, Caching caching) {
    requireNonNull(urlPrefix, "urlPrefix");
    StaticResources files = new StaticResources(StaticResources.class.getClassLoader(), root, caching);
    return request -> files.serve(request.path().substring(Math.min(urlPrefix.length(), request.path().length())),
        request);
  }

  /** A handler that answers one class-path file, whatever the request path (e.g. {@code /} → index.html). */
  public static ApiHandler file(String resource, Caching caching) {
    StaticResources files = new StaticResources(StaticResources.class.getClassLoader(), "", caching);
    return request -> files.serve(resource, request);
  }

  private ApiResponse serve(String relative, ApiRequest request) {
    if (!isSafe(relative)) {
      return ApiResponse.text(404, "not found: " + request.path() + "\n");
    }
    Optional<Loaded> file = cache.computeIfAbsent(relative, this::load);
    if (file.isEmpty()) {
      return ApiResponse.text(404, "not found: " + request.path() + "\n");
    }
    Loaded loaded = file.get();
    String type = TYPES.getOrDefault(extension(relative), "application/octet-stream");
    if (loaded.etag().equals(request.header("if-none-match"))) {
      return new ApiResponse(304, type, new byte[0])
          .withHeader("etag", loaded.etag()).withHeader("cache-control", caching.header);
    }
    return new ApiResponse(200, type, loaded.body())
        .withHeader("etag", loaded.etag())
        .withHeader("cache-control", caching.header)
        .withHeader("x-content-type-options", "nosniff");
  }

  private Optional<Loaded> load(String relative) {
    try (InputStream in = loader.getResourceAsStream(root + relative)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] body = in.readAllBytes();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return Optional.of(new Loaded(body, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file name below the root: no empty, dot or dot-dot segments, no backslashes, not a folder. */
  private static boolean isSafe(String relative) {
    if (relative.isEmpty() || relative.endsWith("/") || relative.startsWith("/") || relative.contains("\\")) {
      return false;
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
