#!/bin/sh
# Entrypoint of Corral's JVM images: runs a jar with the same JVM flags as the launcher (./corral):
# /app/jvm.options, the module's jvm.options copied at build time, used as a Java @argfile; or
# CORRAL_JVM_FLAGS when set, which replaces them (the chart's controller.jvmFlags / sidecar.jvmFlags).
set -eu
jar=$1
shift
if [ -n "${CORRAL_JVM_FLAGS:-}" ]; then
  # The flags are a space-separated list, as in ./corral: word splitting is intended.
  # shellcheck disable=SC2086
  exec java $CORRAL_JVM_FLAGS -jar "$jar" "$@"
fi
exec java @/app/jvm.options -jar "$jar" "$@"
