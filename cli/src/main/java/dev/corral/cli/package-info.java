/**
 * corralctl: the command line view of a running mesh, over the control plane's HTTP API
 * ({@code /api/v1/stats}, {@code /policies}, {@code /xds}, {@code /problems}, {@code /info}) and a
 * sidecar's admin ({@code /config_dump}, {@code /clusters}); no dependency on control-plane code.
 * {@link dev.corral.cli.Corralctl} wires the picocli commands; {@link dev.corral.cli.Table} and
 * {@link dev.corral.cli.Format} make every table read the same way (units, {@code -} for no data).
 */
@NullMarked
package dev.corral.cli;

import org.jspecify.annotations.NullMarked;
