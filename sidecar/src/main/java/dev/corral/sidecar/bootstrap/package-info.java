/**
 * Reading the sidecar's Envoy v3 bootstrap. The supported subset is one allowlist of field paths
 * ({@code SupportedFields}); every set field is checked against it, so an unimplemented field is
 * a startup error naming its path rather than silently ignored. docs/bootstrap.md documents it.
 */
@NullMarked
package dev.corral.sidecar.bootstrap;

import org.jspecify.annotations.NullMarked;
