/**
 * {@code corral demo}: the control plane in local mode on a copy of {@code examples/mesh}, a
 * sidecar per pod, three image backends and a load driver, all real processes on loopback
 * ({@link dev.corral.demo.DemoMain}). The demo depends on no other Corral module: it runs their
 * jars and reads the control plane's HTTP API.
 */
@NullMarked
package dev.corral.demo;

import org.jspecify.annotations.NullMarked;
