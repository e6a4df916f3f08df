/**
 * The ADS scale benchmark ({@code bench/ads-scale.sh}): a real control plane and many simulated
 * ADS clients in one JVM, plus the translation time and heap of a large mesh.
 */
@NullMarked
package dev.corral.bench.ads;

import org.jspecify.annotations.NullMarked;
