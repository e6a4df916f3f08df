/**
 * The dashboard served by the control plane (docs/dashboard.md): a single page of plain ES modules
 * and CSS in the jar's {@code ui/} folder, with Chart.js from its WebJar; no build step.
 */
@NullMarked
package dev.corral.controlplane.dashboard;

import org.jspecify.annotations.NullMarked;
