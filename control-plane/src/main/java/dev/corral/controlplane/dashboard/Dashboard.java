package dev.corral.controlplane.dashboard;

import static java.util.Objects.requireNonNull;

import dev.corral.controlplane.http.ApiServer;
import dev.corral.controlplane.http.StaticResources;
import dev.corral.controlplane.http.StaticResources.Caching;

/**
 * The dashboard's routes on the control plane's HTTP port: the page at {@code /}, its scripts and
 * styles under {@code /ui/} (class-path folder {@code ui/}), and the chart library from its WebJar
 * under {@code /webjars/}. The page reads {@code /api/v1/stats/history} once, then polls it for new
 * samples, and {@code /api/v1/policies} when the control plane has it.
 */
public final class Dashboard {
  public static final String PAGE = "/";
  public static final String ASSETS = "/ui/";
  public static final String WEBJARS = "/webjars/";

  private Dashboard() {
  }

  /** Adds the dashboard's routes to {@code api}. */
  public static ApiServer.Builder register(ApiServer.Builder api) {
    requireNonNull(api, "api");
    return api
        .get(PAGE, StaticResources.file("ui/index.html", Caching.REVALIDATE))
        .getPrefix(ASSETS, StaticResources.under(ASSETS, "ui/", Caching.REVALIDATE))
        // WebJar URLs carry the library's version, so they may be cached for good.
        .getPrefix(WEBJARS, StaticResources.under(WEBJARS, "META-INF/resources/webjars/", Caching.IMMUTABLE));
  }
}
