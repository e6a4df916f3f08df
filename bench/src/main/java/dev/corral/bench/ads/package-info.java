/**
 * The ADS scale benchmark ({@code bench/ads-scale.sh}): a real control plane in its own JVM (or,
 * with {@code --in-process}, in the clients' JVM) and many simulated ADS clients in one JVM, plus
 * the translation time and heap of a large mesh.
 */
@NullMarked
package dev.corral.bench.ads;

import org.jspecify.annotations.NullMarked;
