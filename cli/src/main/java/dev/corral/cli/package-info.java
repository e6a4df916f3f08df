/** corralctl: the command line view of a running mesh, over the control plane's HTTP API. */
@NullMarked
package dev.corral.cli;

import org.jspecify.annotations.NullMarked;
