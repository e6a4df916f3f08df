/**
 * Range coalescing's pure core: parsing {@code Range} and {@code Content-Range}, widening a range
 * to whole blocks, planning the upstream fetches of missing blocks, and stitching a 206 from
 * blocks.
 *
 * <p>Why blocks: concurrent Range requests for nearby bytes (video seeks, columnar file reads)
 * rarely ask for the same bytes, so plain collapsed forwarding never joins them. Widened to
 * aligned blocks they do: each block is fetched once, whoever asks, and requests that need the
 * same blocks wait on the same fetches. Blocks are only stitched together when they carry the
 * same strong validator and length; otherwise the request falls back to being forwarded as is.
 * Multi-range requests and invalid Range fields are not coalesced.
 */
@NullMarked
package dev.corral.sidecar.collapse.ranges;

import org.jspecify.annotations.NullMarked;
