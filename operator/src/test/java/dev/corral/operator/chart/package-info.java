/**
 * Tests of the Helm chart (helm/corral) and the container images (images/): the chart is linted
 * and rendered by real Helm (helm-java's bundled native library), every rendered document is
 * parsed with fabric8 and checked against ARCHITECTURE.md's contracts, then applied to fabric8's
 * mock API server.
 */
@NullMarked
package dev.corral.operator.chart;

import org.jspecify.annotations.NullMarked;
