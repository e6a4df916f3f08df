/**
 * Routing: a {@code RouteConfiguration} compiled once into an immutable {@code RouteTable}
 * (virtual host by authority, then first matching route), and per-route cluster choice, timeout
 * and hash policy. Regexes are compiled at compile time; matching allocates little per request.
 */
@NullMarked
package dev.corral.sidecar.route;

import org.jspecify.annotations.NullMarked;
