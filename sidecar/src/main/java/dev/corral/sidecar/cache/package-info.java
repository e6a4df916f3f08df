/**
 * The HTTP cache's pure core: RFC 9111 rules for a shared cache, with no Netty channel in sight.
 * The cache filter calls it in this order:
 *
 * <ol>
 *   <li>{@link CacheKeys#keyFor} → {@link CacheStore#get} (primary key → {@link VarySpec} →
 *       variant; a miss says whether the URI or only the variant was missing);
 *   <li>on a hit, {@link Freshness#evaluate} decides: serve, serve stale (and revalidate in the
 *       background), revalidate with {@link Revalidation#conditionalHeaders}, or 504 for
 *       only-if-cached;
 *   <li>a 304 is merged with {@link Revalidation#freshen}; a 5xx or failure may be answered with
 *       the stale response when {@link Freshness#usableOnError};
 *   <li>a forwarded response is stored when {@link Storability#check} allows (and the body fits
 *       maxObjectSize);
 *   <li>non-error responses to unsafe methods evict {@link Invalidation#targets};
 *   <li>{@link CacheStatus} says what happened, in the {@code Cache-Status} field (RFC 9211).
 * </ol>
 *
 * <p>Design: responses are immutable values, stored in one Caffeine cache bounded by bytes. A
 * URI's entries hang off a generation number, so invalidating a URI is O(1) whatever its
 * variants. Time is an argument (epoch millis) everywhere, so tests advance a clock by hand.
 * There is no heuristic freshness: a response that states none gets the policy's defaultTtl.
 */
@NullMarked
package dev.corral.sidecar.cache;

import org.jspecify.annotations.NullMarked;
