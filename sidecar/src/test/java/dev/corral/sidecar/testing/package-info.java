/** Helpers shared by the sidecar's unit tests. */
@NullMarked
package dev.corral.sidecar.testing;

import org.jspecify.annotations.NullMarked;
